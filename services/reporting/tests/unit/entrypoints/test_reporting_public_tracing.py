"""The public pages get no server span when no span is exported; every other route keeps it."""

from __future__ import annotations

import pytest
from opentelemetry.util.http import parse_excluded_urls

from baotro_reporting.bootstrap import DIRECT_ROUTES, PUBLIC_PAGES, create_app
from baotro_reporting.settings import ReportingSettings
from baotro_shared.observability.tracing import untraced_urls

UNTRACED = parse_excluded_urls(untraced_urls(PUBLIC_PAGES))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8004/",
        "http://portal.example.vn/ung-ho",
        "https://portal.example.vn/sao-ke",
        "http://127.0.0.1:8004/v1/public/statement",
        "http://127.0.0.1:8004/healthz",
    ],
)
def test_public_pages_and_probes_are_not_traced(url: str) -> None:
    assert UNTRACED.url_disabled(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8004/sao-ke.csv",
        "http://127.0.0.1:8004/v1/public/statement.csv",
        "http://127.0.0.1:8004/bao-cao/3f0c.pdf",
        "http://127.0.0.1:8004/v1/news",
        "http://127.0.0.1:8004/v1/reports",
        "http://127.0.0.1:8004/ung-ho/extra",
    ],
)
def test_other_routes_keep_their_spans(url: str) -> None:
    assert not UNTRACED.url_disabled(url)


def test_the_searches_answered_directly_are_untraced_pages() -> None:
    """`DirectRoutes` answers ahead of the tracing middleware: only pages without spans."""
    assert set(DIRECT_ROUTES) <= set(PUBLIC_PAGES)


def test_fastapi_still_sees_the_tracing_middleware_beneath_the_direct_routes() -> None:
    """FastAPI traces every request itself unless it finds the tracing middleware down the
    chain of `app`s of its middleware stack (profiled: a tenth of a search's CPU)."""
    app = create_app(ReportingSettings(database_url="sqlite+aiosqlite:///:memory:"))
    stack: object = app.build_middleware_stack()
    found = []
    while stack is not None:
        found.append(type(stack).__name__)
        stack = getattr(stack, "app", None)

    assert found[0] == "DirectRoutes"
    assert "OpenTelemetryMiddleware" in found
