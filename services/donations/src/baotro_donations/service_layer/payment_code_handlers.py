"""Payment code use cases: issue (one code per target, idempotent) and look up.

`issue_payment_code` works inside an open unit of work (a consumer's transaction, or the
API's); `handle_issue_payment_code` is the API's one transaction. Every new code emits
`payment_code.issued` through the outbox; re-issuing returns the existing code silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from baotro_donations.adapters.payment_code_repository import Insert, StoredPaymentCode
from baotro_donations.domain.payment_code import (
    BodySource,
    PaymentCodeError,
    TargetKind,
    issue,
    random_body,
    validate,
)
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import FundConfig
from baotro_shared.events.contracts.donations import PaymentCodeIssued
from baotro_shared.vietqr import VietQRError, build_payload
from baotro_shared.web.auth import Principal

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 8
"""Bodies drawn before giving up; with ~229 million bodies per kind, 2 are already rare."""
NOT_FOUND = "Không tìm thấy mã thanh toán này. Vui lòng kiểm tra lại từng ký tự của mã."


class PaymentCodeRefusedError(Exception):
    """A refusal with its HTTP status; `message` is Vietnamese."""

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@dataclass(frozen=True)
class IssuePaymentCode:
    fund_code: str | None
    target_kind: TargetKind
    target_id: str
    amount: int | None = None


@dataclass(frozen=True)
class Issued:
    code: StoredPaymentCode
    created: bool


def choose_fund(funds: Sequence[FundConfig], fund_code: str | None) -> FundConfig:
    """The fund `fund_code`, or the first (default) fund."""
    if fund_code is None:
        if not funds:
            raise PaymentCodeRefusedError(409, "Chưa cấu hình quỹ nào để cấp mã thanh toán.")
        return funds[0]
    fund = next((f for f in funds if f.code == fund_code), None)
    if fund is None:
        raise PaymentCodeRefusedError(
            422, f"Không có quỹ mã «{fund_code}» trong cấu hình.", field="fund"
        )
    return fund


async def issue_payment_code(
    uow: DonationsUnitOfWork,
    fund: FundConfig,
    *,
    target_kind: TargetKind,
    target_id: str,
    amount: int | None,
    created_by: str,
    body_source: BodySource | None = None,
) -> Issued:
    """The target's code, issued now (and announced) unless it has one; no commit here."""
    existing = await uow.payment_codes.for_target(fund.code, target_kind, target_id)
    if existing is not None:
        return Issued(existing, created=False)
    account = fund.vietqr_account()
    if account is None or account.bin is None:
        raise PaymentCodeRefusedError(
            409, f"Quỹ «{fund.name}» chưa có tài khoản ngân hàng nhận chuyển khoản VietQR."
        )
    source = body_source or random_body()
    for _ in range(MAX_ATTEMPTS):
        try:
            code = issue(fund.payment_code_prefix, target_kind, source)
            payload = build_payload(account.bin, account.number, amount=amount, memo=code.text)
        except (PaymentCodeError, VietQRError) as exc:
            raise PaymentCodeRefusedError(409, exc.message) from exc
        candidate = StoredPaymentCode(
            code=code.text,
            fund_code=fund.code,
            target_kind=target_kind,
            target_id=target_id,
            amount=amount,
            memo=code.text,
            vietqr_payload=payload,
            created_at=datetime.now(UTC),
            created_by=created_by,
        )
        outcome = await uow.payment_codes.add_unless_exists(candidate)
        if outcome is Insert.ADDED:
            await uow.publish(
                PaymentCodeIssued(
                    code=candidate.code,
                    fund_code=candidate.fund_code,
                    target_kind=target_kind.value,
                    target_id=target_id,
                    amount=amount,
                    vietqr_payload=payload,
                    issued_at=candidate.created_at,
                )
            )
            log.info(
                "donations.payment_code.issued",
                code=candidate.code,
                target_kind=target_kind.value,
                target_id=target_id,
            )
            return Issued(candidate, created=True)
        if outcome is Insert.TARGET_HAS_CODE:  # issued concurrently by another transaction
            stored = await uow.payment_codes.for_target(fund.code, target_kind, target_id)
            assert stored is not None
            return Issued(stored, created=False)
        log.info("donations.payment_code.collision", code=candidate.code)
    raise PaymentCodeRefusedError(
        503, "Không cấp được mã thanh toán mới sau nhiều lần thử; vui lòng thử lại."
    )


async def handle_issue_payment_code(
    uow: DonationsUnitOfWork,
    funds: Sequence[FundConfig],
    command: IssuePaymentCode,
    *,
    principal: Principal,
    body_source: BodySource | None = None,
) -> Issued:
    """Issue (or return) the code of a target, in one transaction."""
    fund = choose_fund(funds, command.fund_code)
    target_id = command.target_id.strip()
    if not target_id:
        raise PaymentCodeRefusedError(422, "Thiếu mã đối tượng (target_id).", field="target_id")
    async with uow:
        issued = await issue_payment_code(
            uow,
            fund,
            target_kind=command.target_kind,
            target_id=target_id,
            amount=command.amount,
            created_by=principal.sub,
            body_source=body_source,
        )
        await uow.commit()
    return issued


async def handle_read_payment_code(
    uow: DonationsUnitOfWork, funds: Sequence[FundConfig], text: str
) -> StoredPaymentCode:
    """The stored code written as `text` (spaces, case tolerated); 404 if invalid or unknown."""
    prefixes = [f.payment_code_prefix for f in funds]
    code = validate(text, prefixes) if prefixes else None
    if code is None:
        raise PaymentCodeRefusedError(404, NOT_FOUND)
    async with uow:
        stored = await uow.payment_codes.get(code.text)
    if stored is None:
        raise PaymentCodeRefusedError(404, NOT_FOUND)
    return stored
