"""The statement import on SQLite (what `make run` uses) as on PostgreSQL (COPY, the
server-split key look-up): the same slice of the real Vietcombank statement, with a
campaign's keyword rule and a known donor's account, comes out the same on both; the same
file again is all duplicates and writes nothing but its record; an overlapping slice brings
only its new lines."""

from __future__ import annotations

import uuid
from typing import Any

from services.donations.tests.integration.keyword_fund import (
    ACTOR,
    FUND,
    open_campaign_with_keyword_rule,
)
from sqlalchemy import text

from baotro_donations.bootstrap import build_runtime
from baotro_donations.domain.bank_memo import read_memo
from baotro_donations.domain.donors import DonorKind, KnownBankAccount
from baotro_donations.service_layer.bank_feed_handlers import ImportSummary, import_statement
from baotro_donations.service_layer.party_handlers import (
    DonorFields,
    create_donor,
)
from baotro_donations.settings import DonationsSettings
from baotro_shared.testing.postgres import PostgresDatabases
from baotro_shared.testing.shared_data import vietcombank_slice

TABLES = (
    "bank_transactions", "bank_transaction_keys", "donations", "journal_entries", "postings",
    "outbox",
)  # fmt: skip


_slice = vietcombank_slice


async def _imports(url: str) -> tuple[list[ImportSummary], dict[str, Any]]:
    """Set the fund up, import lines 1-1500, the same again, then lines 1001-2000."""
    settings = DonationsSettings(database_url=url, funds=[FUND], replay_on_start="never")
    runtime = build_runtime(settings)
    try:
        await runtime.migrate()
        await open_campaign_with_keyword_rule(runtime.uow, settings, "bao yagi")
        sender = next(
            facts
            for line in _slice(1, 300).decode().splitlines()[1:]
            if (facts := read_memo(line.split(",", 4)[-1], None)).sender_account
        )
        await create_donor(
            runtime.uow(),
            DonorFields(
                kind=DonorKind.PERSON, display_name=str(sender.payer_name).title(),
                bank_accounts=(KnownBankAccount(number=str(sender.sender_account)),),
            ),
            actor=ACTOR,
        )  # fmt: skip
        summaries = []
        for data in (_slice(1, 1500), _slice(1, 1500), _slice(1001, 2000)):
            summaries.append(
                await import_statement(
                    runtime.uow, data, settings=settings, account="VCB", actor=ACTOR
                )
            )
        async with runtime.engine.connect() as conn:
            counts = {
                table: (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
                for table in TABLES
            }
            received = "SELECT count(*) FROM outbox WHERE event_type = 'donation.received'"
            counts["donation.received"] = (await conn.execute(text(received))).scalar_one()
            statuses = await conn.execute(
                text("SELECT status, match_kind, count(*) FROM bank_transactions GROUP BY 1, 2")
            )
            counts["by status"] = sorted(tuple(row) for row in statuses)
    finally:
        await runtime.engine.dispose()
    return summaries, counts


def _outcome(summary: ImportSummary) -> tuple[int, ...]:
    s = summary
    return (
        s.lines, s.done_lines, s.imported, s.duplicates, s.matched, s.suggested, s.unmatched,
        s.ignored, len(s.rejected),
    )  # fmt: skip


async def test_statements_import_alike_on_sqlite_and_postgresql(
    postgres: PostgresDatabases, tmp_path: Any
) -> None:
    sqlite = await _imports(f"sqlite+aiosqlite:///{tmp_path / 'donations.db'}")
    url = await postgres.create(f"test_statement_db_{uuid.uuid4().hex[:8]}")
    postgresql = await _imports(url)

    (first, again, overlapping), counts = sqlite
    assert first.imported == 1500, first
    assert first.matched > 0, first
    assert (again.status, again.imported, again.duplicates) == ("done", 0, 1500)
    assert (again.matched, again.suggested, again.unmatched) == (0, 0, 0)
    assert (overlapping.imported, overlapping.duplicates) == (500, 500)
    assert counts["bank_transactions"] == 2000
    posted = first.matched + overlapping.matched
    assert counts["donations"] == counts["donation.received"] == posted
    assert [_outcome(s) for s in postgresql[0]] == [_outcome(s) for s in sqlite[0]]
    assert postgresql[1] == counts
