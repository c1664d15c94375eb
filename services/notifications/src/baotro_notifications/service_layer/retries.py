"""A person sends a failed (or skipped) notice again: back to pending, attempts reset."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from baotro_notifications.adapters.orm_deliveries import DeliveryRecord
from baotro_notifications.domain.notices import DeliveryStatus
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork

RETRYABLE = frozenset({DeliveryStatus.FAILED.value, DeliveryStatus.SKIPPED.value})


class RetryRefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def retry_delivery(
    uow: NotificationsUnitOfWork, delivery_id: uuid.UUID, *, by: str
) -> DeliveryRecord:
    """The delivery, pending again from now (one transaction); refused unless it failed or
    was skipped."""
    now = datetime.now(UTC)
    async with uow:
        row = await uow.deliveries.get(delivery_id, lock=True)
        if row is None:
            raise RetryRefusedError(404, "Không tìm thấy thư (lượt gửi) này.")
        if row.status not in RETRYABLE:
            raise RetryRefusedError(
                409,
                "Chỉ gửi lại được thư đã thất bại hoặc bị bỏ qua; thư này đang chờ gửi hoặc "
                "đã gửi.",
            )
        row.status = DeliveryStatus.PENDING.value
        row.attempts = 0
        row.lookup_failures = 0
        row.skip_reason = None
        row.next_attempt_at = now
        row.updated_at = now
        row.last_error = f"Gửi lại theo yêu cầu của {by}."
        await uow.commit()
    return row
