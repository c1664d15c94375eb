"""HTTP API of deliveries: staff see what was sent, failed or skipped, read the letter (its
PDF rendered on demand when it was sent without one), and send a failed (or skipped) notice
again."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from baotro_notifications.adapters.donor_directory import DonorLookupError
from baotro_notifications.adapters.orm_deliveries import DeliveryRecord
from baotro_notifications.domain.notices import DeliveryStatus, NoticeKind
from baotro_notifications.entrypoints.dependencies import Operator, Reader, Runtime, Uow
from baotro_notifications.entrypoints.schemas import DeliveryPage, DeliveryPublic
from baotro_notifications.service_layer.letters_on_demand import LetterNotSentError, letter_pdf
from baotro_notifications.service_layer.retries import RetryRefusedError, retry_delivery
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"])


def _not_found() -> ProblemError:
    return ProblemError(404, "Không tìm thấy thư (lượt gửi) này.")


def _has_letter(row: DeliveryRecord, stored: bool) -> bool:
    """A stored PDF, or a sent notice whose PDF is rendered on demand."""
    return stored or row.status == DeliveryStatus.SENT.value


@router.get("", summary="Deliveries by status, donation or donor (newest first)")
async def list_deliveries(
    uow: Uow,
    _reader: Reader,
    status: DeliveryStatus | None = None,
    donation_id: uuid.UUID | None = None,
    donor_id: uuid.UUID | None = None,
    kind: NoticeKind | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> DeliveryPage:
    async with uow:
        rows, total = await uow.deliveries.search(
            status=status,
            donation_id=donation_id,
            donor_id=donor_id,
            kind=kind,
            limit=limit,
            offset=offset,
        )
        items = [DeliveryPublic.of(row, has_letter=_has_letter(row, has)) for row, has in rows]
    return DeliveryPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{delivery_id}", summary="One delivery")
async def read_delivery(delivery_id: uuid.UUID, uow: Uow, _reader: Reader) -> DeliveryPublic:
    async with uow:
        row = await uow.deliveries.get(delivery_id)
        if row is None:
            raise _not_found()
        return DeliveryPublic.of(row, has_letter=_has_letter(row, row.letter_pdf is not None))


@router.get(
    "/{delivery_id}/letter.pdf",
    summary="The letter as sent (PDF)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def read_letter(delivery_id: uuid.UUID, runtime: Runtime, _reader: Reader) -> Response:
    try:
        pdf = await letter_pdf(
            runtime.uow, delivery_id, directory=runtime.directory, renderer=runtime.renderer
        )
    except LetterNotSentError as exc:
        raise ProblemError(
            404, "Thư này chưa được lập (chưa đến lượt gửi hoặc không gửi)."
        ) from exc
    except DonorLookupError as exc:
        raise ProblemError(
            503,
            "Chưa lấy được tên nhà hảo tâm từ dịch vụ tiếp nhận tài trợ để lập thư; vui lòng "
            "thử lại sau.",
        ) from exc
    if pdf is None:
        raise _not_found()
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="thu-{delivery_id.hex[:12]}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/{delivery_id}/retry", summary="Send a failed or skipped notice again")
async def retry(
    delivery_id: uuid.UUID, uow: Uow, runtime: Runtime, principal: Operator
) -> DeliveryPublic:
    try:
        row = await retry_delivery(uow, delivery_id, by=principal.sub)
    except RetryRefusedError as exc:
        raise ProblemError(exc.status, exc.message) from exc
    runtime.dispatcher.wake()
    return DeliveryPublic.of(row, has_letter=_has_letter(row, row.letter_pdf is not None))
