"""Run one service process: logs, traces, then uvicorn (Ctrl-C stops it cleanly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from baotro_shared.observability.logging import configure_logging
from baotro_shared.observability.tracing import configure_tracing, instrument_clients
from baotro_shared.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)


def serve(settings: S, create_app: Callable[[S], FastAPI]) -> None:
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    configure_tracing(service=settings.service_name, otlp_endpoint=settings.otlp_endpoint)
    instrument_clients()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
