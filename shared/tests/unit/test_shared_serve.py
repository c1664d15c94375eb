"""Server processes each bind the port themselves, and the kernel spreads connections."""

from __future__ import annotations

import socket

import pytest
from fastapi import FastAPI

from baotro_shared.broker_process import free_port
from baotro_shared.serve import reuse_port_socket, serve
from baotro_shared.settings import ServiceSettings


def test_two_processes_sockets_share_the_port_and_both_get_connections() -> None:
    port = free_port()
    first, second = reuse_port_socket("127.0.0.1", port), reuse_port_socket("127.0.0.1", port)
    clients = []
    try:
        for _ in range(64):
            client = socket.create_connection(("127.0.0.1", port))
            clients.append(client)
        taken = []
        for listener in (first, second):
            listener.setblocking(False)
            count = 0
            while True:
                try:
                    conn, _ = listener.accept()
                except BlockingIOError:
                    break
                conn.close()
                count += 1
            taken.append(count)
    finally:
        for sock in (*clients, first, second):
            sock.close()

    assert sum(taken) == 64
    assert min(taken) >= 16  # spread by the kernel, not all to one socket


def test_workers_are_at_least_one() -> None:
    assert ServiceSettings().workers == 1
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        ServiceSettings(workers=0)


def test_several_processes_on_a_sqlite_file_are_refused_before_any_starts() -> None:
    settings = ServiceSettings(database_url="sqlite+aiosqlite:///var/x.db", workers=2)

    def never(_settings: ServiceSettings) -> FastAPI:
        raise AssertionError("no app is made")

    with pytest.raises(SystemExit, match="PostgreSQL"):
        serve(settings, never)
