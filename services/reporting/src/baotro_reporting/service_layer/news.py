"""News of the fund's work, published by its editors on the portal's home page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from baotro_reporting.adapters.orm import NewsPost
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork


class NewsRefusedError(ValueError):
    """A post that cannot be published; `message` is for the editor (Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def publish_news(
    uow: ReportingUnitOfWork,
    *,
    title: str,
    body: str,
    author: str,
    published_at: datetime | None = None,
) -> NewsPost:
    """Publish a post in one transaction: blanks around the title and body are dropped."""
    title, body = title.strip(), body.strip()
    if not title:
        raise NewsRefusedError("Tiêu đề tin không được để trống.")
    if not body:
        raise NewsRefusedError("Nội dung tin không được để trống.")
    post = NewsPost(
        id=uuid.uuid4(),
        title=title,
        body=body,
        author=author,
        published_at=published_at or datetime.now(UTC),
    )
    async with uow:
        await uow.records.add_news(post)
        await uow.commit()
    return post
