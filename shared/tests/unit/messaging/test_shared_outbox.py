"""The outbox writer: events written many at once are written as one at a time would be."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.donations import DonationReceived
from baotro_shared.events.contracts.registry import CaseOpened
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.outbox import OutboxWriter
from baotro_shared.messaging.tables import MessagingTables, messaging_tables

CATALOGUE = load_contracts()


def _gift(**overrides: Any) -> DonationReceived:
    values: dict[str, Any] = {
        "donation_id": uuid.uuid4(),
        "fund_code": "TH",
        "amount": 150_000,
        "received_on": date(2024, 9, 3),
        "recorded_at": datetime(2024, 9, 3, 8, 0, tzinfo=UTC),
        "channel": "bank",
        "target_kind": "campaign",
        "target_id": str(uuid.uuid4()),
        "restricted": True,
        "receipt_number": "TH-2024-000001",
        "campaign_id": uuid.uuid4(),
        "public_memo": 'Ủng hộ đồng bào "bão Yagi"\\ \u0001 tab\there',
        "original_currency": "USD",
        "original_amount": "12.50",
    }
    values.update(overrides)
    return DonationReceived(**values)


def _case() -> CaseOpened:
    return CaseOpened(
        case_id=uuid.uuid4(), commune_code="14797", province_code="38", groups=("a", "d"),
        opened_at=datetime(2024, 9, 1, 7, 30, tzinfo=UTC), opened_by_role="case_worker",
    )  # fmt: skip


async def _written(events: list[EventData], *, many: bool) -> list[dict[str, Any]]:
    metadata = MetaData()
    tables: MessagingTables = messaging_tables(metadata)
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    writer = OutboxWriter(tables, CATALOGUE, "/baotro/donations")
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session:
        if many:
            envelopes = await writer.add_many(session, events)
        else:
            envelopes = [await writer.add(session, event) for event in events]
        await session.commit()
    async with sessions() as session:
        rows = await _rows(session, tables)
    await engine.dispose()
    assert list(envelopes[1:]) == [envelopes[i] for i in range(1, len(envelopes))]
    for row, envelope in zip(rows, envelopes, strict=True):
        assert row["event_id"] == envelope.id
        assert Envelope.from_json_bytes(row["payload"]) == envelope
    return rows


async def _rows(session: AsyncSession, tables: MessagingTables) -> list[dict[str, Any]]:
    result = await session.execute(select(tables.outbox).order_by(tables.outbox.c.id))
    return [dict(r) for r in result.mappings().all()]


def _same_but_id_and_time(row: dict[str, Any]) -> tuple[Any, ...]:
    wire = json.loads(row["payload"])
    assert wire.pop("id") == row["event_id"]
    wire.pop("time")
    return row["topic"], row["event_type"], row["key"], wire, row["headers"]


@pytest.mark.parametrize("traced", [False, True])
async def test_events_added_many_at_once_are_the_rows_added_one_by_one(traced: bool) -> None:
    events: list[EventData] = [_gift(), _gift(donor_id=uuid.uuid4(), public_memo=None), _case()]
    if traced:
        tracer = TracerProvider().get_tracer(__name__)
        with tracer.start_as_current_span("import"):
            one, many = await _written(events, many=False), await _written(events, many=True)
        assert all(json.loads(r["payload"])["traceparent"] for r in many)
    else:
        one, many = await _written(events, many=False), await _written(events, many=True)
    assert [_same_but_id_and_time(r) for r in many] == [_same_but_id_and_time(r) for r in one]
    # Byte for byte what the envelope writes, but the id and the time.
    for row in many:
        envelope = Envelope.from_json_bytes(row["payload"])
        assert row["payload"] == envelope.to_json_bytes()
    assert len({r["event_id"] for r in many}) == len(many)


async def test_an_event_that_is_not_its_types_model_is_refused_in_bulk() -> None:
    class Impostor(DonationReceived):
        pass

    with pytest.raises(TypeError):
        await _written([Impostor(**_gift().model_dump())], many=True)
