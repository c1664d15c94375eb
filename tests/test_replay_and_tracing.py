"""Broker restarted empty → replay; read models rebuilt from zero; one trace across services."""

from __future__ import annotations

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from baotro_shared.broker_process import BrokerProcess
from baotro_shared.testing.harness import ServiceHarness
from baotro_shared.testing.plugin import eventually

from flow import Headers, open_case, stats, wait_for_open_total


async def test_broker_restarted_empty_replay_restores_the_same_numbers(
    services: ServiceHarness, auth_header: Headers, broker: BrokerProcess
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting")
    admin = auth_header("fund_admin")
    for commune, groups in [("14797", ["a"]), ("14797", ["d", "n"]), ("16522", ["b"])]:
        await open_case(registry, admin, commune, groups)
    before = await wait_for_open_total(reporting, admin, 3)

    # `make run` stopped and started again: the bundled broker comes back empty
    await services.stop("registry")
    await services.stop("reporting")
    broker.restart_empty()
    registry = await services.start("registry")
    reporting = await services.start("reporting")

    async def replayed() -> bool:
        outbox = registry.runtime.tables.outbox
        async with registry.runtime.sessions() as session:
            rows = (await session.execute(outbox.select())).mappings().all()
        return all(r["publish_count"] == 2 for r in rows)

    await eventually(replayed, message="registry did not re-publish its outbox on start")
    await open_case(registry, admin, "16522", ["c"])
    after = await wait_for_open_total(reporting, admin, 4)
    assert after["by_commune"] == {"14797": 2, "16522": 2}
    assert {k: v for k, v in after["by_group"].items() if k != "c"} == before["by_group"]

    # drop the read models and rebuild them from registry's event log
    reset = await reporting.client.post("/v1/admin/read-models/reset", headers=admin)
    assert reset.status_code == 200
    assert (await stats(reporting, admin))["open_total"] == 0
    replay = await registry.client.post("/v1/admin/replay", json={}, headers=admin)
    assert replay.json() == {"scheduled": 4}
    rebuilt = await wait_for_open_total(reporting, admin, 4)
    assert rebuilt == after


async def test_one_trace_from_the_registry_request_to_the_reporting_consumer(
    services: ServiceHarness, auth_header: Headers, span_exporter: InMemorySpanExporter
) -> None:
    registry = await services.start("registry")
    reporting = await services.start("reporting")
    admin = auth_header("fund_admin")
    span_exporter.clear()
    case = await open_case(registry, admin, "14797", ["a"])
    await wait_for_open_total(reporting, admin, 1)

    def finished() -> list[ReadableSpan]:
        return list(span_exporter.get_finished_spans())

    async def consumer_span_of_this_case() -> list[ReadableSpan]:
        return [
            s
            for s in finished()
            if s.kind == SpanKind.CONSUMER
            and s.name == "case.opened process"
            and s.attributes is not None
            and s.attributes.get("messaging.kafka.message.key") == case["id"]
        ]

    [consumer_span] = await eventually(consumer_span_of_this_case, message="no consumer span")
    trace_id = consumer_span.context.trace_id
    same_trace = [s for s in finished() if s.context.trace_id == trace_id]
    assert any(s.kind == SpanKind.SERVER and s.name == "POST /v1/cases" for s in same_trace), (
        "the consumer span is not in the trace of the registry request"
    )
    assert any(s.attributes and s.attributes.get("db.system") for s in same_trace), (
        "SQLAlchemy spans should join the same trace"
    )
