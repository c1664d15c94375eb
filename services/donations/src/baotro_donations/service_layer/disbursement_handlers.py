"""Disbursements: an accountant asks (or an approved support plan asks), a second person with
the fund_admin role approves, and the approval pays in ONE transaction: the fund's book is
locked, the domain checks the restriction's money and builds the entry, the entry is written,
the request is marked paid and `disbursement.made` goes to the outbox. A refusal (not enough
money) rolls all of it back: the request stays pending and nothing is posted.

A caller with communes in its token sees and acts only on requests of those communes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import structlog

from baotro_donations.adapters.disbursement_repository import DisbursementFilter
from baotro_donations.domain import ledger as books
from baotro_donations.domain.disbursements import (
    CASH_KEY,
    KEEP,
    Disbursement,
    DisbursementRefusedError,
    Keep,
    PlannedSupport,
    paid_from_account,
    requests_for_plan,
)
from baotro_donations.domain.ledger_accounts import Fund, Money, Purpose, Restriction
from baotro_donations.service_layer.donation_handlers import fund_of
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import FundConfig
from baotro_shared.events.contracts.donations import DisbursementMade
from baotro_shared.timeutil import today_in_vietnam
from baotro_shared.web.auth import Principal, ensure_commune_access

log = structlog.get_logger(__name__)

NOT_FOUND = "Không tìm thấy đề nghị chi này."
PLANNED_BY = "service:donations"
"""Requester of the requests made from registry support plans."""


@dataclass(frozen=True)
class RequestDisbursement:
    """Support to pay, as an accountant enters it."""

    fund_code: str | None
    amount: Money
    purpose: Purpose
    restriction: Restriction | None
    paid_from: str
    planned_on: date
    public_description: str
    allow_unrestricted: bool = False
    case_id: uuid.UUID | None = None
    commune_code: str | None = None
    groups: tuple[str, ...] = ()
    beneficiaries: int | None = None


@dataclass(frozen=True)
class AmendDisbursement:
    """Changes to a pending request; KEEP leaves a field as it is."""

    restriction: Restriction | Keep | None = KEEP
    allow_unrestricted: bool | Keep = KEEP
    paid_from: str | Keep = KEEP
    amount: Money | Keep = KEEP
    planned_on: date | Keep = KEEP
    public_description: str | Keep = KEEP


def _funds(uow: DonationsUnitOfWork) -> list[Fund]:
    return [f.ledger_fund() for f in uow.settings.funds]


def default_paid_from(fund: FundConfig) -> str:
    """Where plan support is paid from until the accountant says otherwise: the account gifts
    by transfer arrive in (the VietQR account), else the first bank account, else cash."""
    account = fund.vietqr_account() or next(iter(fund.bank_accounts), None)
    return account.key if account else CASH_KEY


def _check_scope(principal: Principal, commune_code: str | None) -> None:
    """A commune-scoped caller acts only within its communes (a request without a commune is
    the province's)."""
    if principal.communes is None:
        return
    if commune_code is None:
        raise DisbursementRefusedError(
            403,
            "Bạn chỉ được lập đề nghị chi cho xã/phường trong địa bàn được phân công; "
            "hãy ghi mã xã/phường.",
            field="commune_code",
        )
    ensure_commune_access(principal, commune_code)


async def _pending(
    uow: DonationsUnitOfWork, disbursement_id: uuid.UUID, principal: Principal
) -> Disbursement:
    found = await uow.disbursements.get(
        disbursement_id, communes=principal.scope_filter(), for_update=True
    )
    if found is None:
        raise DisbursementRefusedError(404, NOT_FOUND)
    return found


async def request_disbursement(
    uow: DonationsUnitOfWork, command: RequestDisbursement, *, principal: Principal
) -> Disbursement:
    """A pending request entered by staff; money is only checked when it is approved."""
    _check_scope(principal, command.commune_code)
    fund = fund_of(_funds(uow), command.fund_code)
    paid_from_account(fund, command.paid_from)
    disbursement = Disbursement(
        id=uuid.uuid4(),
        fund_code=fund.code,
        amount=command.amount,
        purpose=command.purpose,
        restriction=command.restriction,
        allow_unrestricted=command.allow_unrestricted,
        paid_from=command.paid_from,
        planned_on=command.planned_on,
        public_description=command.public_description,
        requested_by=principal.sub,
        requested_at=datetime.now(UTC),
        case_id=command.case_id,
        commune_code=command.commune_code,
        groups=command.groups,
        beneficiaries=command.beneficiaries,
    )
    async with uow:
        await uow.disbursements.add(disbursement)
        await uow.commit()
    log.info("donations.disbursement.requested", disbursement_id=str(disbursement.id))
    return disbursement


async def amend_disbursement(
    uow: DonationsUnitOfWork,
    disbursement_id: uuid.UUID,
    changes: AmendDisbursement,
    *,
    principal: Principal,
) -> Disbursement:
    """Change a pending request (e.g. the restriction of a plan's request)."""
    async with uow:
        disbursement = await _pending(uow, disbursement_id, principal)
        if not isinstance(changes.paid_from, Keep):
            paid_from_account(fund_of(_funds(uow), disbursement.fund_code), changes.paid_from)
        disbursement.amend(
            by=principal.sub,
            restriction=changes.restriction,
            allow_unrestricted=changes.allow_unrestricted,
            paid_from=changes.paid_from,
            amount=changes.amount,
            planned_on=changes.planned_on,
            public_description=changes.public_description,
        )
        await uow.disbursements.save(disbursement)
        await uow.commit()
    log.info("donations.disbursement.amended", disbursement_id=str(disbursement_id))
    return disbursement


async def approve_disbursement(
    uow: DonationsUnitOfWork,
    disbursement_id: uuid.UUID,
    *,
    principal: Principal,
    paid_on: date | None = None,
) -> Disbursement:
    """Approve and pay: post the entry and publish `disbursement.made`, all or nothing."""
    now = datetime.now(UTC)
    day = paid_on or today_in_vietnam()
    if day > today_in_vietnam():
        raise DisbursementRefusedError(
            422, "Ngày chi không được sau ngày hôm nay.", field="paid_on"
        )
    async with uow:
        disbursement = await _pending(uow, disbursement_id, principal)
        disbursement.check_approver(principal.sub)
        fund = fund_of(_funds(uow), disbursement.fund_code)
        account = paid_from_account(fund, disbursement.paid_from)
        await uow.ledger.lock_fund(fund.code)
        ledger = await uow.ledger.load_for(fund, restrictions=[disbursement.restriction, None])
        entry = books.record_disbursement(
            ledger,
            fund=fund.code,
            amount=disbursement.amount,
            purpose=disbursement.purpose,
            restriction=disbursement.restriction,
            paid_from=account,
            date=day,
            allow_unrestricted=disbursement.allow_unrestricted,
            memo=f"Chi theo đề nghị {disbursement.id}: {disbursement.public_description}"[:500],
            entry_id=uuid.uuid5(disbursement.id, "ledger-entry"),
        )
        await uow.ledger.add_entry(entry, created_at=now, created_by=principal.sub)
        disbursement.mark_paid(approver=principal.sub, entry_id=entry.id, paid_on=day, at=now)
        await uow.disbursements.save(disbursement)
        await uow.publish(_made(disbursement, now))
        await uow.commit()
    log.info(
        "donations.disbursement.paid",
        disbursement_id=str(disbursement.id),
        entry_id=str(entry.id),
        fund=fund.code,
        amount=disbursement.amount,
    )
    return disbursement


def _made(d: Disbursement, now: datetime) -> DisbursementMade:
    """The public facts of a payment: no names, no personal data of the child."""
    assert d.paid_on is not None
    return DisbursementMade(
        disbursement_id=d.id,
        fund_code=d.fund_code,
        amount=d.amount,
        paid_on=d.paid_on,
        purpose=d.purpose.value,
        restriction_kind=d.restriction.kind.value if d.restriction else None,
        restriction_id=d.restriction.id if d.restriction else None,
        case_id=d.case_id,
        plan_id=d.plan.plan_id if d.plan else None,
        commune_code=d.commune_code,
        groups=d.groups,
        beneficiaries=d.beneficiaries,
        public_description=d.public_description,
        made_at=now,
    )


async def reject_disbursement(
    uow: DonationsUnitOfWork, disbursement_id: uuid.UUID, *, principal: Principal, reason: str
) -> Disbursement:
    async with uow:
        disbursement = await _pending(uow, disbursement_id, principal)
        disbursement.reject(by=principal.sub, reason=reason, at=datetime.now(UTC))
        await uow.disbursements.save(disbursement)
        await uow.commit()
    log.info("donations.disbursement.rejected", disbursement_id=str(disbursement_id))
    return disbursement


async def cancel_disbursement(
    uow: DonationsUnitOfWork, disbursement_id: uuid.UUID, *, principal: Principal, reason: str
) -> Disbursement:
    async with uow:
        disbursement = await _pending(uow, disbursement_id, principal)
        disbursement.cancel(by=principal.sub, reason=reason, at=datetime.now(UTC))
        await uow.disbursements.save(disbursement)
        await uow.commit()
    log.info("donations.disbursement.cancelled", disbursement_id=str(disbursement_id))
    return disbursement


async def get_disbursement(
    uow: DonationsUnitOfWork, disbursement_id: uuid.UUID, *, principal: Principal
) -> Disbursement:
    async with uow:
        found = await uow.disbursements.get(disbursement_id, communes=principal.scope_filter())
    if found is None:
        raise DisbursementRefusedError(404, NOT_FOUND)
    return found


async def list_disbursements(
    uow: DonationsUnitOfWork,
    where: DisbursementFilter,
    *,
    principal: Principal,
    limit: int,
    offset: int,
) -> tuple[list[Disbursement], int]:
    scoped = DisbursementFilter(
        status=where.status,
        case_id=where.case_id,
        fund_code=where.fund_code,
        communes=principal.scope_filter(),
    )
    async with uow:
        return await uow.disbursements.search(scoped, limit=limit, offset=offset)


async def plan_support(uow: DonationsUnitOfWork, plan: PlannedSupport) -> list[Disbursement]:
    """Inside the caller's transaction: pending requests for the items of an approved plan
    version the fund pays. Still-pending requests of older versions are cancelled; a version
    older than one already seen changes nothing; a redelivered version adds nothing."""
    latest = await uow.disbursements.latest_plan_version(plan.case_id)
    if latest is not None and latest > plan.version_number:
        log.info(
            "donations.disbursement.stale_plan_ignored",
            case_id=str(plan.case_id),
            version=plan.version_number,
            latest=latest,
        )
        return []
    now = datetime.now(UTC)
    for older in await uow.disbursements.pending_of_older_plans(plan.case_id, plan.version_number):
        older.cancel(
            by=PLANNED_BY,
            reason=f"Kế hoạch hỗ trợ đã có phiên bản mới (phiên bản {plan.version_number}).",
            at=now,
            on_behalf=True,
        )
        await uow.disbursements.save(older)
    fund = uow.settings.funds[0]
    requests = requests_for_plan(
        plan,
        fund_code=fund.code,
        paid_from=default_paid_from(fund),
        paid_before=await uow.disbursements.paid_for_plans(plan.case_id, plan.version_number),
        requested_by=PLANNED_BY,
        at=now,
    )
    created = [r for r in requests if await uow.disbursements.add_from_plan(r)]
    log.info(
        "donations.disbursement.planned",
        case_id=str(plan.case_id),
        version=plan.version_number,
        created=len(created),
    )
    return created
