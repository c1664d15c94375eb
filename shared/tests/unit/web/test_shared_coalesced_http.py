"""Each response leaves in one write; nothing written is lost, reordered or held past a turn."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from baotro_shared.web.coalesced_http import (
    FLUSH_AT,
    CoalescedHttpToolsProtocol,
    CoalescingTransport,
)


class RecordingTransport(asyncio.Transport):
    """What a protocol wrote, call by call."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        return None

    def resume_reading(self) -> None:
        return None


async def _turn() -> None:
    await asyncio.sleep(0)


async def test_writes_of_one_turn_leave_as_one_after_it() -> None:
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())

    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"")
    transport.write(memoryview(b"body"))
    assert inner.writes == []
    assert transport.get_write_buffer_size() == len(b"HTTP/1.1 200 OK\r\n\r\nbody")
    await _turn()

    assert inner.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
    transport.write(b"next")
    await _turn()
    assert inner.writes[1:] == [b"next"]


async def test_what_reaches_the_flush_size_is_written_at_once_for_flow_control() -> None:
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    half = b"x" * (FLUSH_AT // 2)

    transport.write(b"head")
    transport.write(half)
    assert inner.writes == []
    transport.write(half)  # now more than FLUSH_AT held: written without waiting
    assert inner.writes == [b"head" + half + half]
    transport.write(b"tail")
    assert transport.get_write_buffer_size() == 4
    await _turn()

    assert inner.writes[1:] == [b"tail"]


async def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    closed, aborted = RecordingTransport(), RecordingTransport()
    loop = asyncio.get_running_loop()
    first, second = CoalescingTransport(closed, loop), CoalescingTransport(aborted, loop)
    first.write(b"last words")
    first.close()
    second.write(b"never")
    second.abort()
    await _turn()

    assert (closed.writes, closed.closed) == ([b"last words"], True)
    assert (aborted.writes, aborted.aborted) == ([], True)


async def test_everything_else_is_the_transport_s() -> None:
    transport: Any = CoalescingTransport(RecordingTransport(), asyncio.get_running_loop())
    assert transport.get_extra_info("peername") == ("127.0.0.1", 50000)
    assert transport.is_closing() is False


async def _json(_request: Request) -> Response:
    return JSONResponse({"lines": ["Nguyễn Văn An"] * 3})


async def _chunks() -> Any:
    for chunk in (b"first;", b"second;", b"third"):
        yield chunk
        await asyncio.sleep(0)


async def _stream(_request: Request) -> Response:
    return StreamingResponse(_chunks(), media_type="text/plain")


APP = Starlette(routes=[Route("/json", _json), Route("/stream", _stream)])


async def _served(protocol_class: type[HttpToolsProtocol], path: str) -> list[bytes]:
    """The writes of `protocol_class` answering one GET of `path` on a kept-alive connection."""
    config = Config(APP, lifespan="off", access_log=False, log_config=None)
    config.load()
    transport = RecordingTransport()
    protocol = protocol_class(config, ServerState(), app_state={})
    protocol.connection_made(transport)
    protocol.data_received(f"GET {path} HTTP/1.1\r\nhost: fund\r\n\r\n".encode())
    for _ in range(100):
        if protocol.cycle is not None and protocol.cycle.response_complete:
            break
        await asyncio.sleep(0.01)
    await _turn()
    protocol.connection_lost(None)
    return transport.writes


async def test_a_response_leaves_in_one_write_where_uvicorn_makes_two() -> None:
    plain = await _served(HttpToolsProtocol, "/json")
    coalesced = await _served(CoalescedHttpToolsProtocol, "/json")

    assert len(plain) == 2  # status line and headers, then the body
    assert coalesced == [b"".join(plain)]
    assert coalesced[0].startswith(b"HTTP/1.1 200 OK\r\n")
    names = ",".join(['"Nguyễn Văn An"'] * 3)
    assert coalesced[0].endswith(f'{{"lines":[{names}]}}'.encode())


@pytest.mark.parametrize("protocol_class", [HttpToolsProtocol, CoalescedHttpToolsProtocol])
async def test_a_streamed_response_keeps_its_chunks_in_order(
    protocol_class: type[HttpToolsProtocol],
) -> None:
    sent = b"".join(await _served(protocol_class, "/stream"))

    head, body = sent.split(b"\r\n\r\n", 1)
    assert b"transfer-encoding: chunked" in head
    assert body == b"6\r\nfirst;\r\n7\r\nsecond;\r\n5\r\nthird\r\n0\r\n\r\n"
