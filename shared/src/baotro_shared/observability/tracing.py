"""OpenTelemetry: one tracer provider per process, instrumentation of FastAPI and SQLAlchemy."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased, Sampler


def configure_tracing(
    *,
    service: str,
    otlp_endpoint: str | None,
    exporter: SpanExporter | None = None,
    synchronous: bool = False,
) -> TracerProvider:
    """Install the global tracer provider once per process (a second call reuses it).

    Spans go to OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else nowhere (the trace
    ids still flow into logs and events). `synchronous` exports each span as it ends (tests).
    """

    def _processor(exp: SpanExporter) -> SpanProcessor:
        return SimpleSpanProcessor(exp) if synchronous else BatchSpanProcessor(exp)

    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        if exporter is not None:
            current.add_span_processor(_processor(exporter))
        return current
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"baotro-{service}"}),
        sampler=_sampler(exporting=bool(otlp_endpoint or exporter)),
    )
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if exporter is not None:
        provider.add_span_processor(_processor(exporter))
    trace.set_tracer_provider(provider)
    return provider


def instrument_app(app: FastAPI, untraced_paths: Sequence[str] = ()) -> None:
    """Server spans for the app's requests, except probes, metrics and `untraced_paths`
    (exact paths: e.g. public pages when no span is exported — the middleware then lets them
    through after one pattern match)."""
    FastAPIInstrumentor.instrument_app(app, excluded_urls=untraced_urls(untraced_paths))


def untraced_urls(paths: Sequence[str] = ()) -> str:
    """The excluded-URL patterns: probes, metrics, and each of `paths` anchored (the
    instrumentation matches them against `scheme://host/path`, without the query string)."""
    exact = (rf"^[a-z]+://[^/]+{re.escape(path)}$" for path in paths)
    return ",".join(("healthz", "readyz", "metrics", *exact))


def _sampler(*, exporting: bool) -> Sampler | None:
    """Record spans only when they go somewhere.

    Without an exporter, spans are sampled out: they still carry real trace and span ids (logs
    and the `traceparent` of events keep them), at a fraction of the cost. `OTEL_TRACES_SAMPLER`
    overrides this, as the SDK documents.
    """
    if os.environ.get("OTEL_TRACES_SAMPLER"):
        return None  # the SDK reads the environment
    return ParentBased(ALWAYS_ON if exporting else ALWAYS_OFF)


def instrument_clients() -> None:
    """SQLAlchemy and aiokafka client spans, once per process, before any engine is created.

    Instrumenting globally (not engine by engine) traces every engine of the process, also when
    several services share one process (tests, the benchmark).
    """
    from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor

    for instrumentor in (SQLAlchemyInstrumentor(), AIOKafkaInstrumentor()):
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument()
