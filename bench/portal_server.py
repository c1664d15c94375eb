"""The reporting service as figure 7 serves it: uvicorn with N worker processes.

`python -m baotro_reporting` runs one process (`baotro_shared.serve`); on 2 cores one
Python process serves at most one core's worth of pages. The bench starts
`uvicorn bench.portal_server:app --factory --workers N`, and this factory sets each worker up
the way `serve` does (logs, traces) before building the same app.
"""

from __future__ import annotations

import asyncio
import os
import sys

from fastapi import FastAPI

from baotro_reporting.bootstrap import create_app
from baotro_reporting.settings import ReportingSettings
from baotro_shared.observability.logging import configure_logging
from baotro_shared.observability.tracing import configure_tracing, instrument_clients


def app() -> FastAPI:
    """One worker's app (uvicorn calls this in each worker process)."""
    settings = ReportingSettings()
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    configure_tracing(service=settings.service_name, otlp_endpoint=settings.otlp_endpoint)
    instrument_clients()
    return create_app(settings)


async def start_server(port: int, workers: int, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`workers` uvicorn workers on `port` (uvloop, httptools, no access log)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        "bench.portal_server:app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
