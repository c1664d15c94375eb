"""Donations and the ledger: record a gift (the single operation reconciliation calls), reverse
it, and read balances, entries and receipts.

Every write is one transaction: the domain validates the entry against what the repository
loads for it, the entry, its receipt number, the donation row and the event (through the
outbox) are written and committed together, or none of them. `record_donation_in` works inside
the caller's transaction (reconciliation matches a bank credit and records the gift in one
transaction).

A gift needs nothing of the book (money coming in never makes a pot negative) and takes no
fund lock: the receipt counter's row lock orders gifts of one fund and year. A reversal locks
the fund's book and loads only the original, its reversals and the pots they touch.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

import structlog

from baotro_donations.adapters.ledger_repository import (
    PotTotal,
    StoredDonation,
    StoredEntry,
)
from baotro_donations.domain import ledger as books
from baotro_donations.domain.ledger_accounts import (
    CASH,
    IN_KIND,
    AccountKind,
    Fund,
    LedgerRefusedError,
    Restriction,
    RestrictionKind,
)
from baotro_donations.domain.ledger_entries import JournalEntry
from baotro_donations.domain.payment_code import TargetKind as CodeTarget
from baotro_donations.domain.public_memo import public_memo
from baotro_donations.domain.receipt_number import YEAR_MIN as RECEIPT_YEAR_MIN
from baotro_donations.domain.receipt_number import format_receipt_number
from baotro_donations.service_layer.party_handlers import DonationContext, donation_context
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_shared.events.contracts.donations import (
    DonationReceived,
    DonationReversed,
    TargetKind,
)
from baotro_shared.timeutil import today_in_vietnam

log = structlog.get_logger(__name__)

DonationChannel = Literal["cash", "in_kind", "bank"]
NOT_FOUND = "Không tìm thấy khoản tài trợ này."
RESTRICTED_TARGET_KINDS = frozenset({"appeal", "sponsorship", "case"})
"""Gifts to these targets are earmarked for them (a donor who gives to one child's appeal)."""


@dataclass(frozen=True)
class RecordDonation:
    """A gift to record. `amount` is the đồng credited (the value for goods in kind); a gift
    from abroad keeps its `original_currency`/`original_amount` for the receipt only."""

    fund_code: str
    channel: DonationChannel
    amount: int
    received_on: date
    target_kind: TargetKind = "general"
    target_id: str | None = None
    restricted: bool = False
    donor_id: uuid.UUID | None = None
    anonymous: bool = False
    bank_account: str | None = None
    """Key of the fund's bank account (e.g. AGRIBANK) for channel "bank"."""
    original_currency: str | None = None
    original_amount: Decimal | None = None
    in_kind_description: str | None = None
    in_kind_quantity: Decimal | None = None
    in_kind_unit: str | None = None
    memo: str | None = None
    """Staff's note: internal, never public."""
    donation_id: uuid.UUID | None = None
    transfer_text: str | None = None
    """The bank transfer's memo as the donor wrote it (bank channel): published masked."""
    hide_transfer_text: bool = False
    """Staff hid the memo from the public statement."""


@dataclass(frozen=True)
class ReversalResult:
    donation: StoredDonation
    reversal_id: uuid.UUID
    amount: int
    remaining: int


@dataclass(frozen=True)
class Receipt:
    donation: StoredDonation
    fund_name: str
    reversed_amount: int
    donor_name: str | None = None
    """The donor's display name (the receipt is the donor's own document)."""
    target_name: str | None = None
    """What the receipt calls the gift's target (`receipt_target_name`)."""


def fund_of(funds: Sequence[Fund], code: str | None) -> Fund:
    """The fund `code` (the first configured fund when None)."""
    if code is None:
        if not funds:
            raise LedgerRefusedError(422, "Chưa cấu hình quỹ nào.", field="fund")
        return funds[0]
    for fund in funds:
        if fund.code == code:
            return fund
    raise LedgerRefusedError(422, f"Không có sổ của quỹ {code}.", field="fund")


def restriction_of(target_kind: str, target_id: str | None, restricted: bool) -> Restriction | None:
    """The earmark of a gift: None unless the donor restricted it to a named target."""
    if target_kind == "general":
        if restricted or target_id:
            raise LedgerRefusedError(
                422, "Khoản tài trợ chung không ghi đối tượng hay hạn chế.", field="target_id"
            )
        return None
    if not target_id:
        raise LedgerRefusedError(
            422,
            "Phải ghi mã đối tượng nhận tài trợ (bài kêu gọi, đợt vận động...).",
            field="target_id",
        )
    if not restricted:
        return None
    try:
        kind = RestrictionKind(target_kind)
    except ValueError:
        raise LedgerRefusedError(
            422,
            "Chỉ hạn chế được cho bài kêu gọi, hồ sơ trẻ, đợt vận động hoặc đỡ đầu.",
            field="target_kind",
        ) from None
    return Restriction(kind, target_id)


def _asset_account(fund: Fund, command: RecordDonation) -> str:
    if command.channel == "cash":
        return CASH.code
    if command.channel == "in_kind":
        if not (command.in_kind_description or "").strip():
            raise LedgerRefusedError(
                422, "Tài trợ hiện vật phải mô tả hiện vật.", field="in_kind_description"
            )
        if command.in_kind_quantity is None or command.in_kind_quantity <= 0:
            raise LedgerRefusedError(
                422, "Số lượng hiện vật phải lớn hơn 0.", field="in_kind_quantity"
            )
        return IN_KIND.code
    if command.bank_account is None:
        if len(fund.bank_accounts) != 1:
            raise LedgerRefusedError(
                422, "Phải chọn tài khoản ngân hàng nhận tiền.", field="bank_account"
            )
        return fund.bank_accounts[0].account.code
    return fund.asset_account(f"112.{command.bank_account}").code


def _check_currency(command: RecordDonation) -> None:
    if (command.original_currency is None) != (command.original_amount is None):
        raise LedgerRefusedError(
            422, "Ngoại tệ phải ghi cả loại tiền và số tiền gốc.", field="original_currency"
        )
    if command.original_amount is not None and command.original_amount <= 0:
        raise LedgerRefusedError(422, "Số tiền ngoại tệ phải lớn hơn 0.", field="original_amount")
    if command.original_currency == "VND":
        raise LedgerRefusedError(422, "Tiền đồng không ghi là ngoại tệ.", field="original_currency")


async def record_donation_in(
    uow: DonationsUnitOfWork, command: RecordDonation, *, fund: Fund, actor: str
) -> StoredDonation:
    """Record a gift inside the caller's transaction (which must commit it): validate it
    through the domain, post Dr asset / Cr donation income, issue the next receipt number,
    store the donation and publish `donation.received` (no donor contact data).

    Idempotent on `command.donation_id`: recorded again, the same gift (fund, amount, target)
    returns the donation already recorded and posts nothing; another gift is refused (409)."""
    now = datetime.now(UTC)
    gift = await _prepare_gift(uow, command, fund=fund)
    # The entry carries the donation's id: a gift recorded twice (a retried webhook, a
    # statement imported again, even at the same moment) is written once.
    if not await uow.ledger.add_entry(gift.entry, created_at=now, created_by=actor, if_new=True):
        return await _recorded_before(
            uow, command, fund=fund, restricted=gift.restriction is not None
        )
    seq = await uow.ledger.next_receipt_seq(fund.code, command.received_on.year)
    donation, event = gift.recorded(
        format_receipt_number(fund.code, command.received_on.year, seq), now=now, actor=actor
    )
    await uow.ledger.add_donation(donation)
    await uow.publish(event)
    return donation


async def record_new_donations_in(
    uow: DonationsUnitOfWork, commands: Sequence[RecordDonation], *, fund: Fund, actor: str
) -> list[StoredDonation]:
    """Record many gifts of one fund inside the caller's transaction, in bulk: one statement
    each for the entries, postings, totals, receipt numbers (one counter update per year),
    donations and events. The caller guarantees the donation ids are new (reconciliation
    derives them from bank transactions it has just deduplicated under the account's lock);
    an id already in the book fails the whole transaction rather than being skipped."""
    if not commands:
        return []
    now = datetime.now(UTC)
    ledger = await uow.ledger.load_for(fund)
    contexts: dict[tuple[str, str | None, uuid.UUID | None], DonationContext] = {}
    terms = [await _gift_terms(uow, command, fund=fund, contexts=contexts) for command in commands]
    # One decision of the book per pot: money coming in never makes a pot negative.
    entries = books.record_donations(
        ledger,
        fund=fund.code,
        gifts=(
            books.GiftPosting(
                amount=t.command.amount,
                asset_account=t.asset_account,
                restriction=t.restriction,
                date=t.command.received_on,
                memo=t.command.memo,
                entry_id=t.command.donation_id,
            )
            for t in terms
        ),
    )
    gifts = [_Gift(t, entry) for t, entry in zip(terms, entries, strict=True)]
    await uow.ledger.add_new_entries([g.entry for g in gifts], created_at=now, created_by=actor)
    numbers: dict[int, int] = {}
    for year in sorted({g.command.received_on.year for g in gifts}):
        count = sum(1 for g in gifts if g.command.received_on.year == year)
        numbers[year] = await uow.ledger.reserve_receipt_seqs(fund.code, year, count)
    donations: list[StoredDonation] = []
    events: list[DonationReceived] = []
    for gift in gifts:
        year = gift.command.received_on.year
        seq = numbers[year]
        numbers[year] = seq + 1
        donation, event = gift.recorded(
            format_receipt_number(fund.code, year, seq), now=now, actor=actor
        )
        donations.append(donation)
        events.append(event)
    await uow.ledger.add_donations(donations)
    await uow.publish_many(events)
    return donations


@dataclass(frozen=True)
class _Terms:
    """A validated gift, before its entry: what it counts towards, where the money is."""

    command: RecordDonation
    restriction: Restriction | None
    asset_account: str
    context: DonationContext
    anonymous: bool
    shown_memo: str | None
    fund_code: str


@dataclass(frozen=True)
class _Gift:
    """A validated gift, its entry posted but not yet numbered."""

    terms: _Terms
    entry: JournalEntry

    @property
    def command(self) -> RecordDonation:
        return self.terms.command

    @property
    def restriction(self) -> Restriction | None:
        return self.terms.restriction

    def recorded(
        self, receipt_number: str, *, now: datetime, actor: str
    ) -> tuple[StoredDonation, DonationReceived]:
        terms = self.terms
        command, context = terms.command, terms.context
        donation = StoredDonation(
            id=self.entry.id,
            fund_code=terms.fund_code,
            channel=command.channel,
            asset_account=terms.asset_account,
            amount=command.amount,
            received_on=command.received_on,
            receipt_number=receipt_number,
            entry_id=self.entry.id,
            target_kind=command.target_kind,
            target_id=command.target_id,
            restricted=terms.restriction is not None,
            donor_id=context.donor_id,
            anonymous=terms.anonymous,
            created_at=now,
            created_by=actor,
            original_currency=command.original_currency,
            original_amount=command.original_amount,
            in_kind_description=command.in_kind_description,
            in_kind_quantity=command.in_kind_quantity,
            in_kind_unit=command.in_kind_unit,
            campaign_id=context.campaign_id,
            pledge_id=context.pledge_id,
            public_memo=terms.shown_memo,
        )
        event = DonationReceived(
            donation_id=donation.id,
            fund_code=terms.fund_code,
            amount=donation.amount,
            received_on=donation.received_on,
            recorded_at=now,
            channel=command.channel,
            target_kind=command.target_kind,
            target_id=command.target_id,
            restricted=donation.restricted,
            donor_id=context.donor_id,
            donor_display_name=None if terms.anonymous else context.donor_public_name,
            donor_kind=context.donor_kind.value if context.donor_kind else None,
            receipt_number=receipt_number,
            anonymous=terms.anonymous,
            campaign_id=context.campaign_id,
            pledge_id=context.pledge_id,
            public_memo=terms.shown_memo,
            original_currency=command.original_currency,
            original_amount=(
                str(command.original_amount) if command.original_amount is not None else None
            ),
        )
        return donation, event


async def _gift_terms(
    uow: DonationsUnitOfWork,
    command: RecordDonation,
    *,
    fund: Fund,
    contexts: dict[tuple[str, str | None, uuid.UUID | None], DonationContext],
) -> _Terms:
    """Validate `command` but its entry (`contexts` caches target/donor lookups)."""
    if command.received_on > today_in_vietnam():
        raise LedgerRefusedError(
            422, "Ngày nhận tài trợ không được sau ngày hôm nay.", field="received_on"
        )
    if command.received_on.year < RECEIPT_YEAR_MIN:
        raise LedgerRefusedError(
            422,
            f"Ngày nhận tài trợ phải từ năm {RECEIPT_YEAR_MIN} trở đi (năm trên biên lai).",
            field="received_on",
        )
    _check_currency(command)
    key = (command.target_kind, command.target_id, command.donor_id)
    context = contexts.get(key)
    if context is None:
        context = await donation_context(
            uow,
            target_kind=command.target_kind,
            target_id=command.target_id,
            donor_id=command.donor_id,
        )
        contexts[key] = context
    return _Terms(
        command=command,
        restriction=_restriction_in(command, context, fund),
        asset_account=_asset_account(fund, command),
        context=context,
        anonymous=command.anonymous or context.anonymous,
        shown_memo=None if command.hide_transfer_text else public_memo(command.transfer_text),
        fund_code=fund.code,
    )


async def _prepare_gift(uow: DonationsUnitOfWork, command: RecordDonation, *, fund: Fund) -> _Gift:
    """Validate `command` and build its entry against the book."""
    terms = await _gift_terms(uow, command, fund=fund, contexts={})
    entry = books.record_donation(
        await uow.ledger.load_for(fund),
        fund=fund.code,
        amount=command.amount,
        asset_account=terms.asset_account,
        restriction=terms.restriction,
        date=command.received_on,
        memo=command.memo,
        entry_id=command.donation_id,
    )
    return _Gift(terms, entry)


def _restriction_in(
    command: RecordDonation, context: DonationContext, fund: Fund
) -> Restriction | None:
    """The gift's earmark. A campaign's gifts (directly or through a pledge) belong to the
    campaign's fund and are earmarked for it when the campaign restricts them."""
    if context.campaign_id is None:
        return restriction_of(command.target_kind, command.target_id, command.restricted)
    if context.campaign_fund_code not in (None, fund.code):
        raise LedgerRefusedError(
            422,
            f"Đợt vận động thuộc sổ quỹ {context.campaign_fund_code}, không ghi vào quỹ "
            f"{fund.code}.",
            field="fund_code",
        )
    if context.campaign_restricted or command.restricted:
        return Restriction(RestrictionKind.CAMPAIGN, str(context.campaign_id))
    return None


async def _recorded_before(
    uow: DonationsUnitOfWork, command: RecordDonation, *, fund: Fund, restricted: bool
) -> StoredDonation:
    """The donation already recorded under `command.donation_id` when it is the same gift
    (fund, amount, target); 409 when the id was used for another gift."""
    existing = await uow.ledger.donation(command.donation_id) if command.donation_id else None
    asked = (fund.code, command.amount, command.target_kind, command.target_id, restricted)
    held = existing and (
        existing.fund_code,
        existing.amount,
        existing.target_kind,
        existing.target_id,
        existing.restricted,
    )
    if existing is None or asked != held:
        raise LedgerRefusedError(
            409,
            f"Mã khoản tài trợ {command.donation_id} đã được ghi nhận cho một khoản khác "
            "(khác quỹ, số tiền hoặc đối tượng nhận); không ghi lại lần nữa.",
            field="donation_id",
        )
    return existing


async def record_donation(
    uow: DonationsUnitOfWork, command: RecordDonation, *, funds: Sequence[Fund], actor: str
) -> StoredDonation:
    """Record a gift in its own transaction (see `record_donation_in`)."""
    fund = fund_of(funds, command.fund_code)
    async with uow:
        donation = await record_donation_in(uow, command, fund=fund, actor=actor)
        await uow.commit()
    log.info(
        "donations.donation.recorded",
        donation_id=str(donation.id),
        fund=fund.code,
        receipt_number=donation.receipt_number,
    )
    return donation


async def reverse_donation(
    uow: DonationsUnitOfWork,
    donation_id: uuid.UUID,
    *,
    amount: int | None,
    reason: str,
    on: date | None,
    funds: Sequence[Fund],
    actor: str,
) -> ReversalResult:
    """Refund or correct a gift, fully (`amount` None) or in part, by a mirroring entry; never
    beyond what remains unreversed. Publishes `donation.reversed`."""
    async with uow:
        result = await reverse_donation_in(
            uow, donation_id, amount=amount, reason=reason, on=on, funds=funds, actor=actor
        )
        await uow.commit()
    log.info(
        "donations.donation.reversed",
        donation_id=str(donation_id),
        reversal_id=str(result.reversal_id),
        amount=result.amount,
    )
    return result


async def reverse_donation_in(
    uow: DonationsUnitOfWork,
    donation_id: uuid.UUID,
    *,
    amount: int | None,
    reason: str,
    on: date | None,
    funds: Sequence[Fund],
    actor: str,
) -> ReversalResult:
    """`reverse_donation` inside the caller's transaction (reconciliation reverses a gift
    when the bank returns it)."""
    now = datetime.now(UTC)
    day = on or today_in_vietnam()
    donation = await uow.ledger.donation(donation_id)
    if donation is None:
        raise LedgerRefusedError(404, NOT_FOUND)
    fund = fund_of(funds, donation.fund_code)
    await uow.ledger.lock_fund(fund.code)
    restriction = restriction_of(donation.target_kind, donation.target_id, donation.restricted)
    ledger = await uow.ledger.load_for(
        fund, restrictions=[restriction], entry_ids=[donation.entry_id]
    )
    entry = books.reverse(
        ledger, entry_id=donation.entry_id, amount=amount, reason=reason, date=day
    )
    await uow.ledger.add_entry(entry, created_at=now, created_by=actor)
    remaining = ledger.reversible_amount(donation.entry_id) - entry.amount
    await uow.publish(
        DonationReversed(
            donation_id=donation.id,
            reversal_id=entry.id,
            amount=entry.amount,
            target_kind=donation.target_kind,
            target_id=donation.target_id,
            reason=reason.strip(),
            reversed_at=now,
            fund_code=fund.code,
            reversed_on=day,
            remaining_amount=remaining,
        )
    )
    return ReversalResult(donation, entry.id, entry.amount, remaining)


async def donation_receipt(
    uow: DonationsUnitOfWork, receipt_number: str, *, funds: Sequence[Fund]
) -> Receipt:
    async with uow:
        donation = await uow.ledger.donation_by_receipt(receipt_number)
        if donation is None:
            raise LedgerRefusedError(404, f"Không tìm thấy biên lai số {receipt_number}.")
        reversed_amount = await uow.ledger.reversed_amount(donation.entry_id)
        donor = (
            None
            if donation.donor_id is None
            else await uow.parties.donor_summary(donation.donor_id)
        )
        target_name = await receipt_target_name(uow, donation)
    return Receipt(
        donation,
        fund_of(funds, donation.fund_code).name,
        reversed_amount,
        donor.display_name if donor else None,
        target_name,
    )


async def receipt_target_name(uow: DonationsUnitOfWork, donation: StoredDonation) -> str | None:
    """The gift's target as the donor knows it: the campaign's name (a pledge's too), the
    payment code of an appeal or a sponsorship (the code the donor was given). None for the
    rest: a child's case is never named or numbered on a receipt."""
    if donation.campaign_id is not None:
        campaign = await uow.parties.campaign(donation.campaign_id)
        if campaign is not None:
            return f"«{campaign.name}»"
    if donation.target_id and donation.target_kind in (CodeTarget.APPEAL, CodeTarget.SPONSORSHIP):
        code = await uow.payment_codes.for_target(
            donation.fund_code, CodeTarget(donation.target_kind), donation.target_id
        )
        if code is not None:
            return f"mã {code.code}"
    return None


@dataclass(frozen=True)
class AccountBalance:
    account_code: str
    account_name: str
    kind: AccountKind
    restriction: Restriction | None
    debit: int
    credit: int

    @property
    def balance(self) -> int:
        """On the account's normal side (debit for assets and expenses)."""
        return self.debit - self.credit if self.kind.debit_normal else self.credit - self.debit


async def ledger_balances(
    uow: DonationsUnitOfWork,
    *,
    fund: Fund,
    as_of: date | None,
    restriction: Restriction | None,
    unrestricted_only: bool,
) -> list[AccountBalance]:
    """Per account and restriction, summed in SQL, entries dated on or before `as_of`."""
    async with uow:
        totals: list[PotTotal] = await uow.ledger.pot_totals(
            fund.code,
            as_of=as_of,
            restriction=restriction,
            unrestricted_only=unrestricted_only,
        )
    result = []
    for total in totals:
        account = fund.account(total.account_code)
        result.append(
            AccountBalance(
                account.code,
                account.name,
                account.kind,
                total.restriction,
                total.debit,
                total.credit,
            )
        )
    return result


async def ledger_entries(
    uow: DonationsUnitOfWork,
    *,
    fund: Fund,
    date_from: date | None,
    date_to: date | None,
    account: str | None,
    limit: int,
    offset: int,
) -> tuple[list[StoredEntry], int]:
    if account is not None:
        fund.account(account)
    async with uow:
        entries = await uow.ledger.entries(
            fund,
            date_from=date_from,
            date_to=date_to,
            account=account,
            limit=limit,
            offset=offset,
        )
        total = await uow.ledger.count_entries(
            fund.code, date_from=date_from, date_to=date_to, account=account
        )
    return entries, total
