"""From matched bank lines to rows and to the ledger: the bank transaction row, the
donations automatic matches become (in bulk, in the caller's transaction), refunds reversed
against the gift they return."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import structlog

from baotro_donations.domain import bank_dedupe
from baotro_donations.domain.bank_statement import Direction
from baotro_donations.domain.ledger_accounts import Fund, LedgerRefusedError
from baotro_donations.domain.matching import Match, MatchKind, MatchStatus, Thresholds, match_line
from baotro_donations.service_layer.bank_line_reading import BankLine, line_view
from baotro_donations.service_layer.bank_lines import MatchRules, match_index
from baotro_donations.service_layer.donation_handlers import (
    RESTRICTED_TARGET_KINDS,
    RecordDonation,
    record_new_donations_in,
    reverse_donation_in,
)
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import BankAccountConfig, FundConfig

log = structlog.get_logger(__name__)
_DONATION_NAMESPACE = uuid.UUID("6f0b7c1e-4d0a-5b7e-9a43-2c1b5d7e8f90")
_VALUES: dict[StrEnum, str] = {m: m.value for e in (Direction, MatchStatus, MatchKind) for m in e}
"""What a row stores of an enum member (looked up: `.value` is slow on a hot path)."""


def transaction_row(
    tx_id: uuid.UUID,
    item: BankLine,
    match: Match,
    status: MatchStatus,
    *,
    fund: FundConfig,
    bank: BankAccountConfig,
    source: str,
    source_id: str | None,
    import_id: uuid.UUID | None,
    now: datetime,
) -> dict[str, Any]:
    line, facts = item.line, item.facts
    codes = item.view.codes if item.view else ()
    return {
        "id": tx_id,
        "fund_code": fund.code,
        "bank_account": bank.key,
        "source": source,
        "source_id": source_id,
        "import_id": import_id,
        "line_no": line.line_no,
        "booked_on": line.booked_on,
        "booked_at": line.booked_at,
        "amount": line.amount,
        "direction": _VALUES[line.direction],
        "memo": line.memo,
        "raw": line.raw,
        "bank_reference": item.reference or line.bank_reference or facts.bank_reference,
        "document_number": line.document_number,
        "balance": line.balance,
        "counterparty": (line.counterparty or "")[:255] or None,
        "counter_account": (line.counter_account or "")[:40] or None,
        "payer_name": (facts.payer_name or "")[:255] or None,
        "sender_account": (facts.sender_account or "")[:40] or None,
        "codes": ",".join(codes)[:255] or None,
        "cited_references": item.cited_references,
        "status": _VALUES[status],
        "match_kind": _VALUES[match.kind],
        "match_confidence": match.confidence,
        "match_reason": match.reason,
        "match_target_kind": match.target_kind if match.kind is not MatchKind.NONE else None,
        "match_target_id": match.target_id,
        "match_donor_id": match.donor_id,
        "match_code": match.code,
        "refund_of": match.refund_of
        and (bank_dedupe.strong_reference(match.refund_of) or match.refund_of),
        "donation_ids": None,
        "decided_by": None,
        "decided_at": None,
        "decision_note": None,
        "created_at": now,
    }


def donation_id_for(transaction_id: uuid.UUID, part: int = 0) -> uuid.UUID:
    """The donation a bank credit (or a part of a split one) becomes: derived, so the same
    transaction can never be recorded twice."""
    return uuid.uuid5(_DONATION_NAMESPACE, f"{transaction_id}:{part}")


def _command(
    row: dict[str, Any],
    *,
    fund: FundConfig,
    target_kind: str,
    target_id: str | None,
    donor_id: uuid.UUID | None,
    amount: int,
    part: int = 0,
    public_text: str | None,
) -> RecordDonation:
    return RecordDonation(
        fund_code=fund.code,
        channel="bank",
        amount=amount,
        received_on=row["booked_on"],
        target_kind=target_kind,  # type: ignore[arg-type]
        target_id=target_id,
        restricted=target_kind in RESTRICTED_TARGET_KINDS,
        donor_id=donor_id,
        bank_account=row["bank_account"],
        donation_id=donation_id_for(row["id"], part),
        transfer_text=public_text,
    )


# -- posting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineSource:
    """Where new bank lines come from: the account, and the statement or webhook."""

    fund: FundConfig
    bank: BankAccountConfig
    source: str
    source_id: str | None = None
    import_id: uuid.UUID | None = None


async def write_new_lines(
    uow: DonationsUnitOfWork,
    lines: Sequence[tuple[uuid.UUID, BankLine]],
    *,
    origin: LineSource,
    rules: MatchRules,
    prefixes: Sequence[str],
    thresholds: Thresholds,
    actor: str,
) -> list[dict[str, Any]]:
    """Match lines not seen before (`(transaction id, line)`), post what matched
    automatically and write their transaction rows, in the caller's transaction (their
    deduplication keys are the caller's); the rows written."""
    index = await match_index(uow, [line_view(item, prefixes) for _, item in lines], rules)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for tx_id, item in lines:
        view = line_view(item, prefixes)
        match = match_line(view, index.on(view))
        rows.append(
            transaction_row(
                tx_id,
                item,
                match,
                thresholds.status(match),
                fund=origin.fund,
                bank=origin.bank,
                source=origin.source,
                source_id=origin.source_id,
                import_id=origin.import_id,
                now=now,
            )
        )
    await post_matched(uow, rows, dict(lines), fund=origin.fund, actor=actor)
    await uow.bank_feeds.add_transactions(rows)
    return rows


async def post_matched(
    uow: DonationsUnitOfWork,
    rows: list[dict[str, Any]],
    items: dict[uuid.UUID, BankLine],
    *,
    fund: FundConfig,
    actor: str,
) -> None:
    """Record the automatically matched credits as donations and reverse the refunds, in
    the caller's transaction. A line the ledger refuses (an unknown target, a closed
    campaign of another fund) goes to the review queue with the ledger's reason."""
    ledger_fund = fund.ledger_fund()
    credits = [r for r in rows if r["status"] == "matched" and r["direction"] == "credit"]
    commands = [
        _command(
            r,
            fund=fund,
            target_kind=r["match_target_kind"] or "general",
            target_id=r["match_target_id"],
            donor_id=r["match_donor_id"],
            amount=r["amount"],
            public_text=items[r["id"]].facts.text,
        )
        for r in credits
    ]
    if commands:
        givers = await uow.bank_feeds.load_donors(
            c.donor_id for c in commands if c.donor_id is not None
        )
        try:
            async with uow.session.begin_nested():
                await record_new_donations_in(uow, commands, fund=ledger_fund, actor=actor)
            for r, c in zip(credits, commands, strict=True):
                r["donation_ids"] = [str(c.donation_id)]
        except LedgerRefusedError as refused:
            log.info("donations.bank.batch_refused", reason=refused.message, lines=len(commands))
            for r, c in zip(credits, commands, strict=True):
                await _post_one(uow, r, c, ledger_fund, actor)
        del givers  # held while the gifts were recorded
    for r in rows:
        if r["status"] == "matched" and r["direction"] == "debit" and r["match_kind"] == "refund":
            await _reverse_refund(uow, r, rows, fund=fund, actor=actor)


async def _post_one(
    uow: DonationsUnitOfWork, row: dict[str, Any], command: RecordDonation, fund: Fund, actor: str
) -> None:
    try:
        async with uow.session.begin_nested():
            await record_new_donations_in(uow, [command], fund=fund, actor=actor)
        row["donation_ids"] = [str(command.donation_id)]
    except LedgerRefusedError as refused:
        row["status"] = MatchStatus.SUGGESTED.value
        row["match_reason"] = f"{row['match_reason']} Sổ quỹ không ghi được: {refused.message}"


async def _reverse_refund(
    uow: DonationsUnitOfWork,
    row: dict[str, Any],
    batch: Sequence[dict[str, Any]],
    *,
    fund: FundConfig,
    actor: str,
) -> None:
    """Reverse the donation a refund returns: the credit with the refund's reference, in
    this batch or already stored."""
    reference = row["refund_of"]
    donation_ids: list[str] = []
    if reference:
        here = [r for r in batch if r["direction"] == "credit" and r["bank_reference"] == reference]
        if here:
            donation_ids = here[0]["donation_ids"] or []
        else:
            donation_ids = await uow.bank_feeds.donations_of_credit(
                fund.code, row["bank_account"], reference
            )
    if len(donation_ids) != 1:
        row["status"] = MatchStatus.SUGGESTED.value
        row["match_reason"] += (
            " Không tìm thấy khoản tài trợ gốc đã ghi sổ để hoàn trả: kế toán chọn khoản gốc."
        )
        return
    try:
        async with uow.session.begin_nested():
            result = await reverse_donation_in(
                uow,
                uuid.UUID(donation_ids[0]),
                amount=row["amount"],
                reason=f"Ngân hàng hoàn trả: {row['memo'][:200]}",
                on=row["booked_on"],
                funds=[fund.ledger_fund()],
                actor=actor,
            )
        row["donation_ids"] = [str(result.donation.id)]
    except LedgerRefusedError as refused:
        row["status"] = MatchStatus.SUGGESTED.value
        row["match_reason"] += f" Sổ quỹ không ghi được: {refused.message}"


def status_counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts = {"matched": 0, "suggested": 0, "unmatched": 0, "ignored": 0}
    for r in rows:
        counts[r["status"]] += 1
    return counts
