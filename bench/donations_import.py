"""Figure 7: the real Vietcombank statement (200,361 lines, 10 days of the 2024 flood appeal)
imported end to end, beside PostgreSQL's own COPY of the same CSV, in the same run.

1. Baseline: `COPY … FROM STDIN (FORMAT csv, HEADER)` of the CSV into a bare table of seven
   text columns, no index (asyncpg `copy_to_table`), the median of five runs.
2. Parse only: our reader (`read_statement`) on the CSV, beside the `mt-940` library's
   `Transactions().parse` on the same transactions written as an MT940 file.
3. The import: `import_statement` (parse, dedupe, normalise, match, post matched credits to
   the ledger with their receipts and `donation.received` in the outbox) in a subprocess of
   its own, so its peak resident memory is its own. Before it, what a fund has set up that
   makes lines match by themselves: a campaign for the appeal with keyword rules, and the
   regular donors whose accounts the bank writes in the memo (Vietcombank internal
   transfers), each with that account.
4. The same file again: nothing new anywhere, and faster.
5. The floors no design of the import's scope goes under, measured on the same data: what
   PostgreSQL alone takes to store the rows the import stored (`StorageFloor`), and what the
   per-line reading alone takes in Python (`understand_only`, in the parse subprocess).

`python -m bench.donations_import parse|import [--database-url URL] [--lines N]` are the
subprocesses: each prints its figures as one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import io
import json
import os
import resource
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import mt940
from sqlalchemy import text as sql_text
from sqlalchemy.ext.asyncio import AsyncEngine

from baotro_donations.adapters.statement_readers import read_statement
from baotro_donations.bootstrap import build_runtime
from baotro_donations.domain.bank_dedupe import StatementKeys
from baotro_donations.domain.bank_memo import read_memo
from baotro_donations.domain.bank_statement import Direction, StatementLine
from baotro_donations.domain.campaigns import CampaignKind
from baotro_donations.domain.donors import DonorKind, KnownBankAccount
from baotro_donations.service_layer.bank_feed_handlers import BATCH_LINES, import_statement
from baotro_donations.service_layer.bank_line_reading import sent_line, understand_lines
from baotro_donations.service_layer.party_handlers import (
    DonorFields,
    OpenCampaign,
    create_donor,
    open_campaign,
)
from baotro_donations.service_layer.reconciliation_handlers import NewRule, add_rule
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import (
    THANH_HOA_PROVINCE_FUND,
    BankAccountConfig,
    DonationsSettings,
    FundConfig,
)
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.testing.postgres import PostgresDatabases
from baotro_shared.testing.shared_data import saoke_dir
from bench.environment import quiet_logs
from bench.memory import PhaseMeter, rusage_peak_mib
from bench.procstat import child_pid, cpu_seconds_of, peak_rss_mib_of, postgres_cpu_seconds
from bench.report import load_average
from bench.stats import Summary
from bench.table import Section

ACCOUNT = "0011001932418"
"""The Vietcombank account of the statement, here one of the fund's accounts."""
ACTOR = "bench"
ROOT = Path(__file__).resolve().parent.parent
"""The folder holding the `bench` package (the subprocess runs `-m bench.donations_import`)."""
COPY_RUNS = 5
KNOWN_DONORS = 500
CAMPAIGN = "Ủng hộ đồng bào bị thiệt hại do bão Yagi"
KEYWORDS = ("BAO YAGI", "LU LUT", "UNG HO DONG BAO")
BARE_TABLE = """CREATE TABLE bare_statement (page_id text, tnx_date text, doc_no text,
    debit text, credit text, balance text, transaction_details text)"""
IMPORT_RECORDS = frozenset({"statement_imports"})
"""Where a re-import adds its own record (the attempt, with the file kept as sent)."""


def statement_file() -> Path:
    return next(saoke_dir().glob("Vietcombank-*.csv.gz"))


def statement_slice(lines: int | None) -> tuple[bytes, int]:
    """The CSV (header + the first `lines` rows; all when None) and its number of rows.

    The Vietcombank file has one row per physical line (no memo spans two lines)."""
    data = gzip.decompress(statement_file().read_bytes())
    rows = data.rstrip(b"\n").split(b"\n")
    if lines is not None and lines < len(rows) - 1:
        rows = rows[: lines + 1]
        data = b"\n".join(rows) + b"\n"
    return data, len(rows) - 1


def fund_with_statement_account() -> FundConfig:
    """The province fund of the default settings, with the statement's account added."""
    vcb = BankAccountConfig(key="VCB", bank_name="Vietcombank", number="0011.0019.32418")
    accounts = [*THANH_HOA_PROVINCE_FUND.bank_accounts, vcb]
    return THANH_HOA_PROVINCE_FUND.model_copy(update={"bank_accounts": accounts})


async def copy_baseline(url: str, data: bytes) -> Summary:
    """Seconds of `COPY` of the CSV into a bare table, `COPY_RUNS` times (emptied between)."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(BARE_TABLE)
        seconds = []
        for _ in range(COPY_RUNS):
            await conn.execute("TRUNCATE bare_statement")
            started = time.perf_counter()
            await conn.copy_to_table(
                "bare_statement", source=io.BytesIO(data), format="csv", header=True
            )
            seconds.append(time.perf_counter() - started)
        await conn.execute("DROP TABLE bare_statement")
    finally:
        await conn.close()
    return Summary.of(seconds)


def to_mt940(lines: Sequence[StatementLine]) -> str:
    """The lines as one MT940 statement: `:61:` date, C/D, amount with a decimal comma, NTRF,
    the DocNo as reference; `:86:` the memo in lines of 65 characters."""
    out = [":20:BAOTRO", f":25:{ACCOUNT}", ":28C:1/1"]
    first = lines[0].booked_on if lines else date.today()
    out.append(f":60F:C{first:%y%m%d}VND0,")
    balance = 0
    for line in lines:
        credit = line.direction is Direction.CREDIT
        balance += line.amount if credit else -line.amount
        reference = (line.document_number or "NONREF")[:16]
        mark = "C" if credit else "D"
        out.append(f":61:{line.booked_on:%y%m%d}{mark}{line.amount},NTRF{reference}")
        memo, tag = " ".join(line.memo.split()), ":86:"
        while memo:
            cut = 65
            while cut > 1 and memo[cut : cut + 1] == ":":  # a line must not start like a tag
                cut -= 1
            out.append(tag + memo[:cut])
            memo, tag = memo[cut:], ""
    last = lines[-1].booked_on if lines else first
    out.append(f":62F:{'C' if balance >= 0 else 'D'}{last:%y%m%d}VND{abs(balance)},")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class ParseRun:
    lines: int
    ours_s: float
    mt940_s: float
    mt940_mib: float
    """Size of the MT940 text."""
    understand_s: float
    """`understand_lines` (memos read, deduplication keys, what matching reads) of every
    line, in the import's batches, in this one process."""


def parse_only(data: bytes) -> ParseRun:
    started = time.perf_counter()
    read = read_statement(data)
    ours = time.perf_counter() - started
    understand = understand_only(read.lines)
    text = to_mt940(read.lines)
    del read
    gc.collect()
    started = time.perf_counter()
    parsed = mt940.models.Transactions()
    parsed.parse(text)
    theirs = time.perf_counter() - started
    return ParseRun(len(parsed), ours, theirs, len(text.encode()) / 2**20, understand)


def understand_only(lines: Sequence[StatementLine]) -> float:
    """Seconds of the import's per-line reading alone (`understand_lines` with the views
    matching reads), batch by batch as the import sends them to its worker, in this process,
    with the garbage collector off (what is made holds no cycles); not the comparison of
    payers' names with the donors' (none are known here)."""
    account = f"{THANH_HOA_PROVINCE_FUND.code}/VCB"
    prefixes = [THANH_HOA_PROVINCE_FUND.payment_code_prefix]
    keys = StatementKeys()
    gc.disable()
    try:
        started = time.perf_counter()
        for start in range(0, len(lines), BATCH_LINES):
            sent = [sent_line(line) for line in lines[start : start + BATCH_LINES]]
            understand_lines(sent, account, prefixes, True, keys)
        return time.perf_counter() - started
    finally:
        gc.enable()


@dataclass(frozen=True)
class ImportRun:
    """What the import subprocess measured (JSON on its stdout)."""

    lines: int
    imported: int
    duplicates: int
    matched: int
    suggested: int
    unmatched: int
    ignored: int
    rejected: int
    posted: int
    """Donations recorded by the import."""
    outbox: int
    """Events written to the outbox by the import."""
    seconds: float
    cpu_s: float
    """The import process and the processes it started and waited for (its line worker)."""
    postgres_cpu_s: float
    """Every PostgreSQL process of the machine (others' included)."""
    postgres_own_cpu_s: float
    """The PostgreSQL backends connected to the import's database."""
    rss_start_mib: float | None
    rss_peak_mib: float | None
    process_peak_mib: float
    worker_peak_mib: float | None
    """Peak resident set of the import's line worker process (VmHWM, sampled while it ran;
    None when the import ran without one)."""
    again_seconds: float
    again_imported: int
    again_duplicates: int
    again_changed: list[str]
    """Tables with more (or fewer) rows after the re-import, other than `IMPORT_RECORDS`."""
    donors: int
    keyword_rules: int
    matched_by: dict[str, int]
    """Automatic matches by kind of evidence (keyword, sender_account, ...)."""
    floor: StorageFloor


@dataclass(frozen=True)
class StorageFloor:
    """PostgreSQL alone storing what the import stored: the rows of every table the import
    added rows to, inserted from that table into an empty one of the same shape (`LIKE …
    INCLUDING ALL`: columns, defaults, checks, indexes; not foreign keys) by `INSERT …
    SELECT`, in one transaction that is rolled back. No client, no parsing, no lookups."""

    seconds: float
    rows: dict[str, int]
    """Rows inserted, by table."""
    indexes: int
    foreign_keys: int
    """Foreign keys of those tables, which the copies do not check."""


async def _row_counts(engine: AsyncEngine) -> dict[str, int]:
    """Exact row counts of every table of the service."""
    async with engine.connect() as conn:
        names = (
            await conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ).scalars()
        counts = {}
        for name in list(names):
            query = f'SELECT count(*) FROM "{name}"'  # noqa: S608 - a name from pg_tables
            counts[name] = (await conn.exec_driver_sql(query)).scalar_one()
        return counts


async def _matched_by(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT match_kind, count(*) FROM bank_transactions WHERE status = 'matched' "
            "GROUP BY 1 ORDER BY 2 DESC"
        )
        return {kind: count for kind, count in rows}


async def _worker_peak(peaks: list[float]) -> None:
    """Sample the VmHWM of the import's line worker process (a child) until cancelled."""
    while True:
        pid = child_pid("bank_line_worker")
        peak = peak_rss_mib_of(pid) if pid is not None else None
        if peak is not None:
            peaks.append(peak)
        await asyncio.sleep(0.2)


def _own_cpu() -> float:
    """CPU seconds of this process and of its children that ended (and were waited for)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def _backend_cpu(engine: AsyncEngine) -> dict[int, float]:
    """CPU seconds so far of the PostgreSQL backends connected to `engine`'s database."""
    async with engine.connect() as conn:
        pids = (
            await conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            )
        ).scalars()
        return {pid: seconds for pid in list(pids) if (seconds := cpu_seconds_of(pid)) is not None}


def _known_senders(data: bytes, count: int) -> list[tuple[str, str]]:
    """(account, folded name) of the first `count` distinct senders the bank names in memos
    (among the first 20,000 lines)."""
    senders: dict[str, str] = {}
    head = b"\n".join(data.split(b"\n", 20_001)[:20_001])
    for line in read_statement(head).lines:
        facts = read_memo(line.memo, line.counterparty)
        if facts.sender_account and facts.payer_name and facts.sender_account not in senders:
            senders[facts.sender_account] = facts.payer_name
            if len(senders) == count:
                break
    return list(senders.items())


async def _set_up_fund(
    runtime: ServiceRuntime[DonationsUnitOfWork], settings: DonationsSettings, data: bytes
) -> tuple[int, int]:
    """The appeal's campaign with its keyword rules, and the fund's known donors, through
    the service layer (what POST /v1/campaigns, /v1/reconciliation-rules, /v1/donors do)."""
    uow = runtime.uow
    campaign = await open_campaign(
        uow(),
        OpenCampaign(
            fund_code="TH", name=CAMPAIGN, kind=CampaignKind.APPEAL_DRIVE,
            starts_on=date(2024, 9, 1), ends_on=date(2024, 12, 31), restricted=True,
        ),
        actor=ACTOR,
    )  # fmt: skip
    for words in KEYWORDS:
        rule = NewRule(
            kind="keyword", target_kind="campaign", target_id=str(campaign.id),
            memo_words=words, fund_code="TH",
        )  # fmt: skip
        await add_rule(uow, rule, settings=settings, actor=ACTOR)
    senders = _known_senders(data, KNOWN_DONORS)
    for account, name in senders:
        await create_donor(
            uow(),
            DonorFields(
                kind=DonorKind.PERSON, display_name=name.title(),
                bank_accounts=(KnownBankAccount(number=account),),
            ),
            actor=ACTOR,
        )  # fmt: skip
    return len(senders), len(KEYWORDS)


async def run_import(url: str, lines: int | None, say: Callable[[str], None]) -> ImportRun:
    """In the subprocess: set the fund up, import the statement, then import it again."""
    settings = DonationsSettings(
        database_url=url, funds=[fund_with_statement_account()], replay_on_start="never"
    )
    runtime = build_runtime(settings)
    data, _ = statement_slice(lines)
    try:
        await runtime.migrate()
        donors, rules = await _set_up_fund(runtime, settings, data)
        before = await _row_counts(runtime.engine)
        step = [0]

        def progress(done: int, total: int) -> None:
            if done * 10 // max(1, total) > step[0]:
                step[0] = done * 10 // max(1, total)
                say(f"  {done:,} / {total:,} lines imported")

        own_pg = await _backend_cpu(runtime.engine)
        meter = PhaseMeter()
        meter.begin()
        cpu, pg = _own_cpu(), postgres_cpu_seconds()
        peaks: list[float] = []
        sampler = asyncio.ensure_future(_worker_peak(peaks))
        started = time.perf_counter()
        first = await import_statement(
            runtime.uow, data, settings=settings, account=ACCOUNT, filename=statement_file().name,
            actor=ACTOR, progress=progress,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        sampler.cancel()
        cpu_s = _own_cpu() - cpu
        pg_after = postgres_cpu_seconds()
        memory = meter.end("import")
        own_pg_after = await _backend_cpu(runtime.engine)
        after = await _row_counts(runtime.engine)
        matched_by = await _matched_by(runtime.engine)
        say("  the same file again")
        started = time.perf_counter()
        again = await import_statement(
            runtime.uow, data, settings=settings, account=ACCOUNT, actor=ACTOR
        )
        again_seconds = time.perf_counter() - started
        final = await _row_counts(runtime.engine)
        say("  storage floor: the same rows inserted again by PostgreSQL alone")
        grown = [t for t in after if after[t] > before.get(t, 0) and t not in IMPORT_RECORDS]
        floor = await _storage_floor(runtime.engine, grown)
    finally:
        await runtime.engine.dispose()
    changed = sorted(t for t in final if final[t] != after.get(t) and t not in IMPORT_RECORDS)
    return ImportRun(
        lines=first.lines, imported=first.imported, duplicates=first.duplicates,
        matched=first.matched, suggested=first.suggested, unmatched=first.unmatched,
        ignored=first.ignored, rejected=len(first.rejected),
        posted=after.get("donations", 0) - before.get("donations", 0),
        outbox=after.get("outbox", 0) - before.get("outbox", 0),
        seconds=seconds, cpu_s=cpu_s,
        postgres_cpu_s=sum(v - pg.get(pid, 0.0) for pid, v in pg_after.items()),
        postgres_own_cpu_s=sum(v - own_pg.get(pid, 0.0) for pid, v in own_pg_after.items()),
        rss_start_mib=memory.start_mib, rss_peak_mib=memory.peak_mib,
        process_peak_mib=rusage_peak_mib(),
        worker_peak_mib=max(peaks, default=None),
        again_seconds=again_seconds,
        again_imported=again.imported, again_duplicates=again.duplicates,
        again_changed=changed, donors=donors, keyword_rules=rules, matched_by=matched_by,
        floor=floor,
    )  # fmt: skip


async def _storage_floor(engine: AsyncEngine, tables: Sequence[str]) -> StorageFloor:
    """See `StorageFloor`; `tables` are names from pg_tables."""
    async with engine.connect() as conn:
        await conn.begin()
        rows = {}
        for name in tables:
            await conn.exec_driver_sql(f'CREATE TABLE "floor_{name}" (LIKE "{name}" INCLUDING ALL)')
        started = time.perf_counter()
        for name in tables:
            insert = f'INSERT INTO "floor_{name}" SELECT * FROM "{name}"'  # noqa: S608 - pg_tables
            rows[name] = (await conn.exec_driver_sql(insert)).rowcount
        seconds = time.perf_counter() - started
        copies = [f"floor_{name}" for name in tables]
        count = sql_text("SELECT count(*) FROM pg_indexes WHERE tablename = ANY(:names)")
        indexes = (await conn.execute(count, {"names": copies})).scalar_one()
        keys = sql_text(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid::regclass::text = ANY(:names)"
        )
        foreign_keys = (await conn.execute(keys, {"names": list(tables)})).scalar_one()
        await conn.rollback()
    return StorageFloor(seconds, rows, indexes, foreign_keys)


async def _in_subprocess(*args: str) -> dict[str, Any]:
    """`python -m bench.donations_import ARGS` in a fresh Python process: its figures (the
    JSON line on its stdout); its progress goes to our stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.donations_import", *args,
        stdout=asyncio.subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"bench.donations_import {args[0]} failed (exit {process.returncode})")
    figures: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return figures


@dataclass(frozen=True)
class ImportBenchResult:
    rows: int
    csv_mib: float
    copy: Summary
    parse: ParseRun
    run: ImportRun
    load_start: float
    load_end: float
    wall_s: float


async def measure_import(
    *, postgres: PostgresDatabases, lines: int | None, loop: str, say: Callable[[str], None]
) -> ImportBenchResult:
    """COPY baseline, parse-only rates, then the import and the re-import in a subprocess."""
    began, load_start = time.perf_counter(), load_average()
    data, rows = statement_slice(lines)
    url = await postgres.create(f"bench_import_{uuid.uuid4().hex[:8]}")
    say(f"statement import: {rows:,} lines of {statement_file().name}; COPY × {COPY_RUNS}")
    copy = await copy_baseline(url, data)
    say("  parse only, in a subprocess: read_statement on the CSV, mt-940 on them as MT940")
    some = [] if lines is None else ["--lines", str(lines)]
    parse = ParseRun(**await _in_subprocess("parse", *some))
    say("  import_statement in a subprocess (set-up: campaign, keyword rules, known donors)")
    figures = await _in_subprocess("import", "--database-url", url, "--loop", loop, *some)
    run = ImportRun(**{**figures, "floor": StorageFloor(**figures["floor"])})
    return ImportBenchResult(
        rows=rows, csv_mib=len(data) / 2**20, copy=copy, parse=parse, run=run,
        load_start=load_start, load_end=load_average(), wall_s=time.perf_counter() - began,
    )  # fmt: skip


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MiB"


def import_section(r: ImportBenchResult) -> Section:
    run, copy_s = r.run, r.copy.p50
    copy_rate = r.rows / copy_s
    s = Section(
        f"7. Bank statement import — the real Vietcombank statement, {r.rows:,} lines "
        f"({r.csv_mib:,.1f} MiB CSV), through import_statement into PostgreSQL"
    )
    s.add(
        "import, end to end",
        f"{run.lines / run.seconds:,.0f} lines/s",
        f"{copy_rate:,.0f} lines/s",
        f"×{run.seconds / copy_s:,.1f} the time of COPY (target ≤ 20×): {run.seconds:,.1f} s "
        f"vs {copy_s:.2f} s (COPY of the CSV into a bare table, median of {r.copy.count}, "
        f"max {r.copy.max:.2f} s)",
    )
    s.add(
        "  outcome",
        f"{run.matched:,} · {run.suggested:,} · {run.unmatched:,}",
        "",
        "matched ("
        + ", ".join(f"{n:,} by {kind.replace('_', ' ')}" for kind, n in run.matched_by.items())
        + f") · suggested · unmatched; {run.ignored:,} ignored, {run.rejected:,} rejected; "
        f"{run.imported:,} imported, {run.duplicates:,} duplicates; {run.posted:,} donations "
        f"posted, {run.outbox:,} outbox events",
    )
    s.add(
        "  CPU per line",
        f"{run.cpu_s * 1000 / run.lines:.3f} + {run.postgres_own_cpu_s * 1000 / run.lines:.3f} ms",
        "",
        "import process (with its line worker) + the PostgreSQL backends of its database; "
        f"every PostgreSQL process of the machine (others' included): "
        f"{run.postgres_cpu_s * 1000 / run.lines:.3f} ms",
    )
    floor = run.floor
    reading = r.parse.ours_s + r.parse.understand_s
    both = max(floor.seconds, reading, (floor.seconds + reading) / (os.cpu_count() or 1))
    s.add(
        "floor: storing alone",
        f"{floor.seconds:,.1f} s",
        f"{copy_s:.2f} s",
        f"×{floor.seconds / copy_s:,.1f} the time of COPY: PostgreSQL inserting the "
        f"{sum(floor.rows.values()):,} rows the import stored ("
        + ", ".join(f"{t} {n:,}" for t, n in sorted(floor.rows.items(), key=lambda i: -i[1]))
        + f") from its tables into empty ones of the same shape with their {floor.indexes} "
        f"indexes (INSERT … SELECT, one transaction, rolled back): no client, no parsing, no "
        f"lookups, the {floor.foreign_keys} foreign keys unchecked",
    )
    s.add(
        "floor: reading alone",
        f"{reading:,.1f} s",
        f"{copy_s:.2f} s",
        f"×{reading / copy_s:,.1f}: read_statement ({r.parse.ours_s:,.1f} s) and "
        f"understand_lines ({r.parse.understand_s:,.1f} s: memos, deduplication keys, what "
        f"matching reads; not the payers' names) in one process, nothing matched or written; "
        f"both floors side by side on the {os.cpu_count()} cores, nothing else: at least "
        f"{both:,.1f} s, ×{both / copy_s:,.1f}",
    )
    s.add(
        "parse only",
        f"{r.parse.lines / r.parse.ours_s:,.0f} lines/s",
        f"{r.parse.lines / r.parse.mt940_s:,.0f} lines/s",
        f"our read_statement on the CSV ({r.parse.ours_s:,.1f} s) vs mt-940's "
        f"Transactions().parse on the same lines as MT940 ({r.parse.mt940_mib:,.1f} MiB, "
        f"{r.parse.mt940_s:,.1f} s): ×{r.parse.mt940_s / r.parse.ours_s:.2f}",
    )
    unchanged = not run.again_changed and run.again_imported == 0
    s.add(
        "re-import of the same file",
        f"{run.lines / run.again_seconds:,.0f} lines/s",
        f"{run.lines / run.seconds:,.0f} lines/s",
        f"{run.again_seconds:,.1f} s vs {run.seconds:,.1f} s the first time "
        f"(×{run.seconds / run.again_seconds:.1f} faster); "
        + (
            f"no new rows ({run.again_duplicates:,} duplicates)"
            if unchanged
            else f"FAILED, new rows: {run.again_imported:,} imported; "
            f"changed: {', '.join(run.again_changed) or '-'}"
        ),
    )
    growth = (
        None
        if run.rss_peak_mib is None or run.rss_start_mib is None
        else run.rss_peak_mib - run.rss_start_mib
    )
    s.add(
        "peak RSS of the import",
        _mib(run.rss_peak_mib),
        "",
        f"import subprocess during the import (VmHWM); {_mib(run.rss_start_mib)} before it "
        f"(Python, libraries, the file in memory): +{_mib(growth)}; whole process "
        f"{_mib(run.process_peak_mib)}; its line worker process: {_mib(run.worker_peak_mib)}",
    )
    s.add(
        "load average",
        f"{r.load_start:.2f} → {r.load_end:.2f}",
        "",
        f"1-minute load at the start and end of this phase ({os.cpu_count()} cores); phase "
        f"took {r.wall_s:,.0f} s",
    )
    return s


IMPORT_METHOD = """\
* Statement import (section 7): the real Vietcombank CSV ({file}, {rows:,} lines). Baseline:
  PostgreSQL's COPY (FORMAT csv, HEADER) from this process into a bare table of 7 text
  columns without index, on the same throw-away database, {copies} runs, median. Parse only,
  in a fresh subprocess: read_statement on the CSV bytes (format and profile detected), then,
  its result freed, mt-940 on the same lines written as MT940 (:61: date, C/D, amount, NTRF
  + DocNo; :86: memo in 65-character lines), each timed alone. The import runs in another
  fresh subprocess (uvloop, the
  donations runtime, no broker: outbox rows stay pending) after the fund's set-up: a
  restricted campaign "{campaign}" with keyword rules {keywords}, and {donors} known donors
  with the accounts the bank writes in memos ("CT tu <account> <name>"), the first distinct
  ones of the file. import_statement gets the whole file as bytes with the account number;
  its time is the call, its memory the subprocess's high-water mark reset just before. Its CPU
  is the subprocess's and its line worker's (a child process it waits for; the worker's peak
  memory sampled apart), beside the CPU of the PostgreSQL backends of the import's database.
  Then the same bytes again: every table's exact row count is compared before and after.
  Floors: the rows of every table the import added rows to, inserted again by PostgreSQL
  alone (INSERT … SELECT into an empty LIKE … INCLUDING ALL copy, one transaction, rolled
  back); and, in the parse subprocess, understand_lines of every line in the import's
  batches of 5,000, in one process, after read_statement, the garbage collector off.
"""


def import_method(r: ImportBenchResult) -> str:
    text = IMPORT_METHOD.format(
        file=statement_file().name, rows=r.rows, copies=r.copy.count, campaign=CAMPAIGN,
        keywords=", ".join(f"«{k}»" for k in KEYWORDS), donors=r.run.donors,
    )  # fmt: skip
    return (
        textwrap.fill(" ".join(text.split()), 92, subsequent_indent="  ", break_on_hyphens=False)
        + "\n"
    )


def _main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.donations_import")
    parser.add_argument("what", choices=("parse", "import"))
    parser.add_argument("--database-url", help="import: an empty database")
    parser.add_argument("--lines", type=int, default=None, help="the first N lines only")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    args = parser.parse_args(argv)
    if args.what == "parse":
        print(json.dumps(asdict(parse_only(statement_slice(args.lines)[0]))), flush=True)
        return 0
    quiet_logs()

    def say(message: str) -> None:
        print(f"· {message}", file=sys.stderr, flush=True)

    if args.loop == "uvloop":
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    else:
        runner = asyncio.Runner()
    with runner:
        run = runner.run(run_import(args.database_url, args.lines, say))
    print(json.dumps(asdict(run)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
