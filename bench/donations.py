"""Figure 6: the donations ledger at scale — gifts posted through the real service layer.

The donations service's own runtime (engine, migrations, unit of work, outbox writer) runs in
this process on a throw-away PostgreSQL database, without a broker (outbox rows stay pending,
as while the relay is behind). `workers` tasks call `record_donation` at once, each gift its
own transaction: validation, donor and campaign look-ups, the entry with its postings and pot
totals, the gap-free receipt number (counter row lock), the donation row and
`donation.received` in the outbox. Three funds; gifts dated over the past year in order (a
statement at a time); most unrestricted, some earmarked for appeals, campaigns, sponsorships
and children's cases; bank gifts carry a donation id (as reconciliation sends them).

Baseline: the same donation rows into a bare table with the same columns and only a primary
key, by multi-row INSERT (1,000 rows a statement, one connection) and by COPY. At full size:
balances as the API reads them (`ledger_balances`) as of today, as of a past date and for one
appeal, beside the old query summing every posting; the check a disbursement makes (fund
lock, `load_for`, validation); reversals; and the day totals checked against the postings.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from baotro_donations.bootstrap import build_runtime
from baotro_donations.domain import ledger as books
from baotro_donations.domain.campaigns import CampaignKind
from baotro_donations.domain.donors import DonorKind
from baotro_donations.domain.ledger_accounts import Fund, Purpose, Restriction, RestrictionKind
from baotro_donations.service_layer.donation_handlers import (
    RecordDonation,
    ledger_balances,
    record_donation,
    reverse_donation,
)
from baotro_donations.service_layer.party_handlers import (
    DonorFields,
    OpenCampaign,
    create_donor,
    open_campaign,
)
from baotro_donations.settings import (
    THANH_HOA_PROVINCE_FUND,
    BankAccountConfig,
    DonationsSettings,
    FundConfig,
)
from baotro_shared.testing.postgres import PostgresDatabases
from baotro_shared.timeutil import today_in_vietnam
from bench.environment import cpu_seconds
from bench.memory import current_rss_mib, reset_peak, rusage_peak_mib
from bench.procstat import postgres_cpu_seconds
from bench.stats import Summary
from bench.table import Section

BATCH = 1_000
QUERIES = 100
ACTOR = "bench@quy"
COMMUNES = [
    FundConfig(
        code=code,
        name=f"Quỹ Bảo trợ trẻ em xã {name}",
        level="commune",
        commune_code=commune,
        payment_code_prefix=prefix,
        bank_accounts=[BankAccountConfig(key="AGRIBANK", bank_name=bank, number=number)],
    )
    for code, name, commune, prefix, bank, number in (
        ("TH-X14797", "Hoằng Hóa", "14797", "HH", "Agribank Hoằng Hóa", "3507.205.000.111"),
        ("TH-X15049", "Quảng Xương", "15049", "QX", "Agribank Quảng Xương", "3511.205.000.222"),
    )
]
AMOUNTS = (50_000, 100_000, 100_000, 200_000, 200_000, 300_000, 500_000, 500_000, 1_000_000)
APPEALS = [str(uuid.UUID(int=0xA11 << 64 | n)) for n in range(40)]
CAMPAIGNS = (
    ("Tháng hành động vì trẻ em", CampaignKind.ACTION_MONTH, True),
    ("Tết yêu thương", CampaignKind.TET, False),
    ("Một ngày lương vì trẻ em", CampaignKind.ONE_DAY_SALARY, False),
)
"""Opened in the province fund: (name, kind, restricted)."""
DONORS = 1_000


@dataclass(frozen=True)
class Parties:
    """The donors and campaigns the gifts name (created through the service layer)."""

    donors: list[uuid.UUID]
    campaigns: list[str]


def _gift(
    rng: random.Random, index: int, count: int, first_day: date, parties: Parties
) -> RecordDonation:
    """One realistic gift: 80 % province fund, 75 % unrestricted, 88 % by bank."""
    fund = "TH" if rng.random() < 0.8 else COMMUNES[rng.randrange(2)].code
    roll = rng.random()
    target: dict[str, Any] = {}
    if roll < 0.12:
        target = {"target_kind": "appeal", "target_id": rng.choice(APPEALS), "restricted": True}
    elif roll < 0.18 and fund == "TH":  # the campaign decides whether its gifts are earmarked
        target = {"target_kind": "campaign", "target_id": rng.choice(parties.campaigns)}
    elif roll < 0.22:
        target = {"target_kind": "sponsorship", "target_id": f"S-{rng.randrange(200)}"}
        target["restricted"] = True
    elif roll < 0.25:
        target = {"target_kind": "case", "target_id": f"C-{rng.randrange(300)}", "restricted": True}
    channel = rng.random()
    amount = rng.choice(AMOUNTS) if rng.random() < 0.85 else rng.randrange(10, 10_000) * 1_000
    common: dict[str, Any] = {
        "fund_code": fund,
        "amount": amount,
        "received_on": first_day + timedelta(days=index * 365 // count),
        "donor_id": rng.choice(parties.donors) if rng.random() < 0.4 else None,
        "anonymous": rng.random() < 0.1,
        **target,
    }
    if channel < 0.88:
        bank = "KBNN" if fund == "TH" and rng.random() < 0.2 else "AGRIBANK"
        donation_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        return RecordDonation(channel="bank", bank_account=bank, donation_id=donation_id, **common)
    if channel < 0.97:
        return RecordDonation(channel="cash", **common)
    return RecordDonation(
        channel="in_kind",
        in_kind_description="Sữa, sách vở",
        in_kind_quantity=Decimal(10),
        in_kind_unit="thùng",
        **common,
    )


def gifts(count: int, today: date, parties: Parties, seed: int = 2026) -> Iterator[RecordDonation]:
    """`count` gifts dated from a year ago to `today`, generated lazily (the same every run)."""
    rng = random.Random(seed)
    first_day = today - timedelta(days=364)
    for index in range(count):
        yield _gift(rng, index, count, first_day, parties)


@dataclass(frozen=True)
class PostRun:
    rate: float
    first_tenth_rate: float
    last_tenth_rate: float
    latency: Summary
    lock_waits: float
    """Mean number of connections waiting for a lock (row or advisory)."""
    waiting_for_client: float
    """Mean number of connections idle in a transaction: waiting for this process."""
    working: float
    """Mean number of connections running a statement (CPU, I/O, WAL flush)."""


@dataclass(frozen=True)
class DonationsScaleResult:
    count: int
    workers: int
    posting: PostRun
    insert_rate: float
    copy_rate: float
    balances_today: Summary
    balances_past: Summary
    balances_appeal: Summary
    balances_from_postings: Summary
    disbursement_check: Summary
    reversal: Summary
    cpu_ms_bench: float
    cpu_ms_postgres: float
    peak_rss_mib: float | None
    database_mib: float
    totals_exact: bool
    receipts_gap_free: bool
    wall_s: float


async def _timed(times: int, call: Callable[[], Awaitable[object]], warmup: int = 3) -> Summary:
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return Summary.of(samples)


class DonationsScale:
    def __init__(self, settings: DonationsSettings, dsn: str) -> None:
        self.runtime = build_runtime(settings)
        self.funds: list[Fund] = [f.ledger_fund() for f in settings.funds]
        self.province = self.funds[0]
        self.dsn = dsn

    async def open_parties(self) -> None:
        """Donors (persons, enterprises, units) and the province fund's campaigns."""
        kinds = (DonorKind.PERSON,) * 8 + (DonorKind.ENTERPRISE, DonorKind.UNIT)
        donors = [
            await create_donor(
                self.runtime.uow(),
                DonorFields(kind=kinds[n % len(kinds)], display_name=f"Nhà tài trợ {n}"),
                actor=ACTOR,
            )
            for n in range(DONORS)
        ]
        today = today_in_vietnam()
        campaigns = [
            await open_campaign(
                self.runtime.uow(),
                OpenCampaign(
                    fund_code="TH",
                    name=name,
                    kind=kind,
                    starts_on=today - timedelta(days=364),
                    ends_on=today,
                    restricted=restricted,
                ),
                actor=ACTOR,
            )
            for name, kind, restricted in CAMPAIGNS
        ]
        self.parties = Parties([d.id for d in donors], [str(c.id) for c in campaigns])

    async def post(self, count: int, workers: int, say: Callable[[str], None]) -> PostRun:
        """Post `count` gifts with `workers` concurrent tasks, sampling what the database
        connections are doing meanwhile."""
        source = gifts(count, today_in_vietnam(), self.parties)
        latencies: array.array[float] = array.array("d")
        stamps: array.array[float] = array.array("d")
        step = max(1, count // 10)

        async def worker() -> None:
            for command in source:
                started = time.perf_counter()
                await record_donation(self.runtime.uow(), command, funds=self.funds, actor=ACTOR)
                done = time.perf_counter()
                latencies.append((done - started) * 1000)
                stamps.append(done)
                if len(stamps) % step == 0:
                    say(f"  {len(stamps):,} gifts posted")

        samples: list[tuple[int, int, int]] = []
        sampler = asyncio.create_task(self._sample_sessions(samples))
        began = time.perf_counter()
        try:
            await asyncio.gather(*(worker() for _ in range(workers)))
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
        wall = time.perf_counter() - began
        tenth = max(1, count // 10)
        n = max(1, len(samples))
        return PostRun(
            rate=count / wall,
            first_tenth_rate=tenth / (stamps[tenth - 1] - began),
            last_tenth_rate=tenth / (stamps[-1] - stamps[-tenth - 1]) if count > tenth else 0,
            latency=Summary.of(latencies),
            lock_waits=sum(w for w, _, _ in samples) / n,
            waiting_for_client=sum(c for _, c, _ in samples) / n,
            working=sum(a for _, _, a in samples) / n,
        )

    async def _sample_sessions(self, samples: list[tuple[int, int, int]]) -> None:
        """Every 100 ms: backends waiting for a lock, idle in a transaction (waiting for this
        process), and active in PostgreSQL, until cancelled."""
        conn = await asyncpg.connect(self.dsn.replace("postgresql+asyncpg", "postgresql"))
        try:
            while True:
                row = await conn.fetchrow(SESSIONS)
                samples.append((row[0], row[1], row[2]))
                await asyncio.sleep(0.1)
        finally:
            await conn.close()

    async def reads(self) -> tuple[Summary, Summary, Summary, Summary]:
        """Balances as the API reads them, and the old sum over every posting."""
        fund, past = self.province, today_in_vietnam() - timedelta(days=180)
        appeal = Restriction(RestrictionKind.APPEAL, APPEALS[0])

        def balances(as_of: date | None, only: Restriction | None) -> Callable[[], Any]:
            return lambda: ledger_balances(
                self.runtime.uow(), fund=fund, as_of=as_of, restriction=only,
                unrestricted_only=False,
            )  # fmt: skip

        async def from_postings() -> None:
            async with self.runtime.engine.connect() as conn:
                await conn.exec_driver_sql(OLD_BALANCES, (fund.code,))

        return (
            await _timed(QUERIES, balances(None, None)),
            await _timed(QUERIES, balances(past, None)),
            await _timed(QUERIES, balances(None, appeal)),
            await _timed(5, from_postings, warmup=1),
        )

    async def disbursement_check(self) -> Summary:
        """Fund lock + `load_for(restriction, None)` + validation of a disbursement (no post)."""
        fund = self.province
        appeal = Restriction(RestrictionKind.APPEAL, APPEALS[1])

        async def check() -> None:
            async with self.runtime.uow() as uow:
                await uow.ledger.lock_fund(fund.code)
                ledger = await uow.ledger.load_for(fund, restrictions=[appeal, None])
                books.record_disbursement(
                    ledger, fund=fund.code, amount=1_000_000, purpose=Purpose.MEDICAL,
                    restriction=appeal, paid_from="112.AGRIBANK", date=today_in_vietnam(),
                    allow_unrestricted=True,
                )  # fmt: skip

        return await _timed(30, check)

    async def reversals(self) -> Summary:
        """Partial refunds of 1,000 đồng of recent province gifts, each its own transaction."""
        async with self.runtime.engine.connect() as conn:
            ids = (
                await conn.exec_driver_sql(
                    "SELECT id FROM donations WHERE fund_code = 'TH' "
                    "ORDER BY received_on DESC, receipt_number DESC LIMIT 33"
                )
            ).scalars()
        queue = iter(list(ids))

        async def refund() -> None:
            await reverse_donation(
                self.runtime.uow(), next(queue), amount=1_000, reason="Hoàn trả một phần",
                on=None, funds=self.funds, actor=ACTOR,
            )  # fmt: skip

        return await _timed(30, refund)

    async def checks(self, count: int) -> tuple[bool, bool, float]:
        """(day totals = postings summed, receipts 1..n per fund and year, database MiB)."""
        async with self.runtime.engine.connect() as conn:
            mismatches = (await conn.exec_driver_sql(TOTALS_VS_POSTINGS)).scalar_one()
            receipts = (await conn.exec_driver_sql(RECEIPTS)).all()
            size = (
                await conn.exec_driver_sql("SELECT pg_database_size(current_database())")
            ).scalar_one()
        issued = sum(n for n, _, _ in receipts)
        gap_free = issued == count and all(n == top == last for n, top, last in receipts)
        return mismatches == 0, gap_free, size / 2**20

    async def bare_baseline(self, count: int) -> tuple[float, float]:
        """Rows per second into a bare copy of `donations`: multi-row INSERT, then COPY."""
        conn = await asyncpg.connect(self.dsn.replace("postgresql+asyncpg", "postgresql"))
        try:
            await conn.execute(BARE_TABLE)
            insert = BARE_INSERT.format(
                ", ".join(BARE_COLUMNS),
                ", ".join(f"${i}::{t}[]" for i, t in enumerate(BARE_TYPES, start=1)),
            )
            started = time.perf_counter()
            for batch in _bare_batches(count, self.parties):
                await conn.execute(insert, *zip(*batch, strict=True))
            insert_rate = count / (time.perf_counter() - started)
            await conn.execute("TRUNCATE bare_donations")
            started = time.perf_counter()
            for batch in _bare_batches(count, self.parties):
                await conn.copy_records_to_table(
                    "bare_donations", records=batch, columns=BARE_COLUMNS
                )
            copy_rate = count / (time.perf_counter() - started)
        finally:
            await conn.close()
        return insert_rate, copy_rate


def _bare_batches(count: int, parties: Parties) -> Iterator[list[tuple[Any, ...]]]:
    """The donation rows of `gifts(count)`, as the service stores them, `BATCH` at a time."""
    now = datetime.now(UTC)
    batch: list[tuple[Any, ...]] = []
    for seq, g in enumerate(gifts(count, today_in_vietnam(), parties), start=1):
        account = {"bank": f"112.{g.bank_account}", "cash": "111", "in_kind": "152"}[g.channel]
        batch.append(
            (
                g.donation_id or uuid.uuid4(), g.fund_code, g.channel, account, g.amount,
                None, None, g.in_kind_description, g.in_kind_quantity, g.in_kind_unit,
                g.donor_id, g.anonymous, g.target_kind, g.target_id, g.restricted,
                g.received_on, f"{g.fund_code}-{g.received_on.year}-{seq:06d}", uuid.uuid4(),
                now, ACTOR,
            )
        )  # fmt: skip
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


BARE_TYPES = (
    "uuid", "text", "text", "text", "bigint", "text", "numeric", "text", "numeric", "text",
    "uuid", "boolean", "text", "text", "boolean", "date", "text", "uuid", "timestamptz", "text",
)  # fmt: skip
BARE_TABLE = "CREATE TABLE bare_donations (LIKE donations INCLUDING DEFAULTS, PRIMARY KEY (id))"
BARE_COLUMNS = (
    "id", "fund_code", "channel", "asset_account", "amount", "original_currency",
    "original_amount", "in_kind_description", "in_kind_quantity", "in_kind_unit", "donor_id",
    "anonymous", "target_kind", "target_id", "restricted", "received_on", "receipt_number",
    "entry_id", "created_at", "created_by",
)  # fmt: skip
BARE_INSERT = "INSERT INTO bare_donations ({}) SELECT * FROM unnest({})"
SESSIONS = """
    SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),
           count(*) FILTER (WHERE state = 'idle in transaction'),
           count(*) FILTER (WHERE state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock')
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend'"""
OLD_BALANCES = """
    SELECT p.account_code, p.restriction_kind, p.restriction_id, sum(p.debit), sum(p.credit)
    FROM postings p JOIN journal_entries e ON e.id = p.entry_id
    WHERE e.fund_code = $1
    GROUP BY p.account_code, p.restriction_kind, p.restriction_id"""
TOTALS_VS_POSTINGS = """
    WITH summed AS (
        SELECT e.fund_code, p.account_code, coalesce(p.restriction_kind, '') AS kind,
               coalesce(p.restriction_id, '') AS rid, e.entry_date AS day,
               sum(p.debit) AS debit, sum(p.credit) AS credit
        FROM postings p JOIN journal_entries e ON e.id = p.entry_id GROUP BY 1, 2, 3, 4, 5),
    in_all AS (
        SELECT fund_code, account_code, kind, rid, sum(debit), sum(credit) FROM summed
        GROUP BY 1, 2, 3, 4)
    SELECT (SELECT count(*) FROM (SELECT * FROM summed EXCEPT SELECT * FROM pot_day_totals) a)
         + (SELECT count(*) FROM (SELECT * FROM pot_day_totals EXCEPT SELECT * FROM summed) b)
         + (SELECT count(*) FROM (SELECT * FROM in_all EXCEPT SELECT * FROM pot_totals) c)
         + (SELECT count(*) FROM (SELECT * FROM pot_totals EXCEPT SELECT * FROM in_all) d)
         + (SELECT count(*) FROM (SELECT fund_code FROM pot_totals GROUP BY fund_code
                                  HAVING sum(debit) <> sum(credit)) e)"""
RECEIPTS = """
    SELECT count(*), max(split_part(d.receipt_number, '-', -1)::int), max(c.last_seq)
    FROM donations d JOIN receipt_counters c
      ON c.fund_code = d.fund_code AND c.year = extract(year FROM d.received_on)
    GROUP BY d.fund_code, c.year"""


async def measure_donations(
    *, postgres: PostgresDatabases, count: int, workers: int, say: Callable[[str], None]
) -> DonationsScaleResult:
    """Post `count` gifts, then time the baseline and the reads at that size."""
    began = time.perf_counter()
    url = await postgres.create(f"bench_donations_{uuid.uuid4().hex[:8]}")
    settings = DonationsSettings(
        database_url=url, funds=[THANH_HOA_PROVINCE_FUND, *COMMUNES], replay_on_start="never"
    )
    bench = DonationsScale(settings, url)
    try:
        await bench.runtime.migrate()
        await bench.open_parties()
        say(f"donations: {count:,} gifts through record_donation, {workers} concurrent tasks")
        reset_peak()
        cpu, pg = cpu_seconds(), postgres_cpu_seconds()
        posting = await bench.post(count, workers, say)
        cpu_ms = (cpu_seconds() - cpu) * 1000 / count
        pg_after = postgres_cpu_seconds()
        pg_ms = sum(v - pg.get(pid, 0.0) for pid, v in pg_after.items()) * 1000 / count
        peak = current_rss_mib()
        say("  analyze, then balances, disbursement checks and reversals at full size")
        async with bench.runtime.engine.connect() as conn:
            await conn.exec_driver_sql("ANALYZE")
        today, past, appeal, old = await bench.reads()
        check = await bench.disbursement_check()
        refunds = await bench.reversals()
        exact, gap_free, size = await bench.checks(count)
        say("  baseline: the same rows into a bare table (multi-row INSERT, then COPY)")
        insert_rate, copy_rate = await bench.bare_baseline(count)
    finally:
        await bench.runtime.engine.dispose()
    return DonationsScaleResult(
        count=count, workers=workers, posting=posting, insert_rate=insert_rate,
        copy_rate=copy_rate, balances_today=today,
        balances_past=past, balances_appeal=appeal, balances_from_postings=old,
        disbursement_check=check, reversal=refunds, cpu_ms_bench=cpu_ms, cpu_ms_postgres=pg_ms,
        peak_rss_mib=max(filter(None, (peak, rusage_peak_mib()))), database_mib=size,
        totals_exact=exact, receipts_gap_free=gap_free, wall_s=time.perf_counter() - began,
    )  # fmt: skip


def _pair(s: Summary) -> str:
    return f"{s.p50:,.1f} / {s.p99:,.1f} ms"


def donations_section(r: DonationsScaleResult) -> Section:
    s = Section(
        f"6. Donations ledger at scale — {r.count:,} gifts through record_donation into "
        f"PostgreSQL, {r.workers} concurrent tasks, each gift its own transaction"
    )
    p = r.posting
    s.add(
        "gifts posted / s",
        f"{p.rate:,.0f} /s",
        f"{r.insert_rate:,.0f} /s",
        f"×{p.rate / r.insert_rate:.3f} of a bare multi-row INSERT of the same rows "
        f"(1,000 a statement); COPY {r.copy_rate:,.0f} rows/s (×{p.rate / r.copy_rate:.3f})",
    )
    s.add(
        "  first / last tenth",
        f"{p.first_tenth_rate:,.0f} / {p.last_tenth_rate:,.0f} /s",
        "",
        "rate while the book was empty vs. at full size: posting does not read the book",
    )
    s.add("per-gift latency", _pair(p.latency), "", f"p50 / p99 (max {p.latency.max:,.1f} ms)")
    s.add(
        "connections: lock · client · work",
        f"{p.lock_waits:.1f} · {p.waiting_for_client:.1f} · {p.working:.1f}",
        "",
        f"mean of {r.workers} sampled every 100 ms: waiting for a lock (receipt counter, "
        "hot pot rows) · idle in transaction, waiting for this process · running a statement",
    )
    s.add(
        "CPU per gift",
        f"{r.cpu_ms_bench:.2f} + {r.cpu_ms_postgres:.2f} ms",
        "",
        "this process (service layer + driver) + every PostgreSQL server process of the "
        "machine (other clients' included)",
    )
    s.add(
        "balances as of today",
        _pair(r.balances_today),
        _pair(r.balances_from_postings),
        f"ledger_balances of the province fund from the pot totals; baseline: the old "
        f"SUM over every posting ({r.balances_from_postings.count} runs)",
    )
    s.add("balances as of 180 days ago", _pair(r.balances_past), "", "p50 / p99")
    s.add("balances of one appeal", _pair(r.balances_appeal), "", "p50 / p99")
    s.add(
        "disbursement check",
        _pair(r.disbursement_check),
        "",
        "fund lock + load_for(appeal, unrestricted) + record_disbursement validation",
    )
    s.add("reversal of a gift", _pair(r.reversal), "", "reverse_donation, its own transaction")
    s.add(
        "checks",
        "ok" if r.totals_exact and r.receipts_gap_free else "FAILED",
        "",
        f"day totals {'=' if r.totals_exact else '≠'} postings summed; receipt numbers "
        f"{'gap-free' if r.receipts_gap_free else 'NOT gap-free'} per fund and year; "
        f"database {r.database_mib:,.0f} MiB",
    )
    s.add(
        "peak RSS, bench process",
        "n/a" if r.peak_rss_mib is None else f"{r.peak_rss_mib:,.0f} MiB",
        "",
        f"phase took {r.wall_s:,.0f} s",
    )
    return s


DONATIONS_METHOD = """\
* Donations (section 6): the donations runtime in the bench process (engine pool 10 + 10,
  migrations, unit of work, outbox writer; no broker, no relay) on a throw-away database;
  {workers} tasks call record_donation (the operation reconciliation calls) in turn, each
  gift one transaction with its receipt number and outbox row. First {donors:,} donors and 3
  campaigns of the province fund (one earmarks its gifts) are created through the service
  layer. Gifts: 80 % province fund, 20 % two commune funds; 75 % unrestricted, the rest for
  40 appeals, the campaigns, 200 sponsorships, 300 cases; 40 % name a donor; 88 % bank
  (with a donation id), 9 % cash, 3 % in kind; dated over the past year in order.
  Baseline: the donation rows alone into a bare table (same columns, primary key only).
  Reads are timed one after another after ANALYZE.
"""


def donations_method(r: DonationsScaleResult) -> str:
    return DONATIONS_METHOD.format(workers=r.workers, donors=DONORS)
