"""Bank feeds: statements into one table of bank transactions (webhooks too, through
`bank_webhook_handlers`), deduplicated, understood (`bank_memo`), matched (`matching`) and —
when the match is certain — recorded as donations through `record_new_donations_in` (ledger,
receipt, `donation.received`) in the same transaction as the bank transaction itself.

A statement is processed in batches, one transaction each, holding the bank account's lock:
a line is never half-applied (its transaction row, its keys and its donation commit
together), and an import interrupted half-way is finished by importing the file again (the
lines already in are duplicates). While a batch is matched and written, the next one is read
(memos understood, deduplication keys made, payers' names compared): in a process of its
own for a large statement (`bank_line_worker`, on another core), else in a thread, so that
our work and the database's overlap. A file an earlier import brought whole into the same
account, read the same way, is all duplicates without a line being looked at again.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog

from baotro_donations.adapters.orm_bank_feeds import StatementImportRecord
from baotro_donations.adapters.statement_readers import read_statement
from baotro_donations.domain import bank_dedupe
from baotro_donations.domain.bank_dedupe import LineKeys
from baotro_donations.domain.bank_statement import (
    RejectedLine,
    StatementError,
    StatementLine,
)
from baotro_donations.domain.matching import (
    Thresholds,
)
from baotro_donations.domain.statement_profiles import ColumnProfile, profile_named
from baotro_donations.service_layer.bank_line_reading import (
    BankLine,
    Understood,
    assembled,
    digits,
    sent_line,
    understand_lines,
)
from baotro_donations.service_layer.bank_line_worker import WORKER_LINES, LineWorker
from baotro_donations.service_layer.bank_lines import (
    MatchRules,
    load_rules,
)
from baotro_donations.service_layer.bank_posting import (
    LineSource,
    status_counts,
    write_new_lines,
)
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import BankAccountConfig, DonationsSettings, FundConfig

log = structlog.get_logger(__name__)

UowFactory = Callable[[], DonationsUnitOfWork]
Progress = Callable[[int, int], None]
BATCH_LINES = 5_000


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


# -- accounts ------------------------------------------------------------------------------


def resolve_account(
    settings: DonationsSettings, account: str
) -> tuple[FundConfig, BankAccountConfig]:
    """The fund and bank account named by `account`: its key ("AGRIBANK", any case) or its
    number in any spelling ("3500.431.101.000.909", "3500431101000909")."""
    wanted = account.strip()
    number = digits(wanted)
    for fund in settings.funds:
        for bank in fund.bank_accounts:
            if bank.key.upper() == wanted.upper() or (number and digits(bank.number) == number):
                return fund, bank
    known = ", ".join(f"{b.key} ({b.number})" for f in settings.funds for b in f.bank_accounts)
    raise BankFeedRefusedError(
        422,
        f"Tài khoản «{wanted}» không phải tài khoản của quỹ. Các tài khoản đã cấu hình: {known}.",
        field="account",
    )


# -- understanding and matching ------------------------------------------------------------


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
    # A large statement's lines are understood in a process of its own, started now: its
    # start overlaps the reading of the file. Not for a file already imported whole into
    # this account: every line is a duplicate, whose keys are all the import wants, and
    # the import would only wait for the worker (see `_import_lines`).
    job = _ImportJob(new_uow, import_id, fund, bank, settings, actor, progress)
    worker = None
    digest = hashlib.sha256(data).hexdigest()
    if data.count(b"\n") >= WORKER_LINES and not await _imported_whole_before(job, digest):
        worker = await _worker()
    try:
        return await _import_file(job, data, digest, chosen, worker)
    finally:
        if worker is not None:
            await worker.close()


@dataclass(frozen=True)
class _ImportJob:
    """One import: where its lines go, who asked, whom to tell how far it got."""

    new_uow: UowFactory
    import_id: uuid.UUID
    fund: FundConfig
    bank: BankAccountConfig
    settings: DonationsSettings
    actor: str
    progress: Progress | None


async def _imported_whole_before(
    job: _ImportJob, digest: str, read_as: tuple[str | None, str | None] | None = None
) -> bool:
    async with job.new_uow() as uow:
        return await uow.bank_feeds.imported_whole_before(
            digest,
            fund_code=job.fund.code,
            bank_account=job.bank.key,
            other_than=job.import_id,
            read_as=read_as,
        )


async def _worker() -> LineWorker | None:
    try:
        return await LineWorker.started()
    except OSError as error:  # no process to be had: the lines are understood in a thread
        log.warning("donations.statement.no_worker", error=str(error))
        return None


async def _import_file(
    job: _ImportJob,
    data: bytes,
    digest: str,
    chosen: ColumnProfile | None,
    worker: LineWorker | None,
) -> ImportSummary:
    new_uow, import_id, bank, progress = job.new_uow, job.import_id, job.bank, job.progress
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
    if read.account and digits(read.account) and digits(read.account) != digits(bank.number):
        message = (
            f"Sao kê ghi tài khoản {read.account}, không phải tài khoản {bank.number} đã chọn."
        )
        await _finish(new_uow, summary, status="failed", message=message)
        raise BankFeedRefusedError(422, message, field="account")
    summary.format, summary.profile = read.format, read.profile
    summary.rejected = list(read.rejected)
    summary.lines = len(read.lines) + len(read.rejected)
    if read.lines and await _imported_whole_before(job, digest, (read.format, read.profile)):
        # The same bytes read the same way give the same lines and keys, and the import that
        # brought them to the end registered every key of every line (those of its new lines
        # and the unknown ones of its duplicates); keys are never removed. So every line is a
        # duplicate, and nothing is written but this import's record.
        summary.duplicates = summary.done_lines = len(read.lines)
        await _finish(new_uow, summary, status="done", message=None)
        if progress is not None:
            progress(summary.done_lines, summary.done_lines)
        log.info(
            "donations.statement.imported_again",
            import_id=str(import_id),
            lines=summary.lines,
            duplicates=summary.duplicates,
        )
        return summary
    # A statement's hundreds of thousands of lines live until the import ends: keep the
    # garbage collector from walking them again and again, and from running every few
    # hundred of the million objects a large import makes and drops (a fifth of its time).
    gc.freeze()
    try:
        with _collections.fewer():
            await _import_lines(job, read.lines, summary, worker)
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


GC_THRESHOLDS = (500_000, 100, 100)
"""The collector's thresholds while statements are imported (Python's are 700, 10, 10): the
import's objects are freed by their counts (they hold no cycles), and each collection of the
young ones walks what a batch still holds: at (50_000, 20) collections took up to a tenth
of the import process's CPU."""


class _Collections:
    """Imports running in this process: while there is one, the garbage collector runs
    with `GC_THRESHOLDS`; the last one to end puts back the thresholds found by the first."""

    def __init__(self) -> None:
        self.imports = 0
        self.saved: tuple[int, int, int] | None = None

    @contextlib.contextmanager
    def fewer(self) -> Iterator[None]:
        if self.imports == 0:
            self.saved = gc.get_threshold()
            gc.set_threshold(*GC_THRESHOLDS)
        self.imports += 1
        try:
            yield
        finally:
            self.imports -= 1
            if self.imports == 0 and self.saved is not None:
                gc.set_threshold(*self.saved)


_collections = _Collections()


async def _import_lines(
    job: _ImportJob,
    lines: Sequence[StatementLine],
    summary: ImportSummary,
    worker: LineWorker | None,
) -> None:
    new_uow, fund, bank, settings = job.new_uow, job.fund, job.bank, job.settings
    prefixes = [f.payment_code_prefix for f in settings.funds]
    thresholds = Thresholds(settings.match_automatic, settings.match_suggest)
    account = f"{fund.code}/{bank.key}"
    keys = bank_dedupe.StatementKeys()
    # What matching reads is made ahead for every line while the statement brings new ones;
    # once a whole batch was known already (a file imported again), only for the new lines,
    # when they are matched.
    bringing_new = True

    total = len(lines)
    if not total:
        return
    # What matching needs besides the lines, read once (donors, rules, pledges): the worker
    # gets the donors' names with the first batch and compares the payers' names ahead.
    async with new_uow() as uow:
        rules = await load_rules(
            uow,
            fund,
            min(line.booked_on for line in lines),
            max(line.booked_on for line in lines),
        )
    donor_names: dict[uuid.UUID, str] | None = rules.sorted_donor_names

    async def understood(start: int) -> list[tuple[BankLine, LineKeys]]:
        """The lines of the batch at `start`: read, keyed (in statement order), viewed."""
        nonlocal donor_names, worker
        part = lines[start : start + BATCH_LINES]
        if worker is not None and not bringing_new:
            # Nothing new lately: only the keys are wanted, and waiting for the worker
            # would be all the import does meanwhile; it numbers the fingerprints itself.
            keys.resume(await worker.hand_over_keys())
            worker = None
        done: list[Understood]
        if worker is not None:
            done, names = await worker.understand(
                part, account, prefixes, with_views=bringing_new, donor_names=donor_names
            )
            donor_names = None
            rules.name_matches.update(names)
        else:
            sent = [sent_line(line) for line in part]
            done = await asyncio.to_thread(
                understand_lines, sent, account, prefixes, bringing_new, keys
            )
        return assembled(part, done)

    # The next batch is understood (in a process of its own for a large statement, else a
    # thread) while this one is written: the database's work and ours overlap.
    ahead: asyncio.Future[list[tuple[BankLine, LineKeys]]] | None
    ahead = asyncio.ensure_future(understood(0))
    try:
        for start in range(0, total, BATCH_LINES):
            assert ahead is not None
            batch = await ahead
            following = start + BATCH_LINES
            ahead = asyncio.ensure_future(understood(following)) if following < total else None
            async with new_uow() as uow:
                await uow.bank_feeds.lock_account(fund.code, bank.key)
                counts = await _import_batch(
                    uow,
                    batch,
                    fund=fund,
                    bank=bank,
                    thresholds=thresholds,
                    rules=rules,
                    prefixes=prefixes,
                    import_id=summary.import_id,
                    actor=job.actor,
                )
                summary.add(counts)
                bringing_new = counts["imported"] > 0
                summary.done_lines = min(total, following)
                await uow.bank_feeds.update_import(summary.import_id, **_progress_values(summary))
                await uow.commit()
            if job.progress is not None:
                job.progress(summary.done_lines, total)
    finally:
        if ahead is not None:
            ahead.cancel()


async def _import_batch(
    uow: DonationsUnitOfWork,
    batch: Sequence[tuple[BankLine, LineKeys]],
    *,
    fund: FundConfig,
    bank: BankAccountConfig,
    thresholds: Thresholds,
    rules: MatchRules,
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
    for _, keys in batch if duplicates else ():
        hits = [known[k] for k in keys.lookup if k in known]
        if hits:
            extra.update({k: hits[0] for k in keys.register if k not in known})
    lines = list(zip(new_ids(len(fresh)), (item for item, _ in fresh), strict=True))
    rows = await write_new_lines(
        uow,
        lines,
        origin=LineSource(fund, bank, source="statement", import_id=import_id),
        rules=rules,
        prefixes=prefixes,
        thresholds=thresholds,
        actor=actor,
    )
    new_keys: dict[str, uuid.UUID] = {}
    for (tx_id, _), (_, keys) in zip(lines, fresh, strict=True):
        new_keys.update(dict.fromkeys(keys.register, tx_id))
    await uow.bank_feeds.add_new_keys(new_keys)
    if extra:
        await uow.bank_feeds.add_keys(extra)
    return {"imported": len(rows), "duplicates": duplicates, **status_counts(rows)}


def new_ids(count: int) -> list[uuid.UUID]:
    """`count` random (version 4) UUIDs, as `uuid.uuid4` makes them, from one read of the
    system's random source."""
    raw = os.urandom(16 * count)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


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
