"""HTTP API of the ledger: donations entered by staff, reversals, balances, entries.

Accountants and fund administrators post; auditors read; other roles are refused (403).
Refusals carry the domain's Vietnamese message as problem+json with the domain's status.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from baotro_donations.domain.ledger_accounts import (
    AccountKind,
    Fund,
    LedgerRefusedError,
    Restriction,
    RestrictionKind,
    restriction_key,
    restriction_label,
)
from baotro_donations.entrypoints.dependencies import Funds, Reader, Staff, Uow, problem_of
from baotro_donations.entrypoints.ledger_schemas import (
    AccountBalanceOut,
    BalancesOut,
    DonationCreate,
    DonationOut,
    DonationReversal,
    EntryOut,
    EntryPage,
    PostingOut,
    RestrictionMoney,
    ReversalOut,
)
from baotro_donations.service_layer.donation_handlers import (
    RecordDonation,
    fund_of,
    ledger_balances,
    ledger_entries,
    record_donation,
    reverse_donation,
)
from baotro_shared.web.paging import Offset
from baotro_shared.web.problems import ProblemError

router = APIRouter(prefix="/v1")


def _fund(funds: Sequence[Fund], code: str | None) -> Fund:
    try:
        return fund_of(funds, code)
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc


def _parse_restriction(value: str | None) -> tuple[Restriction | None, bool]:
    """ "unrestricted", "<kind>:<id>" or "restricted:<kind>:<id>" → (restriction, unrestricted)."""
    if value is None:
        return None, False
    if value == "unrestricted":
        return None, True
    parts = value.removeprefix("restricted:").split(":")
    try:
        if len(parts) != 2:
            raise ValueError
        return Restriction(RestrictionKind(parts[0]), parts[1]), False
    except (ValueError, LedgerRefusedError):
        raise ProblemError(
            422,
            "Nguồn quỹ không hợp lệ: dùng “unrestricted” hoặc “<loại>:<mã>”, "
            "ví dụ appeal:A-12 (loại: appeal, case, campaign, sponsorship).",
            errors=[{"field": "restriction", "message": "Nguồn quỹ không hợp lệ."}],
        ) from None


@router.post(
    "/donations",
    status_code=status.HTTP_201_CREATED,
    response_model=DonationOut,
    tags=["donations"],
)
async def create_donation(
    body: DonationCreate, uow: Uow, funds: Funds, principal: Staff
) -> DonationOut:
    """Ghi nhận khoản tài trợ bằng tiền mặt hoặc hiện vật (kế toán, quản trị quỹ): ghi sổ,
    cấp số biên lai liên tục, phát sự kiện donation.received, trong một giao dịch."""
    if body.channel == "in_kind" and body.in_kind is None:
        raise ProblemError(
            422,
            "Tài trợ hiện vật phải ghi mô tả, số lượng và giá trị (số tiền).",
            errors=[{"field": "in_kind", "message": "Thiếu thông tin hiện vật."}],
        )
    if body.channel == "cash" and body.in_kind is not None:
        raise ProblemError(
            422,
            "Tài trợ tiền mặt không ghi thông tin hiện vật.",
            errors=[{"field": "in_kind", "message": "Không dùng cho tiền mặt."}],
        )
    goods = body.in_kind
    command = RecordDonation(
        fund_code=_fund(funds, body.fund).code,
        channel=body.channel,
        amount=body.amount,
        received_on=body.received_on,
        target_kind=body.target_kind,
        target_id=body.target_id,
        restricted=body.restricted,
        donor_id=body.donor_id,
        anonymous=body.anonymous,
        original_currency=body.original_currency,
        original_amount=body.original_amount,
        in_kind_description=goods.description.strip() if goods else None,
        in_kind_quantity=goods.quantity if goods else None,
        in_kind_unit=goods.unit if goods else None,
        memo=body.memo,
    )
    try:
        donation = await record_donation(uow, command, funds=funds, actor=principal.sub)
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return DonationOut.model_validate(donation, from_attributes=True)


@router.post("/donations/{donation_id}/reverse", response_model=ReversalOut, tags=["donations"])
async def reverse(
    donation_id: uuid.UUID, body: DonationReversal, uow: Uow, funds: Funds, principal: Staff
) -> ReversalOut:
    """Đảo (hoàn trả, điều chỉnh) toàn bộ hoặc một phần khoản tài trợ; bắt buộc ghi lý do."""
    try:
        result = await reverse_donation(
            uow,
            donation_id,
            amount=body.amount,
            reason=body.reason,
            on=body.on,
            funds=funds,
            actor=principal.sub,
        )
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return ReversalOut(
        donation_id=result.donation.id,
        reversal_id=result.reversal_id,
        amount=result.amount,
        remaining=result.remaining,
    )


@router.get("/ledger/balances", response_model=BalancesOut, tags=["ledger"])
async def balances(
    uow: Uow,
    funds: Funds,
    _principal: Reader,
    fund: str | None = None,
    as_of: date | None = None,
    restriction: str | None = None,
) -> BalancesOut:
    """Số dư theo tài khoản và nguồn quỹ đến hết ngày `as_of` (mặc định: mọi bút toán)."""
    book = _fund(funds, fund)
    only, unrestricted = _parse_restriction(restriction)
    rows = await ledger_balances(
        uow, fund=book, as_of=as_of, restriction=only, unrestricted_only=unrestricted
    )
    labels: dict[str, str] = {}
    money: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.kind is AccountKind.ASSET:
            key = restriction_key(row.restriction)
            labels[key] = restriction_label(row.restriction)
            money[key] += row.balance
    return BalancesOut(
        fund_code=book.code,
        as_of=as_of,
        accounts=[
            AccountBalanceOut(
                account_code=row.account_code,
                account_name=row.account_name,
                kind=row.kind.value,
                restriction=restriction_key(row.restriction),
                restriction_label=restriction_label(row.restriction),
                debit=row.debit,
                credit=row.credit,
                balance=row.balance,
            )
            for row in rows
        ],
        restrictions=[
            RestrictionMoney(restriction=key, restriction_label=labels[key], money=money[key])
            for key in sorted(labels)
        ],
        total_debit=sum(row.debit for row in rows),
        total_credit=sum(row.credit for row in rows),
    )


@router.get("/ledger/entries", response_model=EntryPage, tags=["ledger"])
async def entries(
    uow: Uow,
    funds: Funds,
    _principal: Reader,
    fund: str | None = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    account: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> EntryPage:
    """Sổ nhật ký: các bút toán theo thứ tự ghi sổ, lọc theo ngày và tài khoản."""
    book = _fund(funds, fund)
    try:
        stored, total = await ledger_entries(
            uow,
            fund=book,
            date_from=date_from,
            date_to=date_to,
            account=account,
            limit=limit,
            offset=offset,
        )
    except LedgerRefusedError as exc:
        raise problem_of(exc) from exc
    return EntryPage(
        items=[
            EntryOut(
                id=s.entry.id,
                fund_code=s.entry.fund,
                date=s.entry.date,
                memo=s.entry.memo,
                reverses=s.entry.reverses,
                amount=s.entry.amount,
                created_at=s.created_at,
                created_by=s.created_by,
                lines=[
                    PostingOut(
                        account_code=line.account.code,
                        account_name=line.account.name,
                        restriction=restriction_key(line.restriction),
                        debit=line.debit,
                        credit=line.credit,
                    )
                    for line in s.entry.lines
                ],
            )
            for s in stored
        ],
        total=total,
        limit=limit,
        offset=offset,
    )
