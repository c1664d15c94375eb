"""The ledger at scale on real PostgreSQL: posting reads only what validation needs.

Random sequences of donations (through the service layer), disbursements and transfers
(`load_for` + the pure operations, as the disbursement service does), and reversals (the
handler for gifts, `load_for` for the rest) are replayed on the whole in-memory `Ledger`: the
same operations are accepted, the same refused with the same message, and the balances read
back (as of every date), the money available in every pot, debits = credits, no pot below
zero and the day totals = the postings summed all agree. Then: a donation id recorded twice
posts once (also at the same moment), and the same code runs on SQLite, the laptop default.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from sqlalchemy import text

from baotro_donations.bootstrap import build_runtime
from baotro_donations.domain import ledger as books
from baotro_donations.domain.ledger import Ledger
from baotro_donations.domain.ledger_accounts import (
    AccountKind,
    Fund,
    LedgerRefusedError,
    Purpose,
    Restriction,
    RestrictionKind,
)
from baotro_donations.domain.ledger_entries import JournalEntry
from baotro_donations.service_layer.donation_handlers import (
    RecordDonation,
    ledger_balances,
    record_donation,
    reverse_donation,
)
from baotro_donations.service_layer.unit_of_work import DonationsUnitOfWork
from baotro_donations.settings import DonationsSettings
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.testing.harness import ServiceHarness

Runtime = ServiceRuntime[DonationsUnitOfWork]
APPEAL = Restriction(RestrictionKind.APPEAL, "A-7")
SPONSORSHIP = Restriction(RestrictionKind.SPONSORSHIP, "S-9")
RESTRICTIONS: tuple[Restriction | None, ...] = (None, APPEAL, SPONSORSHIP)
MONEY = ("111", "112.KBNN", "112.AGRIBANK")
START = date(2026, 1, 5)
TABLES = (
    "donations, postings, pot_day_totals, pot_totals, journal_entries, receipt_counters, outbox"
)

restrictions = st.sampled_from(RESTRICTIONS)
days = st.integers(0, 15).map(lambda n: START + timedelta(days=n))
amounts = st.one_of(st.integers(1, 30).map(lambda n: n * 100_000), st.integers(1, 3_000_000))
give = st.tuples(st.just("give"), restrictions, st.integers(0, 3), amounts, days)
spend = st.tuples(st.just("spend"), restrictions, st.integers(0, 2), amounts, days, st.booleans())
move = st.tuples(st.just("move"), restrictions, st.integers(0, 2), st.integers(1, 2), amounts, days)
undo = st.tuples(
    st.just("undo"),
    st.integers(0, 1_000),
    st.one_of(st.none(), st.integers(1, 130)),
    st.integers(-1, 5),
)
operations = st.lists(st.one_of(give, give, spend, spend, move, undo), min_size=4, max_size=18)


class Books:
    """The book in PostgreSQL, driven through the service layer and `load_for`, beside the
    whole in-memory `Ledger` the same operations are replayed on."""

    def __init__(self, runtime: Runtime, fund: Fund) -> None:
        self.runtime = runtime
        self.fund = fund
        self.full = Ledger.open([fund])
        self.donations: dict[uuid.UUID, uuid.UUID] = {}
        """entry id → donation id"""

    def _agree(self, expected: Any, got: Any) -> None:
        assert got == expected
        if isinstance(expected, JournalEntry):
            self.full = self.full.post(expected)
        if currently_in_test_context():
            event("refused" if isinstance(expected, tuple) else "accepted")

    async def give(
        self, restriction: Restriction | None, pick: int, amount: int, day: date
    ) -> None:
        account = (*MONEY, "152")[pick]
        donation_id = uuid.uuid4()
        expected = _decide(
            lambda: books.record_donation(
                self.full, fund=self.fund.code, amount=amount, asset_account=account,
                restriction=restriction, date=day, entry_id=donation_id,
            )
        )  # fmt: skip
        channel = {"111": "cash", "152": "in_kind"}.get(account, "bank")
        command = RecordDonation(
            fund_code=self.fund.code, channel=channel, amount=amount, received_on=day,  # type: ignore[arg-type]
            target_kind=restriction.kind.value if restriction else "general",
            target_id=restriction.id if restriction else None, restricted=restriction is not None,
            bank_account=account.removeprefix("112.") if channel == "bank" else None,
            in_kind_description="Sữa" if channel == "in_kind" else None,
            in_kind_quantity=Decimal(1) if channel == "in_kind" else None,
            donation_id=donation_id,
        )  # fmt: skip
        stored = await record_donation(
            self.runtime.uow(), command, funds=[self.fund], actor="ke-toan"
        )
        assert stored.entry_id == donation_id
        self.donations[donation_id] = stored.id
        self._agree(expected, await self._entry(donation_id))

    async def spend(
        self, restriction: Restriction | None, pick: int, amount: int, day: date, top_up: bool
    ) -> None:
        entry_id = uuid.uuid4()

        def operation(ledger: Ledger) -> JournalEntry:
            return books.record_disbursement(
                ledger, fund=self.fund.code, amount=amount, purpose=Purpose.MEDICAL,
                restriction=restriction, paid_from=MONEY[pick], date=day,
                allow_unrestricted=top_up, entry_id=entry_id,
            )  # fmt: skip

        await self._post(operation, restrictions=[restriction, None])

    async def move(
        self, restriction: Restriction | None, pick: int, shift: int, amount: int, day: date
    ) -> None:
        entry_id = uuid.uuid4()

        def operation(ledger: Ledger) -> JournalEntry:
            return books.record_transfer(
                ledger, fund=self.fund.code, amount=amount, from_account=MONEY[pick],
                to_account=MONEY[(pick + shift) % 3], restriction=restriction, date=day,
                entry_id=entry_id,
            )  # fmt: skip

        await self._post(operation, restrictions=[restriction])

    async def undo(self, index: int, share: int | None, delay: int) -> None:
        if not self.full.entries:
            return
        original = self.full.entries[index % len(self.full.entries)]
        amount = None if share is None else max(1, original.amount * share // 100)
        on = original.date + timedelta(days=delay)
        donation_id = self.donations.get(original.id)
        if donation_id is None:
            reversal_id = uuid.uuid4()

            def operation(ledger: Ledger) -> JournalEntry:
                return books.reverse(
                    ledger, entry_id=original.id, amount=amount, reason="Điều chỉnh",
                    date=on, reversal_id=reversal_id,
                )  # fmt: skip

            restricted = [line.restriction for line in original.lines]
            await self._post(operation, restrictions=restricted, entry_ids=[original.id])
            return
        try:
            result = await reverse_donation(
                self.runtime.uow(), donation_id, amount=amount, reason="Hoàn trả", on=on,
                funds=[self.fund], actor="ke-toan",
            )  # fmt: skip
        except LedgerRefusedError as refused:
            got: Any = ("refused", refused.status, refused.message)
            reversal_id = uuid.uuid4()
        else:
            reversal_id = result.reversal_id
            got = await self._entry(reversal_id)
        expected = _decide(
            lambda: books.reverse(
                self.full, entry_id=original.id, amount=amount, reason="Hoàn trả", date=on,
                reversal_id=reversal_id,
            )
        )  # fmt: skip
        self._agree(expected, got)

    async def _post(
        self,
        operation: Any,
        *,
        restrictions: list[Restriction | None],
        entry_ids: tuple[uuid.UUID, ...] | list[uuid.UUID] = (),
    ) -> None:
        """Decide with `load_for` under the fund lock, post when accepted (one transaction)."""
        expected = _decide(lambda: operation(self.full))
        async with self.runtime.uow() as uow:
            await uow.ledger.lock_fund(self.fund.code)
            partial = await uow.ledger.load_for(
                self.fund, restrictions=restrictions, entry_ids=entry_ids
            )
            got = _decide(lambda: operation(partial))
            if isinstance(got, JournalEntry):
                assert await uow.ledger.add_entry(got, created_at=_now(), created_by="ke-toan")
                await uow.commit()
        self._agree(expected, got)

    async def _entry(self, entry_id: uuid.UUID) -> JournalEntry:
        async with self.runtime.uow() as uow:
            whole = await uow.ledger.load(self.fund)
        return whole.entry(entry_id)

    async def check_everything(self) -> None:
        code = self.fund.code
        dates = sorted({e.date for e in self.full.entries})
        for as_of in (None, *dates):
            rows = await ledger_balances(
                self.runtime.uow(), fund=self.fund, as_of=as_of, restriction=None,
                unrestricted_only=False,
            )  # fmt: skip
            got = {(r.account_code, r.restriction): r.balance for r in rows}
            assert got == self.full.balances(code, as_of)
            assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
        async with self.runtime.uow() as uow:
            stored = Ledger(
                funds={code: self.fund}, entries=tuple((await uow.ledger.load(self.fund)).entries)
            )
            for restriction in RESTRICTIONS:
                partial = await uow.ledger.load_for(self.fund, restrictions=[restriction])
                for account in (*MONEY, "152"):
                    for on in (START - timedelta(days=1), *dates):
                        available = self.full.available(code, account, restriction, on)
                        assert partial.available(code, account, restriction, on) == available
        assert set(stored.entries) == set(self.full.entries)
        for day in dates:  # the balances read back are these: no pot below zero on any date
            for (account, _), amount in self.full.balances(code, day).items():
                assert self.fund.account(account).kind is not AccountKind.ASSET or amount >= 0
        async with self.runtime.engine.connect() as conn:
            assert (await conn.execute(text(TOTALS_VS_POSTINGS))).scalar_one() == 0


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


def _now() -> datetime:
    return datetime.now(UTC)


def _decide(make: Any) -> Any:
    try:
        entry: JournalEntry = make()
    except LedgerRefusedError as refused:
        return ("refused", refused.status, refused.message)
    return entry


async def _reset(runtime: Runtime) -> None:
    async with runtime.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {TABLES} CASCADE"))


async def _run(books_: Books, steps: list[tuple[Any, ...]]) -> None:
    for kind, *args in steps:
        await getattr(books_, kind)(*args)
    await books_.check_everything()


@pytest.fixture
async def runtime(services: ServiceHarness) -> Runtime:
    service = await services.start("donations")
    result: Runtime = service.runtime
    return result


def _fund(runtime: Runtime) -> Fund:
    settings: DonationsSettings = runtime.settings  # type: ignore[assignment]
    return settings.funds[0].ledger_fund()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
async def test_decisions_and_balances_through_load_for_equal_the_whole_book(
    runtime: Runtime, steps: list[tuple[Any, ...]]
) -> None:
    await _reset(runtime)
    book = Books(runtime, _fund(runtime))
    await _run(book, steps)


def _gift(fund: Fund, donation_id: uuid.UUID, amount: int = 500_000) -> RecordDonation:
    return RecordDonation(
        fund_code=fund.code,
        channel="bank",
        amount=amount,
        received_on=START,
        target_kind="appeal",
        target_id=APPEAL.id,
        restricted=True,
        bank_account="AGRIBANK",
        donation_id=donation_id,
    )


async def _count(runtime: Runtime, sql: str) -> int:
    async with runtime.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


async def test_a_donation_id_recorded_twice_posts_once_even_at_the_same_moment(
    runtime: Runtime,
) -> None:
    fund = _fund(runtime)
    record = record_donation
    first_id, second_id = uuid.uuid4(), uuid.uuid4()
    first = await record(runtime.uow(), _gift(fund, first_id), funds=[fund], actor="webhook")
    again = await record(runtime.uow(), _gift(fund, first_id), funds=[fund], actor="statement")
    assert again == first
    assert first.id == first.entry_id == first_id
    same_moment = await asyncio.gather(
        *(
            record(runtime.uow(), _gift(fund, second_id), funds=[fund], actor=f"import-{n}")
            for n in range(6)
        )
    )
    assert len({d.receipt_number for d in same_moment}) == 1
    assert {d.id for d in same_moment} == {second_id}

    assert await _count(runtime, "SELECT count(*) FROM donations") == 2
    assert await _count(runtime, "SELECT count(*) FROM journal_entries") == 2
    assert await _count(runtime, "SELECT last_seq FROM receipt_counters") == 2
    assert await _count(runtime, "SELECT count(*) FROM outbox") == 2
    rows = await ledger_balances(
        runtime.uow(), fund=fund, as_of=None, restriction=APPEAL, unrestricted_only=False
    )
    assert {r.account_code: r.balance for r in rows} == {
        "112.AGRIBANK": 1_000_000,
        "511": 1_000_000,
    }


async def test_a_donation_id_used_for_another_gift_is_refused_in_vietnamese(
    runtime: Runtime,
) -> None:
    fund = _fund(runtime)
    donation_id = uuid.uuid4()
    await record_donation(runtime.uow(), _gift(fund, donation_id), funds=[fund], actor="a")
    for other in (
        _gift(fund, donation_id, amount=600_000),
        RecordDonation(
            fund_code=fund.code, channel="bank", amount=500_000, received_on=START,
            bank_account="AGRIBANK", donation_id=donation_id,
        ),
    ):  # fmt: skip
        with pytest.raises(LedgerRefusedError) as refused:
            await record_donation(runtime.uow(), other, funds=[fund], actor="b")
        assert refused.value.status == 409
        assert "đã được ghi nhận cho một khoản khác" in refused.value.message
    assert await _count(runtime, "SELECT count(*) FROM journal_entries") == 1
    assert await _count(runtime, "SELECT last_seq FROM receipt_counters") == 1


async def test_a_gift_loads_nothing_of_the_book(runtime: Runtime) -> None:
    fund = _fund(runtime)
    await record_donation(runtime.uow(), _gift(fund, uuid.uuid4()), funds=[fund], actor="a")
    async with runtime.uow() as uow:
        assert (await uow.ledger.load_for(fund)).entries == ()
        assert len((await uow.ledger.load_for(fund, restrictions=[APPEAL])).entries) == 1


async def test_the_same_ledger_code_runs_on_sqlite(tmp_path: Path) -> None:
    settings = DonationsSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    sqlite = build_runtime(settings)
    try:
        await sqlite.migrate()
        book = Books(sqlite, settings.funds[0].ledger_fund())
        await _run(
            book,
            [
                ("give", APPEAL, 2, 2_000_000, START),
                ("give", None, 2, 700_000, START + timedelta(days=1)),
                ("spend", APPEAL, 2, 2_500_000, START + timedelta(days=2), True),
                ("spend", APPEAL, 2, 300_000, START, False),
                ("move", None, 2, 1, 100_000, START + timedelta(days=3)),
                ("undo", 0, 10, 4),
                ("undo", 2, None, 5),
            ],
        )
        # refused (the appeal's money is spent from the 7th on): the second disbursement and
        # refunding part of the appeal gift; the disbursement itself is reversed
        assert len(book.full.entries) == 5
        fund = book.fund
        gift = _gift(fund, uuid.uuid4())
        first = await record_donation(sqlite.uow(), gift, funds=[fund], actor="a")
        assert await record_donation(sqlite.uow(), gift, funds=[fund], actor="b") == first
    finally:
        await sqlite.engine.dispose()
