"""Bank feeds: statements and webhooks into one table of bank transactions, deduplicated,
understood (`bank_memo`), matched (`matching`) and — when the match is certain — recorded as
donations through `record_new_donations_in` (ledger, receipt, `donation.received`) in the
same transaction as the bank transaction itself.

A statement is processed in batches, one transaction each, holding the bank account's lock:
a line is never half-applied (its transaction row, its keys and its donation commit
together), and an import interrupted half-way is finished by importing the file again (the
lines already in are duplicates).
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import structlog

from baotro_donations.adapters.orm_bank_feeds import StatementImportRecord
from baotro_donations.adapters.statement_readers import read_statement
from baotro_donations.domain import bank_dedupe
from baotro_donations.domain.bank_dedupe import KeyedLine, LineKeys
from baotro_donations.domain.bank_memo import MemoFacts, read_memo
from baotro_donations.domain.bank_statement import (
    RejectedLine,
    StatementError,
    StatementLine,
)
from baotro_donations.domain.ledger_accounts import Fund, LedgerRefusedError
from baotro_donations.domain.matching import (
    BankLineView,
    CodeTarget,
    KeywordRule,
    LearnedRule,
    Match,
    MatchIndex,
    MatchKind,
    MatchStatus,
    OpenPledge,
    Thresholds,
    match_line,
    sorted_words,
)
from baotro_donations.domain.payment_code import find_in_memo
from baotro_donations.domain.statement_profiles import profile_named
from baotro_donations.service_layer.donation_handlers import (
    RESTRICTED_TARGET_KINDS,
    RecordDonation,
    record_new_donations_in,
    reverse_donation_in,
)
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import BankAccountConfig, DonationsSettings, FundConfig
from baotro_shared.text import fold

log = structlog.get_logger(__name__)

UowFactory = Callable[[], DonationsUnitOfWork]
Progress = Callable[[int, int], None]
BATCH_LINES = 5_000
CODE_GRACE = timedelta(days=31)
_DONATION_NAMESPACE = uuid.UUID("6f0b7c1e-4d0a-5b7e-9a43-2c1b5d7e8f90")


class BankFeedRefusedError(Exception):
    """A statement, webhook or decision refused as a whole; `message` is Vietnamese."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@dataclass
class ImportSummary:
    import_id: uuid.UUID
    status: str
    format: str | None = None
    profile: str | None = None
    lines: int = 0
    imported: int = 0
    duplicates: int = 0
    matched: int = 0
    suggested: int = 0
    unmatched: int = 0
    ignored: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)
    done_lines: int = 0
    message: str | None = None

    def add(self, counts: dict[str, int]) -> None:
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class IngestResult:
    transaction_id: uuid.UUID
    duplicate: bool
    status: str


# -- accounts ------------------------------------------------------------------------------


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def resolve_account(
    settings: DonationsSettings, account: str
) -> tuple[FundConfig, BankAccountConfig]:
    """The fund and bank account named by `account`: its key ("AGRIBANK", any case) or its
    number in any spelling ("3500.431.101.000.909", "3500431101000909")."""
    wanted = account.strip()
    digits = _digits(wanted)
    for fund in settings.funds:
        for bank in fund.bank_accounts:
            if bank.key.upper() == wanted.upper() or (digits and _digits(bank.number) == digits):
                return fund, bank
    known = ", ".join(f"{b.key} ({b.number})" for f in settings.funds for b in f.bank_accounts)
    raise BankFeedRefusedError(
        422,
        f"Tài khoản «{wanted}» không phải tài khoản của quỹ. Các tài khoản đã cấu hình: {known}.",
        field="account",
    )


# -- understanding and matching ------------------------------------------------------------


@dataclass
class _Line:
    line: StatementLine
    facts: MemoFacts
    reference: str | None
    view: BankLineView | None = None
    """What matching reads; built only for lines that are not duplicates."""


def _read(line: StatementLine) -> _Line:
    """What deduplication needs of a line: the memo understood, the bank's reference."""
    facts = read_memo(line.memo, line.counterparty)
    reference = bank_dedupe.strong_reference(line.bank_reference) or bank_dedupe.strong_reference(
        facts.bank_reference
    )
    return _Line(line, facts, reference)


def _view(item: _Line, prefixes: Sequence[str]) -> BankLineView:
    if item.view is None:
        line = item.line
        item.view = BankLineView(
            amount=line.amount,
            direction=line.direction,
            booked_on=line.booked_on,
            memo=line.memo,
            facts=item.facts,
            codes=[c.text for c in find_in_memo(line.memo, prefixes)],
            counter_account=line.counter_account,
        )
    return item.view


def _keyed(account: str, item: _Line) -> KeyedLine:
    line = item.line
    return KeyedLine(
        account=account,
        booked_on=line.booked_on,
        direction=line.direction.value,
        amount=line.amount,
        memo=line.memo,
        references=(line.bank_reference, item.facts.bank_reference),
    )


@dataclass
class _Rules:
    learned: list[LearnedRule]
    keywords: list[KeywordRule]
    donor_names: dict[uuid.UUID, str]
    pledges: list[OpenPledge]
    sorted_donor_names: dict[uuid.UUID, str] = field(init=False)

    def __post_init__(self) -> None:
        self.sorted_donor_names = {k: sorted_words(v) for k, v in self.donor_names.items()}


async def _load_rules(
    uow: DonationsUnitOfWork,
    fund: FundConfig,
    first: date,
    last: date,
    *,
    payer_name: str | Literal["all"] | None = "all",
) -> _Rules:
    """What matching needs besides the lines. A statement loads every donor's name once;
    one transfer (`payer_name`) only the donors whose name has the payer's last word (the
    given name, which a close enough name always shares), or none without a payer name."""
    learned: list[LearnedRule] = []
    keywords: list[KeywordRule] = []
    for rule in await uow.bank_feeds.rules(fund.code):
        if rule.kind == "keyword" and rule.memo_words and rule.target_id:
            keywords.append(
                KeywordRule(
                    keywords=fold(rule.memo_words),
                    campaign_id=rule.target_id,
                    campaign_name=rule.target_label or rule.target_id,
                    confidence=rule.confidence,
                )
            )
        elif rule.kind == "learned":
            learned.append(
                LearnedRule(
                    rule_id=rule.id,
                    sender_account=rule.sender_account,
                    payer_name=rule.payer_name,
                    memo_words=rule.memo_words,
                    target_kind=rule.target_kind,
                    target_id=rule.target_id,
                    donor_id=rule.donor_id,
                    confidence=rule.confidence,
                )
            )
    pledges = []
    for pledge, campaign, unit_name in await uow.bank_feeds.open_pledges(fund.code, first, last):
        raised = await uow.parties.raised_per_pledge(pledge_id=pledge.id)
        got = raised.get(pledge.id)
        expected = pledge.target_amount - (got.gross - got.reversed if got else 0)
        if expected > 0:
            pledges.append(
                OpenPledge(
                    pledge_id=pledge.id,
                    unit_id=pledge.unit_id,
                    unit_name=unit_name,
                    expected=expected,
                    starts_on=campaign.starts_on,
                    ends_on=campaign.ends_on,
                )
            )
    if payer_name == "all":
        names = await uow.bank_feeds.donor_names()
    elif payer_name:
        names = await uow.bank_feeds.donor_names(containing=payer_name.split()[-1])
    else:
        names = {}
    return _Rules(learned, keywords, names, pledges)


async def _match_index(
    uow: DonationsUnitOfWork, views: Sequence[BankLineView], rules: _Rules
) -> _DatedIndex:
    codes = await uow.bank_feeds.payment_codes(c for view in views for c in view.codes)
    campaigns = await uow.bank_feeds.campaigns(
        uuid.UUID(c.target_id) for c in codes if c.target_kind == "campaign"
    )
    donors = await uow.bank_feeds.donor_labels(
        uuid.UUID(c.target_id) for c in codes if c.target_kind == "donor"
    )
    targets = {}
    for c in codes:
        donor_id = uuid.UUID(c.target_id) if c.target_kind == "donor" else None
        if c.target_kind == "campaign":
            name, _ = campaigns.get(uuid.UUID(c.target_id), (c.target_id, None))
            label = f"đợt vận động «{name}»"
        elif donor_id is not None:
            label = f"nhà tài trợ {donors.get(donor_id, c.target_id)}"
        else:
            label = _TARGET_LABELS.get(c.target_kind, c.target_kind)
        targets[c.code] = CodeTarget(c.code, c.target_kind, c.target_id, label, donor_id)
    ends = {
        c.code: ends_on
        for c in codes
        if c.target_kind == "campaign"
        and (ends_on := campaigns.get(uuid.UUID(c.target_id), ("", None))[1]) is not None
    }
    accounts = {
        a
        for view in views
        for raw in (view.facts.sender_account, view.counter_account)
        if raw and (a := _digits(raw))
    }
    index = MatchIndex(
        codes=targets,
        donors_by_account=await uow.bank_feeds.donors_by_accounts(accounts),
        donor_names=rules.donor_names,
        sorted_donor_names=rules.sorted_donor_names,
        open_pledges=rules.pledges,
        rules=rules.learned,
        keywords=rules.keywords,
    )
    return _DatedIndex(index, ends)


@dataclass(frozen=True)
class _DatedIndex:
    """The match index, whose campaign codes expire: a campaign's code still counts for a
    month after the campaign ends (late transfers); later, it is the accountant's call."""

    index: MatchIndex
    ends: dict[str, date]

    def on(self, view: BankLineView) -> MatchIndex:
        expired = {
            code
            for code in view.codes
            if code in self.ends and view.booked_on > self.ends[code] + CODE_GRACE
        }
        if not expired:
            return self.index
        codes = {
            code: replace(target, active=False) if code in expired else target
            for code, target in self.index.codes.items()
        }
        return replace(self.index, codes=codes)


_TARGET_LABELS = {
    "pledge": "một cam kết đóng góp",
    "appeal": "một hoàn cảnh kêu gọi",
    "sponsorship": "một khoản đỡ đầu",
}


# -- rows ----------------------------------------------------------------------------------


def _row(
    tx_id: uuid.UUID,
    item: _Line,
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
        "direction": line.direction.value,
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
        "cited_references": _cited(item),
        "status": status.value,
        "match_kind": match.kind.value,
        "match_confidence": match.confidence,
        "match_reason": match.reason,
        "match_target_kind": match.target_kind if match.kind is not MatchKind.NONE else None,
        "match_target_id": match.target_id,
        "match_donor_id": match.donor_id,
        "match_code": match.code,
        "refund_of": bank_dedupe.strong_reference(match.refund_of) or match.refund_of,
        "donation_ids": None,
        "decided_by": None,
        "decided_at": None,
        "decision_note": None,
        "created_at": now,
    }


def _cited(item: _Line) -> str | None:
    references = {
        strong
        for ref in (*item.facts.references, item.line.bank_reference, item.facts.bank_reference)
        if (strong := bank_dedupe.strong_reference(ref))
    }
    return f" {' '.join(sorted(references))} " if references else None


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


async def _post_matched(
    uow: DonationsUnitOfWork,
    rows: list[dict[str, Any]],
    items: dict[uuid.UUID, _Line],
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
        try:
            async with uow.session.begin_nested():
                await record_new_donations_in(uow, commands, fund=ledger_fund, actor=actor)
            for r, c in zip(credits, commands, strict=True):
                r["donation_ids"] = [str(c.donation_id)]
        except LedgerRefusedError as refused:
            log.info("donations.bank.batch_refused", reason=refused.message, lines=len(commands))
            for r, c in zip(credits, commands, strict=True):
                await _post_one(uow, r, c, ledger_fund, actor)
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
            original = await uow.bank_feeds.credit_by_reference(
                fund.code, row["bank_account"], reference
            )
            donation_ids = (original.donation_ids or []) if original else []
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


def _counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts = {"matched": 0, "suggested": 0, "unmatched": 0, "ignored": 0}
    for r in rows:
        counts[r["status"]] += 1
    return counts


# -- statements ----------------------------------------------------------------------------


async def start_import(
    new_uow: UowFactory,
    data: bytes,
    *,
    settings: DonationsSettings,
    account: str,
    filename: str | None,
    actor: str,
) -> uuid.UUID:
    """Record an import about to run (the raw file kept) and return its id."""
    fund, bank = resolve_account(settings, account)
    import_id = uuid.uuid4()
    digest = hashlib.sha256(data).hexdigest()
    async with new_uow() as uow:
        kept = await uow.bank_feeds.has_raw_file(digest)
        await uow.bank_feeds.add_import(
            StatementImportRecord(
                id=import_id,
                fund_code=fund.code,
                bank_account=bank.key,
                filename=(filename or "")[:255] or None,
                status="processing",
                lines=0,
                done_lines=0,
                imported=0,
                duplicates=0,
                matched=0,
                suggested=0,
                unmatched=0,
                ignored=0,
                rejected=[],
                raw=b"" if kept else data,
                content_sha256=digest,
                created_at=datetime.now(UTC),
                created_by=actor,
            )
        )
        await uow.commit()
    return import_id


async def import_statement(
    new_uow: UowFactory,
    data: bytes,
    *,
    settings: DonationsSettings,
    account: str,
    profile: str | None = None,
    filename: str | None = None,
    actor: str,
    import_id: uuid.UUID | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a bank statement file of `account` (see the module's docstring)."""
    fund, bank = resolve_account(settings, account)
    chosen = None
    if profile is not None:
        chosen = profile_named(profile)
        if chosen is None:
            raise BankFeedRefusedError(422, f"Không có mẫu sao kê «{profile}».", field="profile")
    if import_id is None:
        import_id = await start_import(
            new_uow, data, settings=settings, account=account, filename=filename, actor=actor
        )
    summary = ImportSummary(import_id=import_id, status="processing")
    try:
        # A thread: reading a large statement takes a second or more of CPU, and the
        # service goes on answering meanwhile.
        read = await asyncio.to_thread(
            read_statement, data, profile=chosen, bank_hint=bank.bank_name
        )
    except StatementError as error:
        await _finish(new_uow, summary, status="failed", message=error.message)
        raise BankFeedRefusedError(422, error.message, field="file") from error
    if read.account and _digits(read.account) and _digits(read.account) != _digits(bank.number):
        message = (
            f"Sao kê ghi tài khoản {read.account}, không phải tài khoản {bank.number} đã chọn."
        )
        await _finish(new_uow, summary, status="failed", message=message)
        raise BankFeedRefusedError(422, message, field="account")
    summary.format, summary.profile = read.format, read.profile
    summary.rejected = list(read.rejected)
    summary.lines = len(read.lines) + len(read.rejected)
    # A statement's hundreds of thousands of lines live until the import ends: keep the
    # garbage collector from walking them again and again.
    gc.freeze()
    try:
        await _import_lines(
            new_uow,
            read.lines,
            summary,
            fund=fund,
            bank=bank,
            settings=settings,
            actor=actor,
            progress=progress,
        )
    except Exception:
        await _finish(
            new_uow,
            summary,
            status="failed",
            message=f"Dừng ở dòng {summary.done_lines} vì lỗi hệ thống; nhập lại tệp để tiếp tục "
            "(các dòng đã nhập sẽ được nhận ra là trùng).",
        )
        raise
    finally:
        gc.unfreeze()
    await _finish(new_uow, summary, status="done", message=None)
    log.info(
        "donations.statement.imported",
        import_id=str(import_id),
        lines=summary.lines,
        imported=summary.imported,
        duplicates=summary.duplicates,
        matched=summary.matched,
    )
    return summary


async def _import_lines(
    new_uow: UowFactory,
    lines: Sequence[StatementLine],
    summary: ImportSummary,
    *,
    fund: FundConfig,
    bank: BankAccountConfig,
    settings: DonationsSettings,
    actor: str,
    progress: Progress | None,
) -> None:
    prefixes = [f.payment_code_prefix for f in settings.funds]
    thresholds = Thresholds(settings.match_automatic, settings.match_suggest)
    account = f"{fund.code}/{bank.key}"
    items = [_read(line) for line in lines]
    keys = bank_dedupe.statement_keys([_keyed(account, item) for item in items])
    rules: _Rules | None = None
    total = len(items)
    for start in range(0, total, BATCH_LINES):
        batch = list(
            zip(items[start : start + BATCH_LINES], keys[start : start + BATCH_LINES], strict=True)
        )
        async with new_uow() as uow:
            await uow.bank_feeds.lock_account(fund.code, bank.key)
            if rules is None and items:
                rules = await _load_rules(
                    uow,
                    fund,
                    min(i.line.booked_on for i in items),
                    max(i.line.booked_on for i in items),
                )
            assert rules is not None
            counts = await _import_batch(
                uow,
                batch,
                fund=fund,
                bank=bank,
                thresholds=thresholds,
                rules=rules,
                prefixes=prefixes,
                import_id=summary.import_id,
                actor=actor,
            )
            summary.add(counts)
            summary.done_lines = min(total, start + BATCH_LINES)
            await uow.bank_feeds.update_import(summary.import_id, **_progress_values(summary))
            await uow.commit()
        if progress is not None:
            progress(summary.done_lines, total)


async def _import_batch(
    uow: DonationsUnitOfWork,
    batch: Sequence[tuple[_Line, LineKeys]],
    *,
    fund: FundConfig,
    bank: BankAccountConfig,
    thresholds: Thresholds,
    rules: _Rules,
    prefixes: Sequence[str],
    import_id: uuid.UUID,
    actor: str,
) -> dict[str, int]:
    known = await uow.bank_feeds.known_keys(k for _, keys in batch for k in keys.lookup)
    fresh = [(item, keys) for item, keys in batch if not any(k in known for k in keys.lookup)]
    duplicates = len(batch) - len(fresh)
    # A duplicate's keys that were not known yet (an overlapping statement of another
    # format) point to the transaction it duplicates.
    extra: dict[str, uuid.UUID] = {}
    for _, keys in batch:
        hits = [known[k] for k in keys.lookup if k in known]
        if hits:
            extra.update({k: hits[0] for k in keys.register if k not in known})
    views = [_view(item, prefixes) for item, _ in fresh]
    index = await _match_index(uow, views, rules)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    new_keys: dict[str, uuid.UUID] = {}
    by_id: dict[uuid.UUID, _Line] = {}
    for item, keys in fresh:
        tx_id = uuid.uuid4()
        view = _view(item, prefixes)
        match = match_line(view, index.on(view))
        rows.append(
            _row(
                tx_id,
                item,
                match,
                thresholds.status(match),
                fund=fund,
                bank=bank,
                source="statement",
                source_id=None,
                import_id=import_id,
                now=now,
            )
        )
        new_keys.update(dict.fromkeys(keys.register, tx_id))
        by_id[tx_id] = item
    await _post_matched(uow, rows, by_id, fund=fund, actor=actor)
    await uow.bank_feeds.add_transactions(rows)
    await uow.bank_feeds.add_new_keys(new_keys)
    if extra:
        await uow.bank_feeds.add_keys(extra)
    return {"imported": len(rows), "duplicates": duplicates, **_counts(rows)}


def _progress_values(summary: ImportSummary) -> dict[str, Any]:
    return {
        "format": summary.format,
        "profile": summary.profile,
        "lines": summary.lines,
        "done_lines": summary.done_lines,
        "imported": summary.imported,
        "duplicates": summary.duplicates,
        "matched": summary.matched,
        "suggested": summary.suggested,
        "unmatched": summary.unmatched,
        "ignored": summary.ignored,
        "rejected": [
            {"line": r.line_no, "reason": r.reason, "raw": r.raw[:500]} for r in summary.rejected
        ],
    }


async def _finish(
    new_uow: UowFactory, summary: ImportSummary, *, status: str, message: str | None
) -> None:
    summary.status, summary.message = status, message
    async with new_uow() as uow:
        await uow.bank_feeds.update_import(
            summary.import_id,
            status=status,
            message=message,
            finished_at=datetime.now(UTC),
            **_progress_values(summary),
        )
        await uow.commit()


INTERRUPTED = (
    "Dịch vụ đã khởi động lại khi đang nhập tệp này; nhập lại tệp để hoàn tất "
    "(các dòng đã nhập sẽ được nhận ra là trùng)."
)


async def fail_interrupted_imports(new_uow: UowFactory) -> int:
    """Imports a stopped process left "processing" are marked failed (their committed
    batches stay; importing the file again finishes them). Run at start-up: one donations
    process imports at a time per database."""
    async with new_uow() as uow:
        count = await uow.bank_feeds.fail_processing_imports(
            message=INTERRUPTED, at=datetime.now(UTC)
        )
        await uow.commit()
    if count:
        log.warning("donations.statement.interrupted", imports=count)
    return count


async def import_progress(new_uow: UowFactory, import_id: uuid.UUID) -> ImportSummary:
    async with new_uow() as uow:
        record = await uow.bank_feeds.statement_import(import_id)
        uow.bank_feeds.detach_all()
    if record is None:
        raise BankFeedRefusedError(404, "Không tìm thấy lần nhập sao kê này.")
    return ImportSummary(
        import_id=record.id,
        status=record.status,
        format=record.format,
        profile=record.profile,
        lines=record.lines,
        imported=record.imported,
        duplicates=record.duplicates,
        matched=record.matched,
        suggested=record.suggested,
        unmatched=record.unmatched,
        ignored=record.ignored,
        rejected=[
            RejectedLine(r["line"], r["reason"], r.get("raw", "")) for r in record.rejected or []
        ],
        done_lines=record.done_lines,
        message=record.message,
    )


# -- webhooks ------------------------------------------------------------------------------


async def ingest_webhook_line(
    new_uow: UowFactory,
    line: StatementLine,
    *,
    settings: DonationsSettings,
    account: str,
    source: Literal["sepay", "casso"],
    source_id: str,
    actor: str,
) -> IngestResult:
    """One transfer notified by a bank-feed service: idempotent on (source, source_id); the
    statement copy of the same transfer (imported before or after) is the same transaction."""
    fund, bank = resolve_account(settings, account)
    prefixes = [f.payment_code_prefix for f in settings.funds]
    item = _read(line)
    keyed = _keyed(f"{fund.code}/{bank.key}", item)
    keys = bank_dedupe.webhook_keys(keyed, source=source, source_id=source_id)
    async with new_uow() as uow:
        await uow.bank_feeds.lock_account(fund.code, bank.key)
        known = await uow.bank_feeds.known_keys(keys.lookup)
        existing = next((known[k] for k in keys.lookup if k in known), None)
        fingerprint = None
        if existing is None and not any(k.startswith("ref:") for k in keys.lookup):
            existing, fingerprint = await _by_fingerprint(uow, keyed, source)
        if existing is not None:
            await uow.bank_feeds.add_keys(dict.fromkeys(keys.register, existing))
            record = await uow.bank_feeds.transaction(existing)
            await uow.commit()
            uow.bank_feeds.detach_all()
            return IngestResult(existing, True, record.status if record else "unknown")
        rules = await _load_rules(
            uow, fund, line.booked_on, line.booked_on, payer_name=item.facts.payer_name
        )
        index = await _match_index(uow, [_view(item, prefixes)], rules)
        view = _view(item, prefixes)
        match = match_line(view, index.on(view))
        thresholds = Thresholds(settings.match_automatic, settings.match_suggest)
        tx_id = uuid.uuid4()
        row = _row(
            tx_id,
            item,
            match,
            thresholds.status(match),
            fund=fund,
            bank=bank,
            source=source,
            source_id=source_id,
            import_id=None,
            now=datetime.now(UTC),
        )
        await _post_matched(uow, [row], {tx_id: item}, fund=fund, actor=actor)
        await uow.bank_feeds.add_transactions([row])
        new_keys = dict.fromkeys(keys.register, tx_id)
        if fingerprint is not None:
            new_keys[fingerprint] = tx_id
        await uow.bank_feeds.add_new_keys(new_keys)
        await uow.commit()
    log.info(
        "donations.webhook.ingested", source=source, transaction_id=str(tx_id), status=row["status"]
    )
    return IngestResult(tx_id, False, row["status"])


async def _by_fingerprint(
    uow: DonationsUnitOfWork, keyed: KeyedLine, source: str
) -> tuple[uuid.UUID | None, str | None]:
    """Without a bank reference: the n-th transfer with this fingerprint notified by
    `source` is the n-th one of the statement. Returns (the transaction it duplicates, None)
    or (None, the fingerprint key to register)."""
    base = bank_dedupe.fingerprint_base(
        keyed.account, keyed.booked_on, keyed.direction, keyed.amount, keyed.memo
    )
    occurrence = 1
    while True:
        key = bank_dedupe.fingerprint_key(base, occurrence)
        found = (await uow.bank_feeds.known_keys([key])).get(key)
        if found is None:
            return None, key
        if not await uow.bank_feeds.has_key_kind(found, f"src:{source}"):
            return found, None
        occurrence += 1


async def keep_rejected_input(
    new_uow: UowFactory,
    *,
    kind: str,
    reason: str,
    raw: bytes,
    headers: dict[str, str] | None = None,
) -> uuid.UUID:
    """Keep an input refused as a whole, byte for byte, for inspection."""
    async with new_uow() as uow:
        kept = await uow.bank_feeds.keep_rejected(
            kind=kind, reason=reason, raw=raw, headers=headers
        )
        await uow.commit()
    log.info("donations.input.rejected", kind=kind, rejected_id=str(kept))
    return kept
