"""A service's server over real TCP: each response arrives whole in the client's first read,
and kept-alive connections and streamed responses work as before."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from baotro_shared.broker_process import free_port
from baotro_shared.serve import uvicorn_config
from baotro_shared.settings import ServiceSettings
from baotro_shared.testing.plugin import eventually

pytestmark = pytest.mark.integration


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/lines")
    async def lines() -> dict[str, list[str]]:
        return {"lines": [f"Nhà hảo tâm {n}" for n in range(200)]}

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for n in range(5):
                yield f"{n};".encode()
                await asyncio.sleep(0.01)

        return StreamingResponse(chunks(), media_type="text/plain")

    return app


@pytest.fixture
async def port() -> AsyncIterator[int]:
    chosen = free_port()
    settings = ServiceSettings(host="127.0.0.1", port=chosen)
    server = uvicorn.Server(uvicorn_config(_app(), settings))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started, timeout=10, interval=0.01, message="test server down")
    yield chosen
    server.should_exit = True
    await task


def _first_read(port: int, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(f"GET {path} HTTP/1.1\r\nhost: fund\r\n\r\n".encode())
        return client.recv(1 << 20)


async def test_a_response_arrives_whole_in_the_first_read(port: int) -> None:
    for _ in range(20):
        first = await asyncio.to_thread(_first_read, port, "/lines")
        head, body = first.split(b"\r\n\r\n", 1)
        length = int(next(h for h in head.split(b"\r\n") if h.startswith(b"content-length"))[15:])
        assert len(body) == length > 4_000


async def test_kept_alive_connections_and_streams_work(port: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        for _ in range(5):
            answer = await http.get("/lines")
            assert answer.json()["lines"][199] == "Nhà hảo tâm 199"
        async with http.stream("GET", "/stream") as streamed:
            chunks = [chunk async for chunk in streamed.aiter_raw()]
    assert b"".join(chunks) == b"0;1;2;3;4;"
    assert len(chunks) > 1  # chunk by chunk, not held until the end
