"""Which reader serves the public statement searches of an app, and the JSON they answer.

The bootstrap gives the app its reader (`build_statement_reader`): on PostgreSQL the
in-memory word index (`adapters.statement_index_reader`, unless `statement_index` is off),
which reads pages on the reader's own pool (`adapters.statement_reader`), behind the page
cache unless
`statement_cache_ttl_s` is 0 (the cache asks the database for new lines once per
`statement_cache_check_ms`, not at every search); elsewhere a unit of work. An app assembled
without the bootstrap (tests of the routers) searches in units of work of its runtime.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import orjson
from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Gauge

from baotro_reporting.adapters.statement_cache import CachedStatementReader
from baotro_reporting.adapters.statement_index_reader import IndexedStatementReader
from baotro_reporting.adapters.statement_reader import (
    PostgresStatementReader,
    StatementReader,
    Version,
)
from baotro_reporting.domain.statement import StatementPage, StatementQuery
from baotro_reporting.entrypoints.statement_csv import KIND_LABELS
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_reporting.settings import ReportingSettings
from baotro_shared.db import is_sqlite


class SessionStatementReader:
    """Searches in a unit of work (SQLite, or an app without the bootstrap's reader)."""

    def __init__(self, uow: Callable[[], ReportingUnitOfWork]) -> None:
        self._uow = uow

    async def search(self, query: StatementQuery) -> StatementPage:
        async with self._uow() as uow:
            return await uow.statement.search(query)

    def key(self, query: StatementQuery) -> Hashable:
        return query

    async def version(self) -> Version:
        async with self._uow() as uow:
            return await uow.statement.version()

    def start(self) -> None:
        """Nothing to prepare."""

    def forget(self) -> None:
        """Nothing kept: every search runs in a unit of work."""

    async def close(self) -> None:
        return None


def build_statement_reader(
    settings: ReportingSettings,
    uow: Callable[[], ReportingUnitOfWork],
    registry: CollectorRegistry | None = None,
) -> StatementReader:
    if is_sqlite(settings.database_url):
        return SessionStatementReader(uow)
    reader: StatementReader = PostgresStatementReader(settings.database_url)
    if settings.statement_index:
        indexed = IndexedStatementReader(
            PostgresStatementReader(settings.database_url),
            check_interval_s=settings.statement_cache_check_ms / 1000,
            max_added=settings.statement_index_max_added,
            names_max_age_s=settings.statement_names_max_age_s,
        )
        if registry is not None:
            lines = Gauge(
                "reporting_statement_index_lines",
                "Lines in this process's in-memory statement word index (0: being built)",
                registry=registry,
            )
            lines.set_function(lambda: indexed.indexed_lines)
        reader = indexed
    if settings.statement_cache_ttl_s <= 0:
        return reader
    return CachedStatementReader(
        reader,
        ttl_s=settings.statement_cache_ttl_s,
        check_interval_s=settings.statement_cache_check_ms / 1000,
        max_bytes=int(settings.statement_cache_max_mib * 1024 * 1024),
    )


def statement_reader(request: Request) -> StatementReader:
    """The app's reader (made on first use when the bootstrap gave it none)."""
    app: FastAPI = request.app
    reader: StatementReader | None = getattr(app.state, "statement_reader", None)
    if reader is None:
        reader = SessionStatementReader(app.state.runtime.uow)
        app.state.statement_reader = reader
    return reader


def page_json(result: StatementPage) -> bytes:
    """`StatementPagePublic` as UTF-8 JSON, written directly (the model only documents it)
    by orjson: the standard library's encoder took a tenth of a search's CPU (profiled)."""
    body = {
        "items": [
            {
                "date": line.on.isoformat(),
                "kind": line.kind,
                "kind_label": KIND_LABELS.get(line.kind, line.kind),
                "name": line.name,
                "amount": line.amount,
                "purpose": line.purpose,
                "memo": line.memo,
            }
            for line in result.lines
        ],
        "page": result.page,
        "size": result.size,
        "total": result.total,
        "total_is_exact": result.total_is_exact,
        "has_next": result.has_next,
    }
    return orjson.dumps(body)


def _parameter(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


STATEMENT_PARAMETERS: dict[str, Any] = {
    "parameters": [
        _parameter("q", "tên hoặc nội dung, có dấu hay không"),
        _parameter("min", "số tiền từ (đồng)"),
        _parameter("max", "số tiền đến (đồng)"),
        _parameter("from", "từ ngày: YYYY-MM-DD hoặc dd/mm/yyyy"),
        _parameter("to", "đến ngày: YYYY-MM-DD hoặc dd/mm/yyyy"),
        _parameter("kind", "in (thu) | out (chi)"),
        _parameter("page", "trang, từ 1"),
        _parameter("size", "số dòng mỗi trang (1–100)"),
    ]
}
"""The query parameters as OpenAPI shows them: the routes read them from the request
themselves (`statement_form`), which costs a fraction of FastAPI's parameter handling."""
