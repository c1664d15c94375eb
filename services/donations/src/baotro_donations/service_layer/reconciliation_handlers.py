"""The review queue: the accountant's decisions on bank transactions (assign, split, create
the donor and assign, ignore, refund), optionally saved as rules, and the keyword and learned
rules themselves. Each decision is one transaction: the donations it records, the transaction's
new status and the rule it saves commit together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import structlog

from baotro_donations.adapters.orm_bank_feeds import BankTransactionRecord, ReconciliationRuleRecord
from baotro_donations.domain.bank_memo import read_memo
from baotro_donations.domain.ledger_accounts import LedgerRefusedError
from baotro_donations.service_layer.bank_feed_handlers import (
    BankFeedRefusedError,
    UowFactory,
    resolve_account,
)
from baotro_donations.service_layer.bank_line_reading import digits
from baotro_donations.service_layer.bank_posting import donation_id_for
from baotro_donations.service_layer.donation_handlers import (
    RESTRICTED_TARGET_KINDS,
    RecordDonation,
    record_new_donations_in,
    reverse_donation_in,
)
from baotro_donations.service_layer.party_handlers import DonorFields, create_donor_in
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import DonationsSettings
from baotro_shared.amount_words import amount_in_figures as money
from baotro_shared.text import fold

log = structlog.get_logger(__name__)

Action = Literal["assign", "split", "create_donor", "ignore", "refund"]
RuleBasis = Literal["sender_account", "payer_name", "memo_words"]
NOT_FOUND = "Không tìm thấy giao dịch ngân hàng này."


@dataclass(frozen=True)
class DonationPart:
    amount: int
    target_kind: str = "general"
    target_id: str | None = None
    donor_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Decision:
    action: Action
    target_kind: str = "general"
    target_id: str | None = None
    donor_id: uuid.UUID | None = None
    parts: tuple[DonationPart, ...] = ()
    donor: DonorFields | None = None
    donation_id: uuid.UUID | None = None
    """refund: the donation the outgoing transfer returns (found from the reference if
    not given)."""
    note: str | None = None
    save_rule: RuleBasis | None = None
    rule_memo_words: str | None = None
    hide_memo: bool = False


async def bank_transactions(
    new_uow: UowFactory,
    *,
    status: str | None,
    import_id: uuid.UUID | None,
    direction: str | None,
    limit: int,
    offset: int,
) -> tuple[list[BankTransactionRecord], int]:
    """The review queue: bank transactions by status, import and direction, in booking
    order."""
    async with new_uow() as uow:
        records, total = await uow.bank_feeds.transactions(
            status=status, import_id=import_id, direction=direction, limit=limit, offset=offset
        )
        uow.bank_feeds.detach_all()
    return records, total


async def bank_transaction(new_uow: UowFactory, transaction_id: uuid.UUID) -> BankTransactionRecord:
    async with new_uow() as uow:
        record = await uow.bank_feeds.transaction(transaction_id)
        uow.bank_feeds.detach_all()
    if record is None:
        raise BankFeedRefusedError(404, NOT_FOUND)
    return record


async def decide(
    new_uow: UowFactory,
    transaction_id: uuid.UUID,
    decision: Decision,
    *,
    settings: DonationsSettings,
    actor: str,
) -> BankTransactionRecord:
    async with new_uow() as uow:
        tx = await uow.bank_feeds.transaction(transaction_id, lock=True)
        if tx is None:
            raise BankFeedRefusedError(404, NOT_FOUND)
        if tx.donation_ids:
            raise BankFeedRefusedError(
                409, "Giao dịch này đã được ghi sổ; muốn sửa thì hoàn trả khoản tài trợ đã ghi."
            )
        fund, _ = resolve_account(settings, tx.bank_account)
        if decision.action == "ignore":
            tx.status = "ignored"
        elif decision.action == "refund":
            await _refund(uow, tx, decision, settings=settings, actor=actor)
        else:
            await _record(uow, tx, decision, fund_code=fund.code, settings=settings, actor=actor)
        tx.decided_by, tx.decided_at = actor, datetime.now(UTC)
        tx.decision_note = (decision.note or "").strip()[:2000] or None
        if decision.save_rule is not None:
            await _save_rule(uow, tx, decision, actor=actor)
        await uow.session.flush()
        await uow.commit()
        uow.bank_feeds.detach_all()
    log.info(
        "donations.bank_transaction.decided",
        transaction_id=str(transaction_id),
        action=decision.action,
        rule=decision.save_rule,
    )
    return tx


def _parts(tx: BankTransactionRecord, decision: Decision) -> list[DonationPart]:
    if decision.action != "split":
        return [
            DonationPart(tx.amount, decision.target_kind, decision.target_id, decision.donor_id)
        ]
    if len(decision.parts) < 2:
        raise BankFeedRefusedError(422, "Tách giao dịch cần ít nhất hai phần.", field="parts")
    if any(p.amount <= 0 for p in decision.parts):
        raise BankFeedRefusedError(422, "Mỗi phần phải lớn hơn 0 đồng.", field="parts")
    total = sum(p.amount for p in decision.parts)
    if total != tx.amount:
        raise BankFeedRefusedError(
            422,
            f"Tổng các phần ({money(total)}) phải bằng số tiền giao dịch ({money(tx.amount)}).",
            field="parts",
        )
    return list(decision.parts)


async def _record(
    uow: DonationsUnitOfWork,
    tx: BankTransactionRecord,
    decision: Decision,
    *,
    fund_code: str,
    settings: DonationsSettings,
    actor: str,
) -> None:
    if tx.direction != "credit":
        raise BankFeedRefusedError(
            422, "Chỉ khoản tiền vào mới ghi thành khoản tài trợ.", field="action"
        )
    parts = _parts(tx, decision)
    if decision.action == "create_donor":
        if decision.donor is None:
            raise BankFeedRefusedError(422, "Phải ghi thông tin nhà tài trợ mới.", field="donor")
        donor = await create_donor_in(uow, decision.donor, actor=actor)
        parts = [DonationPart(p.amount, p.target_kind, p.target_id, donor.id) for p in parts]
    public_text = None if decision.hide_memo else read_memo(tx.memo, tx.counterparty).text
    commands = [
        RecordDonation(
            fund_code=fund_code,
            channel="bank",
            amount=part.amount,
            received_on=tx.booked_on,
            target_kind=part.target_kind,  # type: ignore[arg-type]
            target_id=part.target_id,
            restricted=part.target_kind in RESTRICTED_TARGET_KINDS,
            donor_id=part.donor_id,
            bank_account=tx.bank_account,
            donation_id=donation_id_for(tx.id, number),
            transfer_text=public_text,
            hide_transfer_text=decision.hide_memo,
        )
        for number, part in enumerate(parts)
    ]
    fund = next(f for f in settings.funds if f.code == fund_code).ledger_fund()
    try:
        await record_new_donations_in(uow, commands, fund=fund, actor=actor)
    except LedgerRefusedError as refused:
        raise BankFeedRefusedError(refused.status, refused.message, refused.field) from refused
    tx.status = "matched"
    tx.donation_ids = [str(c.donation_id) for c in commands]


async def _refund(
    uow: DonationsUnitOfWork,
    tx: BankTransactionRecord,
    decision: Decision,
    *,
    settings: DonationsSettings,
    actor: str,
) -> None:
    if tx.direction != "debit":
        raise BankFeedRefusedError(
            422,
            "Chỉ khoản tiền ra (ngân hàng chuyển trả) mới ghi là hoàn trả; khoản tiền vào "
            "cần trả lại thì chọn «bỏ qua» và ghi chú.",
            field="action",
        )
    donation_id = decision.donation_id
    if donation_id is None and tx.refund_of:
        ids = await uow.bank_feeds.donations_of_credit(tx.fund_code, tx.bank_account, tx.refund_of)
        donation_id = uuid.UUID(ids[0]) if len(ids) == 1 else None
    if donation_id is None:
        raise BankFeedRefusedError(
            422, "Phải chọn khoản tài trợ được hoàn trả.", field="donation_id"
        )
    funds = [f.ledger_fund() for f in settings.funds]
    try:
        await reverse_donation_in(
            uow,
            donation_id,
            amount=tx.amount,
            reason=f"Hoàn trả qua ngân hàng: {tx.memo[:200]}",
            on=tx.booked_on,
            funds=funds,
            actor=actor,
        )
    except LedgerRefusedError as refused:
        raise BankFeedRefusedError(refused.status, refused.message, refused.field) from refused
    tx.status = "matched"
    tx.donation_ids = [str(donation_id)]


async def _save_rule(
    uow: DonationsUnitOfWork, tx: BankTransactionRecord, decision: Decision, *, actor: str
) -> None:
    if decision.action not in ("assign", "create_donor"):
        raise BankFeedRefusedError(
            422, "Chỉ lưu quy tắc cho quyết định ghi cho một đối tượng.", field="save_rule"
        )
    donor_id = decision.donor_id
    if decision.action == "create_donor" and tx.donation_ids:
        donation = await uow.ledger.donation(uuid.UUID(tx.donation_ids[0]))
        donor_id = donation.donor_id if donation else None
    basis: dict[str, str | None] = {"sender_account": None, "payer_name": None, "memo_words": None}
    if decision.save_rule == "sender_account":
        account = digits(tx.sender_account or tx.counter_account or "")
        if not account:
            raise BankFeedRefusedError(
                422, "Giao dịch không ghi tài khoản người chuyển.", field="save_rule"
            )
        basis["sender_account"] = account
    elif decision.save_rule == "payer_name":
        if not tx.payer_name:
            raise BankFeedRefusedError(
                422, "Không đọc được tên người chuyển trong giao dịch.", field="save_rule"
            )
        basis["payer_name"] = tx.payer_name
    else:
        words = fold(decision.rule_memo_words or "")
        if not words or words not in fold(tx.memo):
            raise BankFeedRefusedError(
                422, "Các từ của quy tắc phải có trong nội dung giao dịch.", field="rule_memo_words"
            )
        basis["memo_words"] = words
    await uow.bank_feeds.add_rule(
        ReconciliationRuleRecord(
            id=uuid.uuid4(),
            fund_code=tx.fund_code,
            kind="learned",
            target_kind=decision.target_kind,
            target_id=decision.target_id,
            target_label=None,
            donor_id=donor_id,
            confidence=0.95,
            active=True,
            created_at=datetime.now(UTC),
            created_by=actor,
            **basis,
        )
    )


@dataclass(frozen=True)
class NewRule:
    kind: Literal["keyword", "learned"]
    target_kind: str
    target_id: str | None = None
    donor_id: uuid.UUID | None = None
    memo_words: str | None = None
    sender_account: str | None = None
    payer_name: str | None = None
    confidence: float = 0.95
    fund_code: str | None = None


async def add_rule(
    new_uow: UowFactory, rule: NewRule, *, settings: DonationsSettings, actor: str
) -> ReconciliationRuleRecord:
    """A rule written by staff: keywords of the memo → a campaign, or a learned-style rule."""
    fund_code = rule.fund_code or settings.funds[0].code
    if settings.fund(fund_code) is None:
        raise BankFeedRefusedError(422, f"Không có quỹ {fund_code}.", field="fund_code")
    words = fold(rule.memo_words or "") or None
    account = digits(rule.sender_account or "") or None
    payer = fold(rule.payer_name or "") or None
    label = None
    async with new_uow() as uow:
        if rule.kind == "keyword":
            if not words or rule.target_kind != "campaign" or not rule.target_id:
                raise BankFeedRefusedError(
                    422, "Quy tắc từ khóa cần các từ và một đợt vận động.", field="memo_words"
                )
            campaign = await uow.parties.campaign(_uuid(rule.target_id))
            if campaign is None:
                raise BankFeedRefusedError(422, "Không tìm thấy đợt vận động.", field="target_id")
            label = f"đợt vận động «{campaign.name}»"
        elif not (words or account or payer):
            raise BankFeedRefusedError(
                422,
                "Quy tắc cần ít nhất một điều kiện: tài khoản, tên người chuyển hoặc từ trong nội "
                "dung.",
                field="memo_words",
            )
        record = ReconciliationRuleRecord(
            id=uuid.uuid4(),
            fund_code=fund_code,
            kind=rule.kind,
            sender_account=account,
            payer_name=payer,
            memo_words=words,
            target_kind=rule.target_kind,
            target_id=rule.target_id,
            target_label=label,
            donor_id=rule.donor_id,
            confidence=rule.confidence,
            active=True,
            created_at=datetime.now(UTC),
            created_by=actor,
        )
        await uow.bank_feeds.add_rule(record)
        await uow.commit()
        uow.bank_feeds.detach_all()
    return record


async def list_rules(
    new_uow: UowFactory, *, settings: DonationsSettings
) -> list[ReconciliationRuleRecord]:
    async with new_uow() as uow:
        rules: list[ReconciliationRuleRecord] = []
        for fund in settings.funds:
            rules.extend(await uow.bank_feeds.rules(fund.code))
        uow.bank_feeds.detach_all()
    return rules


async def retire_rule(new_uow: UowFactory, rule_id: uuid.UUID) -> None:
    async with new_uow() as uow:
        record = await uow.bank_feeds.rule(rule_id)
        if record is None:
            raise BankFeedRefusedError(404, "Không tìm thấy quy tắc này.")
        record.active = False
        await uow.session.flush()
        await uow.commit()


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise BankFeedRefusedError(422, "Mã đối tượng không hợp lệ.", field="target_id") from None
