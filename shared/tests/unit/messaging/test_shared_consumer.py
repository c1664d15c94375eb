"""The idempotent consumer: parsing, retries, dead letters and redrive (SQLite in memory)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.registry import CaseClosed, CaseOpened
from baotro_shared.events.envelope import Envelope
from baotro_shared.messaging.consumer import EventConsumer, PoisonMessageError, RetryPolicy
from baotro_shared.messaging.outbox import OutboxWriter
from baotro_shared.messaging.tables import MessagingTables, messaging_tables
from baotro_shared.observability.metrics import build_metrics
from baotro_shared.testing.records import consumer_record
from baotro_shared.uow import UnitOfWork

CATALOGUE = load_contracts()
CONSUMER = "baotro.tests"
NO_WAIT = RetryPolicy(max_attempts=3, backoff_initial_s=0.0, backoff_max_s=0.0)


def test_retry_delay_doubles_from_the_initial_backoff() -> None:
    policy = RetryPolicy(max_attempts=5, backoff_initial_s=0.2, backoff_max_s=10.0)

    assert [policy.delay(a) for a in (1, 2, 3, 4)] == pytest.approx([0.2, 0.4, 0.8, 1.6])


def test_retry_delay_is_capped() -> None:
    policy = RetryPolicy(max_attempts=50, backoff_initial_s=0.5, backoff_max_s=3.0)

    delays = [policy.delay(a) for a in range(1, 40)]

    assert max(delays) == 3.0
    assert delays == sorted(delays)
    assert policy.delay(1000) == 3.0


def test_retry_policy_defaults() -> None:
    assert RetryPolicy() == RetryPolicy(max_attempts=5, backoff_initial_s=0.2, backoff_max_s=10.0)


def _case_opened(**overrides: Any) -> CaseOpened:
    values: dict[str, Any] = {
        "case_id": uuid.uuid4(),
        "commune_code": "14797",
        "province_code": "38",
        "groups": ("a",),
        "opened_at": datetime(2025, 7, 1, tzinfo=UTC),
        "opened_by_role": "case_worker",
    }
    values.update(overrides)
    return CaseOpened(**values)


def _record(
    value: bytes, *, topic: str = "case.opened", offset: int = 0
) -> ConsumerRecord[bytes, bytes]:
    return consumer_record(value, topic=topic, offset=offset)


def _wire(data: CaseOpened) -> bytes:
    return CATALOGUE.envelope(data, source="/baotro/registry").to_json_bytes()


@dataclass
class RecordingHandler:
    """Applies events; fails the first `failures` calls (all of them when negative)."""

    failures: int = 0
    calls: int = 0
    applied: list[CaseOpened] = field(default_factory=list)

    async def __call__(self, uow: UnitOfWork, data: CaseOpened, envelope: Envelope) -> None:
        self.calls += 1
        if self.failures < 0 or self.calls <= self.failures:
            raise RuntimeError(f"handler failed on call {self.calls}")
        self.applied.append(data)


@dataclass
class Rig:
    sessions: async_sessionmaker[AsyncSession]
    tables: MessagingTables
    handler: RecordingHandler
    consumer: EventConsumer[UnitOfWork]

    async def rows(self, table: str) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            result = await session.execute(select(getattr(self.tables, table)))
            return [dict(r) for r in result.mappings().all()]

    def processed(self, outcome: str) -> float:
        value = self.consumer._metrics.registry.get_sample_value(
            "baotro_consumer_processed_total", {"type": "case.opened", "outcome": outcome}
        )
        return value or 0.0


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    metadata = MetaData()
    tables = messaging_tables(metadata)
    engine = create_async_engine("sqlite+aiosqlite://", poolclass=StaticPool)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    outbox = OutboxWriter(tables, CATALOGUE, "/baotro/tests")
    handler = RecordingHandler()

    def refuse_to_connect(topics: list[str]) -> Any:
        raise AssertionError("unit tests never connect to a broker")

    consumer: EventConsumer[UnitOfWork] = EventConsumer(
        name=CONSUMER,
        handlers={"case.opened": handler},
        uow_factory=lambda: UnitOfWork(sessions, outbox),
        catalogue=CATALOGUE,
        tables=tables,
        outbox=outbox,
        metrics=build_metrics(),
        retry=NO_WAIT,
        consumer_factory=refuse_to_connect,
    )
    yield Rig(sessions, tables, handler, consumer)
    await engine.dispose()


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json at all", b"\x00\xff", b"[1, 2]", b'{"type": "case.opened"}'],
    ids=["empty", "text", "binary", "array", "incomplete"],
)
def test_parse_of_a_non_envelope_is_a_poison_message(rig: Rig, raw: bytes) -> None:
    with pytest.raises(PoisonMessageError, match="not a valid CloudEvents envelope"):
        rig.consumer._parse(raw)


def test_parse_of_an_event_type_without_handler_is_a_poison_message(rig: Rig) -> None:
    raw = json.loads(_wire(_case_opened()))
    raw["type"] = "donation.received"

    with pytest.raises(PoisonMessageError, match=r"no handler for event type 'donation\.received'"):
        rig.consumer._parse(json.dumps(raw).encode())


def test_parse_returns_the_envelope_of_a_handled_type(rig: Rig) -> None:
    data = _case_opened()

    envelope = rig.consumer._parse(_wire(data))

    assert envelope.type == "case.opened"
    assert envelope.subject == str(data.case_id)


def test_topics_are_those_of_the_handlers(rig: Rig) -> None:
    assert rig.consumer.topics == ["case.opened"]


async def test_applies_an_event_once_even_when_delivered_twice(rig: Rig) -> None:
    data = _case_opened()
    raw = _wire(data)

    await rig.consumer.process(_record(raw, offset=0))
    await rig.consumer.process(_record(raw, offset=1))

    assert rig.handler.applied == [data]
    [inbox] = await rig.rows("inbox")
    assert inbox["consumer"] == CONSUMER
    assert inbox["event_id"] == Envelope.from_json_bytes(raw).id
    assert rig.processed("handled") == 1
    assert rig.processed("duplicate") == 1
    assert await rig.rows("dead_letters") == []


async def test_poison_message_is_dead_lettered_at_once_without_retries(rig: Rig) -> None:
    await rig.consumer.process(_record(b"not an envelope", offset=42))

    assert rig.handler.calls == 0
    [dead] = await rig.rows("dead_letters")
    assert dead["consumer"] == CONSUMER
    assert dead["attempts"] == 1
    assert dead["status"] == "dead"
    assert (dead["topic"], dead["partition"], dead["offset"]) == ("case.opened", 1, 42)
    assert dead["payload"] == b"not an envelope"
    assert dead["error"].startswith("PoisonMessageError")
    [dlq] = await rig.rows("outbox")
    assert dlq["topic"] == "case.opened.dlq"
    assert dlq["payload"] == b"not an envelope"
    assert dlq["key"] == "key-1"
    assert dlq["headers"]["baotro-consumer"] == CONSUMER
    assert dlq["headers"]["baotro-original-offset"] == "42"
    assert dlq["headers"]["baotro-error"].startswith("PoisonMessageError")


async def test_the_same_poison_message_twice_keeps_one_dead_letter(rig: Rig) -> None:
    await rig.consumer.process(_record(b"garbage", offset=3))
    await rig.consumer.process(_record(b"garbage", offset=3))

    [dead] = await rig.rows("dead_letters")
    assert dead["attempts"] == 2
    assert len(await rig.rows("outbox")) == 2


async def test_payload_that_breaks_its_contract_is_a_poison_message(rig: Rig) -> None:
    wire = json.loads(_wire(_case_opened()))
    wire["data"]["groups"] = []

    await rig.consumer.process(_record(json.dumps(wire).encode()))

    assert rig.handler.calls == 0
    [dead] = await rig.rows("dead_letters")
    assert dead["attempts"] == 1
    assert dead["event_id"] == wire["id"]
    assert "does not match its contract" in dead["error"]


async def test_failing_handler_is_retried_then_dead_lettered(rig: Rig) -> None:
    rig.handler.failures = -1
    raw = _wire(_case_opened())

    await rig.consumer.process(_record(raw))

    assert rig.handler.calls == NO_WAIT.max_attempts
    [dead] = await rig.rows("dead_letters")
    assert dead["attempts"] == NO_WAIT.max_attempts
    assert dead["event_id"] == Envelope.from_json_bytes(raw).id
    assert "handler failed on call 3" in dead["error"]
    assert await rig.rows("inbox") == [], "a failed attempt must leave no inbox row"
    assert [r["topic"] for r in await rig.rows("outbox")] == ["case.opened.dlq"]


async def test_handler_that_fails_once_succeeds_on_retry(rig: Rig) -> None:
    rig.handler.failures = 1
    data = _case_opened()

    await rig.consumer.process(_record(_wire(data)))

    assert rig.handler.calls == 2
    assert rig.handler.applied == [data]
    assert await rig.rows("dead_letters") == []
    assert len(await rig.rows("inbox")) == 1


async def test_redrive_applies_dead_letters_once_the_handler_is_fixed(rig: Rig) -> None:
    rig.handler.failures = -1
    data = _case_opened()
    raw = _wire(data)
    await rig.consumer.process(_record(raw))
    await rig.consumer.process(_record(b"still garbage", offset=9))
    assert await rig.consumer.dead_letter_count() == 2

    rig.handler.failures = 0
    result = await rig.consumer.redrive()

    assert (result.redriven, result.still_failing) == (1, 1)
    assert rig.handler.applied == [data]
    assert await rig.consumer.dead_letter_count() == 1
    statuses = {r["payload"]: r["status"] for r in await rig.rows("dead_letters")}
    assert statuses == {raw: "redriven", b"still garbage": "dead"}


@dataclass
class SelectiveHandler:
    """Applies events, except those of the case ids in `refuse` (always fails on them)."""

    refuse: set[uuid.UUID] = field(default_factory=set)
    calls: int = 0

    async def __call__(self, uow: UnitOfWork, data: CaseOpened, envelope: Envelope) -> None:
        self.calls += 1
        if data.case_id in self.refuse:
            raise RuntimeError(f"cannot apply case {data.case_id}")


def _batch_consumer(
    rig: Rig,
    handler: SelectiveHandler,
    commits: list[int],
    *,
    batch_handlers: dict[str, Any] | None = None,
    handlers: dict[str, Any] | None = None,
) -> Any:
    class CountingUnitOfWork(UnitOfWork):
        async def commit(self) -> None:
            await super().commit()
            commits.append(1)

    outbox = OutboxWriter(rig.tables, CATALOGUE, "/baotro/tests")
    return EventConsumer(
        name=CONSUMER,
        handlers={"case.opened": handler, **(handlers or {})},
        uow_factory=lambda: CountingUnitOfWork(rig.sessions, outbox),
        catalogue=CATALOGUE,
        tables=rig.tables,
        outbox=outbox,
        metrics=build_metrics(),
        retry=NO_WAIT,
        consumer_factory=lambda topics: None,
        batch_handlers=batch_handlers,
    )


async def _inbox_ids(rig: Rig) -> set[str]:
    return {row["event_id"] for row in await rig.rows("inbox")}


async def test_a_batch_of_events_is_applied_in_one_transaction(rig: Rig) -> None:
    commits: list[int] = []
    consumer = _batch_consumer(rig, SelectiveHandler(), commits)
    raws = [_wire(_case_opened()) for _ in range(5)]

    await consumer.process_batch([_record(raw, offset=i) for i, raw in enumerate(raws)])

    assert len(commits) == 1
    assert await _inbox_ids(rig) == {Envelope.from_json_bytes(raw).id for raw in raws}


async def test_an_event_twice_in_one_batch_is_applied_once(rig: Rig) -> None:
    handler = SelectiveHandler()
    consumer = _batch_consumer(rig, handler, [])
    raw = _wire(_case_opened())

    await consumer.process_batch([_record(raw, offset=0), _record(raw, offset=1)])

    assert handler.calls == 1
    assert len(await rig.rows("inbox")) == 1


async def test_a_failing_event_leaves_the_rest_of_its_batch_applied(rig: Rig) -> None:
    commits: list[int] = []
    bad = _case_opened()
    handler = SelectiveHandler(refuse={bad.case_id})
    consumer = _batch_consumer(rig, handler, commits)
    good = [_wire(_case_opened()) for _ in range(3)]
    bad_raw = _wire(bad)
    raws = [good[0], bad_raw, *good[1:]]

    await consumer.process_batch([_record(raw, offset=i) for i, raw in enumerate(raws)])

    assert await _inbox_ids(rig) == {Envelope.from_json_bytes(raw).id for raw in good}
    [dead] = await rig.rows("dead_letters")
    assert dead["event_id"] == Envelope.from_json_bytes(bad_raw).id
    assert dead["offset"] == 1
    assert "cannot apply case" in dead["error"]
    assert dead["attempts"] == NO_WAIT.max_attempts


async def test_a_poison_message_in_a_batch_is_dead_lettered_alone(rig: Rig) -> None:
    consumer = _batch_consumer(rig, SelectiveHandler(), [])
    good = [_wire(_case_opened()) for _ in range(2)]
    records = [
        _record(good[0], offset=0),
        _record(b"garbage", offset=1),
        _record(good[1], offset=2),
    ]

    await consumer.process_batch(records)

    assert await _inbox_ids(rig) == {Envelope.from_json_bytes(raw).id for raw in good}
    [dead] = await rig.rows("dead_letters")
    assert dead["offset"] == 1
    assert dead["attempts"] == 1


@dataclass
class RunHandler:
    """Applies runs of events at once, writing down each run; fails when `fail` is set."""

    runs: list[list[str]] = field(default_factory=list)
    fail: bool = False

    async def __call__(self, uow: UnitOfWork, events: list[tuple[CaseOpened, Envelope]]) -> None:
        if self.fail:
            raise RuntimeError("cannot apply these cases")
        self.runs.append([envelope.id for _, envelope in events])


def _ids(raws: list[bytes]) -> list[str]:
    return [Envelope.from_json_bytes(raw).id for raw in raws]


async def test_a_run_of_one_type_goes_to_its_batch_handler_at_once(rig: Rig) -> None:
    commits: list[int] = []
    single, runs = SelectiveHandler(), RunHandler()
    consumer = _batch_consumer(rig, single, commits, batch_handlers={"case.opened": runs})
    raws = [_wire(_case_opened()) for _ in range(5)]

    await consumer.process_batch([_record(raw, offset=i) for i, raw in enumerate(raws)])

    assert runs.runs == [_ids(raws)]
    assert single.calls == 0
    assert len(commits) == 1
    assert await _inbox_ids(rig) == set(_ids(raws))


async def test_the_batch_handler_gets_only_events_not_applied_before(rig: Rig) -> None:
    single, runs = SelectiveHandler(), RunHandler()
    consumer = _batch_consumer(rig, single, [], batch_handlers={"case.opened": runs})
    old, new, twice = (_wire(_case_opened()) for _ in range(3))
    assert await consumer.handle(Envelope.from_json_bytes(old))

    batch = [old, new, twice, twice, old]
    await consumer.process_batch([_record(raw, offset=i) for i, raw in enumerate(batch)])

    assert runs.runs == [_ids([new, twice])]
    assert single.calls == 1  # `old`, alone
    assert len(await rig.rows("inbox")) == 3


async def test_other_types_between_runs_keep_the_order_of_the_partition(rig: Rig) -> None:
    order: list[str] = []

    class Runs(RunHandler):
        async def __call__(
            self, uow: UnitOfWork, events: list[tuple[CaseOpened, Envelope]]
        ) -> None:
            order.append(f"opened x{len(events)}")

    async def closed(uow: UnitOfWork, data: Any, envelope: Envelope) -> None:
        order.append("closed")

    consumer = _batch_consumer(
        rig,
        SelectiveHandler(),
        [],
        batch_handlers={"case.opened": Runs()},
        handlers={"case.closed": closed},
    )
    case = _case_opened()
    closing = CATALOGUE.envelope(
        CaseClosed(
            case_id=case.case_id,
            commune_code=case.commune_code,
            groups=case.groups,
            closed_at=datetime(2025, 8, 1, tzinfo=UTC),
            reason_code="adopted",
        ),
        source="/baotro/registry",
    ).to_json_bytes()
    batch = [
        _wire(case),
        _wire(_case_opened()),
        closing,
        _wire(_case_opened()),
        _wire(_case_opened()),
    ]

    await consumer.process_batch([_record(raw, offset=i) for i, raw in enumerate(batch)])

    assert order == ["opened x2", "closed", "opened x2"]
    assert len(await rig.rows("inbox")) == 5


async def test_a_failing_batch_handler_leaves_its_events_to_the_handler_one_by_one(
    rig: Rig,
) -> None:
    bad = _case_opened()
    single = SelectiveHandler(refuse={bad.case_id})
    consumer = _batch_consumer(
        rig, single, [], batch_handlers={"case.opened": RunHandler(fail=True)}
    )
    good = [_wire(_case_opened()) for _ in range(3)]

    batch = [*good, _wire(bad)]
    await consumer.process_batch([_record(raw, offset=i) for i, raw in enumerate(batch)])

    assert await _inbox_ids(rig) == set(_ids(good))
    [dead] = await rig.rows("dead_letters")
    assert dead["offset"] == 3


def test_a_batch_handler_needs_a_handler_for_one_event(rig: Rig) -> None:
    with pytest.raises(ValueError, match=r"case\.closed"):
        _batch_consumer(rig, SelectiveHandler(), [], batch_handlers={"case.closed": RunHandler()})
