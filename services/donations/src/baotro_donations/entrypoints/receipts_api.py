"""HTTP API of receipts (biên lai): JSON by default, the printable PDF on request.

`GET /v1/receipts/{number}.pdf` always answers the PDF; `GET /v1/receipts/{number}` answers
the PDF when the `Accept` header prefers `application/pdf` over JSON, otherwise JSON.
Accountants, fund administrators and auditors read receipts; other roles are refused (403).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response

from baotro_donations.domain.ledger_accounts import Fund, LedgerRefusedError
from baotro_donations.domain.receipt_number import ReceiptNumberError, parse_receipt_number
from baotro_donations.entrypoints.dependencies import Reader, Settings, Uow
from baotro_donations.entrypoints.ledger_schemas import ReceiptOut
from baotro_donations.service_layer.donation_handlers import Receipt, donation_receipt
from baotro_donations.service_layer.receipt_document import receipt_pdf
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import DonationsSettings, FundConfig
from baotro_shared.amount_words import amount_in_figures, amount_in_words
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1", tags=["receipts"])

PDF = "application/pdf"
JSON = "application/json"
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF: {}}, "description": "Biên lai (PDF, khổ A4)"}
}


def _quality(accept: str, media_type: str) -> float:
    """The q-value `accept` gives `media_type` (exact type, then type/*, then */*)."""
    main = media_type.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for item in accept.split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        specificity = {media_type: 2, f"{main}/*": 1, "*/*": 0}.get(kind.lower())
        if specificity is None or specificity < best[0]:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best = (specificity, quality)
    return best[1]


def prefers_pdf(accept: str | None) -> bool:
    """True when `accept` ranks the PDF above JSON; JSON wins ties and a missing header."""
    if not accept:
        return False
    return _quality(accept, PDF) > _quality(accept, JSON)


async def _receipt(uow: DonationsUnitOfWork, settings: DonationsSettings, number: str) -> Receipt:
    try:
        canonical = str(parse_receipt_number(number))
    except ReceiptNumberError as exc:
        raise ProblemError(422, exc.message) from exc
    funds: list[Fund] = [f.ledger_fund() for f in settings.funds]
    try:
        return await donation_receipt(uow, canonical, funds=funds)
    except LedgerRefusedError as exc:
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
        raise ProblemError(exc.status, exc.message, errors=errors) from exc


def _fund_config(settings: DonationsSettings, receipt: Receipt) -> FundConfig:
    fund = settings.fund(receipt.donation.fund_code)
    if fund is None:  # donation_receipt already refused funds that are not configured
        raise ProblemError(422, f"Không có sổ của quỹ {receipt.donation.fund_code}.")
    return fund


async def _pdf_response(receipt: Receipt, settings: DonationsSettings) -> Response:
    pdf = await receipt_pdf(receipt, _fund_config(settings, receipt), donor_name=receipt.donor_name)
    number = receipt.donation.receipt_number
    return Response(
        pdf,
        media_type=PDF,
        headers={
            "Content-Disposition": f'inline; filename="bien-lai-{number}.pdf"',
            "Cache-Control": "private, no-store",
            "Vary": "Accept",
        },
    )


def _receipt_out(receipt: Receipt) -> ReceiptOut:
    d = receipt.donation
    return ReceiptOut(
        receipt_number=d.receipt_number,
        fund_code=d.fund_code,
        fund_name=receipt.fund_name,
        donation_id=d.id,
        received_on=d.received_on,
        channel=d.channel,
        amount=d.amount,
        amount_in_figures=amount_in_figures(d.amount),
        amount_in_words=amount_in_words(d.amount),
        original_currency=d.original_currency,
        original_amount=d.original_amount,
        in_kind_description=d.in_kind_description,
        in_kind_quantity=d.in_kind_quantity,
        in_kind_unit=d.in_kind_unit,
        target_kind=d.target_kind,
        target_id=d.target_id,
        restricted=d.restricted,
        reversed_amount=receipt.reversed_amount,
        pdf_available=True,
    )


# Declared before "/receipts/{number}", whose parameter would otherwise swallow the ".pdf".
@router.get("/receipts/{number}.pdf", response_class=Response, responses=PDF_RESPONSE)
async def receipt_pdf_file(
    number: str, uow: Uow, settings: Settings, _principal: Reader
) -> Response:
    """Biên lai dạng PDF (khổ A4) để in hoặc gửi nhà tài trợ."""
    return await _pdf_response(await _receipt(uow, settings, number), settings)


@router.get("/receipts/{number}", response_model=ReceiptOut, responses=PDF_RESPONSE)
async def receipt(
    number: str,
    uow: Uow,
    settings: Settings,
    _principal: Reader,
    response: Response,
    accept: Annotated[str | None, Header()] = None,
) -> ReceiptOut | Response:
    """Biên lai: JSON (có số tiền bằng chữ), hoặc PDF khi `Accept: application/pdf`."""
    found = await _receipt(uow, settings, number)
    if prefers_pdf(accept):
        return await _pdf_response(found, settings)
    response.headers["Vary"] = "Accept"
    return _receipt_out(found)
