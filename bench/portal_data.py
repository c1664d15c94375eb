"""Data for figure 7: 1,000,000 statement lines, real and generated, loaded with COPY.

The three real statements of ../shared/data/saoke-mttq-2024 (≈ 299,000 credits with the banks'
own memos) plus generated lines in the same styles (NAPAS, MBVCB "CT tu", VietinBank "CT nhanh
247", named donors with diacritics) are written into reporting's `statement_line` table the
way its projection writes them (memo masked, folded search column). The indexes of the
migrations are dropped for the COPY and built again after it; generated columns (the word
vector of migrations 0003 and 0004: words, pairs, amount buckets) are computed by PostgreSQL
during the COPY.

A kept database (`--keep-database NAME`) survives the run: the next run migrates it to head
and reuses its lines when their count is the one asked for, which saves the load.
"""

from __future__ import annotations

import csv
import gzip
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import asyncpg  # type: ignore[import-untyped]

from baotro_reporting.bootstrap import MIGRATIONS
from baotro_reporting.domain.statement import ANONYMOUS, mask_numbers, search_text
from baotro_shared.db import create_engine
from baotro_shared.migrations import upgrade_to_head
from baotro_shared.testing.shared_data import saoke_dir
from bench.portal_load import DAYS, FIRST_DAY, WORDS, person

DATA = saoke_dir()
COLUMNS = (
    "line_key",
    "kind",
    "fund_code",
    "line_date",
    "recorded_at",
    "amount",
    "name",
    "purpose_kind",
    "purpose_ref",
    "memo",
    "search_text",
    "donation_id",
)


def _amount(text: str) -> int:
    digits = "".join(c for c in text if c.isdigit())
    return int(digits) if digits else 0


def real_credits() -> list[tuple[date, int, str]]:
    """Every credit of the three statements: (date, amount in đồng, memo as the bank wrote it)."""
    credits: list[tuple[date, int, str]] = []
    for path in sorted(DATA.glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                day_text = row.get("TNXDate") or row.get("Date") or ""
                amount = _amount(row.get("Credit") or row.get("CreditAmount") or "")
                if not amount or not day_text:
                    continue
                day = datetime.strptime(day_text.strip(), "%d/%m/%Y").date()
                credits.append((day, amount, row.get("TransactionDetails") or ""))
    return credits


def generated_credit(rng: random.Random, amounts: Sequence[int]) -> tuple[date, int, str, str]:
    """A line in the style of the real ones; a fifth are named donors (with diacritics)."""
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    donor = person(rng)
    upper = search_text(donor).upper()
    style = rng.random()
    if style < 0.45:
        trace = f"{rng.randrange(10**6):06d}.{day:%d%m%y}.{rng.randrange(240000):06d}"
        memo = f"{trace}.{upper} chuyen tien ung ho"
    elif style < 0.7:
        memo = (
            f"MBVCB.{rng.randrange(10**10)}.{upper} ung ho dong bao bao lu.CT tu "
            f"{rng.randrange(10**12, 10**13)} {upper} toi 0011001932418 MAT TRAN TO QUOC VN"
        )
    else:
        memo = f"CT nhanh 247 den: {upper} {rng.choice(WORDS)}"
    name = donor if rng.random() < 0.2 else ANONYMOUS
    return day, rng.choice(amounts), name, memo


def statement_rows(count: int, *, seed: int = 2024) -> Iterator[tuple[object, ...]]:
    """`count` rows of `statement_line`: the real credits first, then generated ones."""
    rng = random.Random(seed)
    real = real_credits()
    amounts = [amount for _, amount, _ in real]
    recorded = datetime(2024, 9, 12, tzinfo=UTC)
    for index in range(count):
        if index < len(real):
            day, amount, raw = real[index]
            name = ANONYMOUS
        else:
            day, amount, name, raw = generated_credit(rng, amounts)
        memo = mask_numbers(" ".join(raw.split()))
        yield (
            f"bench:{index}",
            "donation",
            "TH",
            day,
            recorded,
            amount,
            name,
            "general",
            None,
            memo,
            search_text(name, memo),
            None,
        )


@dataclass(frozen=True)
class LoadTimes:
    copy_s: float
    index_s: float


async def load_statement(dsn: str, lines: int) -> LoadTimes:
    """Empty the table, COPY `lines` rows without the indexes, then build them again."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("TRUNCATE statement_line RESTART IDENTITY")
        indexes = await connection.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'statement_line' "
            "AND indexname <> 'statement_line_pkey'"
        )
        for index in indexes:
            if "UNIQUE" in index["indexdef"]:
                await connection.execute(
                    f'ALTER TABLE statement_line DROP CONSTRAINT "{index["indexname"]}"'
                )
            else:
                await connection.execute(f'DROP INDEX "{index["indexname"]}"')
        started = time.perf_counter()
        batch: list[tuple[object, ...]] = []
        for row in statement_rows(lines):
            batch.append(row)
            if len(batch) == 50_000:
                await connection.copy_records_to_table(
                    "statement_line", records=batch, columns=COLUMNS
                )
                batch.clear()
        if batch:
            await connection.copy_records_to_table("statement_line", records=batch, columns=COLUMNS)
        copied = time.perf_counter() - started
        started = time.perf_counter()
        await connection.execute("SET maintenance_work_mem = '256MB'")
        for index in indexes:
            if "UNIQUE" in index["indexdef"]:
                name = index["indexname"]
                await connection.execute(
                    f'ALTER TABLE statement_line ADD CONSTRAINT "{name}" UNIQUE (line_key)'
                )
            else:
                await connection.execute(index["indexdef"])
        await connection.execute("VACUUM ANALYZE statement_line")
        return LoadTimes(copied, time.perf_counter() - started)
    finally:
        await connection.close()


@dataclass(frozen=True)
class PostgresMemory:
    shared_buffers: str
    database_mib: float


async def postgres_memory(dsn: str) -> PostgresMemory:
    """PostgreSQL's shared buffers beside the size of the database the searches read."""
    connection = await asyncpg.connect(dsn)
    try:
        buffers = await connection.fetchval("SHOW shared_buffers")
        size = await connection.fetchval("SELECT pg_database_size(current_database())")
    finally:
        await connection.close()
    return PostgresMemory(str(buffers), int(size) / 2**20)


def database_url(admin_dsn: str, name: str) -> str:
    base = admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def migrate(url: str) -> float:
    """Bring reporting's schema to head; the seconds it took (a new revision on a loaded
    table pays its rewrite here)."""
    started = time.perf_counter()
    engine = create_engine(url)
    try:
        await upgrade_to_head(engine, MIGRATIONS)
    finally:
        await engine.dispose()
    return time.perf_counter() - started


async def prepare_kept(
    admin_dsn: str, name: str, lines: int
) -> tuple[str, LoadTimes | None, float]:
    """The kept database `name` at head with `lines` lines: (URL, load times or None if the
    lines were already there, seconds the migrations took)."""
    admin = await asyncpg.connect(admin_dsn)
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = database_url(admin_dsn, name)
    migrate_s = await migrate(url)
    plain = url.replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(plain)
    try:
        # a new column has no statistics, and a rewritten table no hint bits (the first
        # searches would write every page they read); quick when nothing changed
        await connection.execute("VACUUM ANALYZE statement_line")
        present = await connection.fetchval("SELECT count(*) FROM statement_line")
    finally:
        await connection.close()
    if present == lines:
        return url, None, migrate_s
    return url, await load_statement(plain, lines), migrate_s
