"""HTTP API of payment codes: staff issue them; anyone may read a code and its QR image."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from baotro_donations.adapters.payment_code_repository import StoredPaymentCode
from baotro_donations.domain.payment_code import TargetKind, validate
from baotro_donations.entrypoints.dependencies import Settings, Uow, problem_of
from baotro_donations.entrypoints.payment_code_schemas import (
    BankPublic,
    FundPublic,
    PaymentCodeCreate,
    PaymentCodePublic,
    PaymentCodeStaff,
)
from baotro_donations.service_layer.payment_code_handlers import (
    IssuePaymentCode,
    PaymentCodeRefusedError,
    handle_issue_payment_code,
    handle_read_payment_code,
)
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import DonationsSettings
from baotro_shared.vietqr import parse_payload, qr_png, qr_svg
from baotro_shared.web.auth import Principal, Role, require_roles

router = APIRouter(prefix="/v1")

PUBLIC_TARGETS = frozenset({TargetKind.APPEAL, TargetKind.CAMPAIGN})
"""Targets whose id is public anyway; a donor's, pledge's or sponsorship's id is not shown."""
CACHE_CODE = "public, max-age=300"
CACHE_IMAGE = "public, max-age=31536000, immutable"
"""A code never changes once issued: its image can be cached for good."""


Issuer = Annotated[
    Principal, Depends(require_roles(Role.ACCOUNTANT, Role.FUND_ADMIN, Role.SERVICE))
]


def _public(code: StoredPaymentCode, settings: DonationsSettings) -> PaymentCodePublic:
    fund = settings.fund(code.fund_code)
    qr = parse_payload(code.vietqr_payload)
    account = fund.vietqr_account() if fund else None
    parsed = validate(code.code)
    base = f"{router.prefix}/payment-codes/{code.code}"
    return PaymentCodePublic(
        code=code.code,
        grouped=parsed.grouped() if parsed else code.code,
        fund=FundPublic(code=code.fund_code, name=fund.name if fund else code.fund_code),
        target_kind=code.target_kind,
        target_id=code.target_id if code.target_kind in PUBLIC_TARGETS else None,
        amount=code.amount,
        memo=code.memo,
        vietqr_payload=code.vietqr_payload,
        qr_svg_url=f"{base}/qr.svg",
        qr_png_url=f"{base}/qr.png",
        bank=BankPublic(
            name=account.bank_name if account and account.bin == qr.bank_bin else None,
            account_number=qr.account,
            bin=qr.bank_bin,
        ),
    )


@router.post(
    "/payment-codes",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentCodeStaff,
    tags=["payment-codes"],
)
async def issue_payment_code(
    body: PaymentCodeCreate, uow: Uow, settings: Settings, principal: Issuer
) -> PaymentCodeStaff:
    """Cấp mã thanh toán cho một đối tượng (mỗi đối tượng một mã; cấp lại trả về mã cũ)."""
    try:
        issued = await handle_issue_payment_code(
            uow,
            settings.funds,
            IssuePaymentCode(
                fund_code=body.fund,
                target_kind=body.target_kind,
                target_id=body.target_id,
                amount=body.amount,
            ),
            principal=principal,
        )
    except PaymentCodeRefusedError as exc:
        raise problem_of(exc) from exc
    code = issued.code
    return PaymentCodeStaff(
        **_public(code, settings).model_dump(exclude={"target_id"}),
        target_id=code.target_id,
        created_at=code.created_at,
        created_by=code.created_by,
        created=issued.created,
    )


async def _read(
    uow: DonationsUnitOfWork, settings: DonationsSettings, code: str
) -> StoredPaymentCode:
    try:
        return await handle_read_payment_code(uow, settings.funds, code)
    except PaymentCodeRefusedError as exc:
        raise problem_of(exc) from exc


@router.get(
    "/payment-codes/{code}", response_model=PaymentCodePublic, tags=["payment-codes", "public"]
)
async def read_payment_code(
    code: str, uow: Uow, settings: Settings, response: Response
) -> PaymentCodePublic:
    """Thông tin chuyển khoản của một mã thanh toán (không cần đăng nhập)."""
    stored = await _read(uow, settings, code)
    response.headers["Cache-Control"] = CACHE_CODE
    return _public(stored, settings)


@router.get(
    "/payment-codes/{code}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
    tags=["payment-codes", "public"],
)
async def payment_code_qr_svg(code: str, uow: Uow, settings: Settings) -> Response:
    """Ảnh mã VietQR (SVG) của mã thanh toán."""
    stored = await _read(uow, settings, code)
    return Response(
        qr_svg(stored.vietqr_payload),
        media_type="image/svg+xml",
        headers={"Cache-Control": CACHE_IMAGE},
    )


@router.get(
    "/payment-codes/{code}/qr.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
    tags=["payment-codes", "public"],
)
async def payment_code_qr_png(code: str, uow: Uow, settings: Settings) -> Response:
    """Ảnh mã VietQR (PNG) của mã thanh toán."""
    stored = await _read(uow, settings, code)
    return Response(
        qr_png(stored.vietqr_payload),
        media_type="image/png",
        headers={"Cache-Control": CACHE_IMAGE},
    )
