"""Run a service: logs, traces, then uvicorn (Ctrl-C stops it cleanly); with `workers` > 1,
that many processes, each with its own listening socket on the port.

Uvicorn's own `--workers` share one socket: when many clients connect at once, the process
that wakes first accepts most of them, and with keep-alive it keeps them (seen: 36 of 50
connections on one of two processes, whose clients then waited two and a half times as
long). Each process here binds the port itself with SO_REUSEPORT, and the kernel spreads new
connections over the sockets by their addresses. The parent starts the processes, starts
again one that dies, and stops them all on SIGINT or SIGTERM.

Each response leaves in one write (`web.coalesced_http`), not uvicorn's two.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from collections.abc import Callable
from multiprocessing.context import SpawnProcess
from types import FrameType
from typing import TypeVar

import structlog
import uvicorn
from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE

from baotro_shared.db import is_sqlite
from baotro_shared.observability.logging import configure_logging
from baotro_shared.observability.tracing import configure_tracing, instrument_clients
from baotro_shared.settings import ServiceSettings
from baotro_shared.web.coalesced_http import CoalescedHttpToolsProtocol

S = TypeVar("S", bound=ServiceSettings)

log = structlog.get_logger()

RESTART_PAUSE_S = 1.0


def serve(settings: S, create_app: Callable[[S], FastAPI]) -> None:
    if settings.workers > 1 and is_sqlite(settings.database_url):
        raise SystemExit(
            f"{settings.service_name}: several server processes need PostgreSQL "
            "(a SQLite file takes one writer at a time); set the workers to 1."
        )
    if settings.workers > 1:
        _supervise(settings, create_app)
        return
    _observe(settings)
    _run(uvicorn.Server(uvicorn_config(create_app(settings), settings)), sockets=None)


def uvicorn_config(app: FastAPI, settings: ServiceSettings) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
        http=CoalescedHttpToolsProtocol,
    )


def _observe(settings: ServiceSettings) -> None:
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    configure_tracing(service=settings.service_name, otlp_endpoint=settings.otlp_endpoint)
    instrument_clients()


def _run(server: uvicorn.Server, sockets: list[socket.socket] | None) -> None:
    server.run(sockets=sockets)
    if not server.started:  # e.g. the port is taken: exit as `uvicorn.run` does
        sys.exit(STARTUP_FAILURE)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port` that other processes may bind too (SO_REUSEPORT)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(2048)
    sock.set_inheritable(False)
    return sock


def _worker(settings: S, create_app: Callable[[S], FastAPI]) -> None:
    """One server process: its own socket, the app, uvicorn (SIGTERM: a graceful stop)."""
    _observe(settings)
    sock = reuse_port_socket(settings.host, settings.port)
    _run(uvicorn.Server(uvicorn_config(create_app(settings), settings)), sockets=[sock])


def _supervise(settings: S, create_app: Callable[[S], FastAPI]) -> None:
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def stop(_signal: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    def start() -> SpawnProcess:
        process = spawn.Process(target=_worker, args=(settings, create_app), daemon=False)
        process.start()
        return process

    processes = [start() for _ in range(settings.workers)]
    log.info(
        "serve.workers.started",
        workers=settings.workers,
        pids=[p.pid for p in processes],
        port=settings.port,
    )
    while not stopping:
        time.sleep(0.2)
        for i, process in enumerate(processes):
            if not process.is_alive() and not stopping:
                log.warning("serve.worker.died", pid=process.pid, exitcode=process.exitcode)
                time.sleep(RESTART_PAUSE_S)
                processes[i] = start()
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(30)
        if process.is_alive():
            process.kill()
    log.info("serve.workers.stopped", workers=len(processes))
