"""Prometheus metrics of one service (own registry, so several services can share a process)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass(frozen=True)
class ServiceMetrics:
    registry: CollectorRegistry
    http_latency: Histogram
    outbox_backlog: Gauge
    outbox_published: Counter
    consumer_lag: Gauge
    consumer_processed: Counter
    consumer_failures: Counter
    dead_letters: Gauge


def build_metrics() -> ServiceMetrics:
    """Create the metrics of one service in a registry of its own."""
    registry = CollectorRegistry(auto_describe=True)
    return ServiceMetrics(
        registry=registry,
        http_latency=Histogram(
            "baotro_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            registry=registry,
        ),
        outbox_backlog=Gauge(
            "baotro_outbox_backlog", "Outbox rows not yet published", registry=registry
        ),
        outbox_published=Counter(
            "baotro_outbox_published_total",
            "Outbox rows published and acknowledged by the broker",
            ["topic"],
            registry=registry,
        ),
        consumer_lag=Gauge(
            "baotro_consumer_lag",
            "Messages behind the end of the partition",
            ["topic", "partition"],
            registry=registry,
        ),
        consumer_processed=Counter(
            "baotro_consumer_processed_total",
            "Events handled (or skipped as duplicates)",
            ["type", "outcome"],
            registry=registry,
        ),
        consumer_failures=Counter(
            "baotro_consumer_failures_total",
            "Handler attempts that raised",
            ["type"],
            registry=registry,
        ),
        dead_letters=Gauge(
            "baotro_dead_letters",
            "Dead letters waiting for a re-drive",
            registry=registry,
        ),
    )
