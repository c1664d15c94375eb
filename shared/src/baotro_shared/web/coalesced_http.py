"""Uvicorn's HTTP protocol with each response sent in one write.

Uvicorn writes a response's status line and headers, then its body, as two writes: two
`send` calls on the socket and, with TCP_NODELAY (uvloop's default), two segments that the
client reads apart. `CoalescedHttpToolsProtocol` gives each connection a transport that
holds what is written until the end of the event loop's turn and then writes it at once:
a whole small response goes out in one segment.

Nothing waits longer than the turn it was written in (the flush is `call_soon`): a
streamed response still goes out chunk by chunk as the app sends them. What is held reaches
`FLUSH_AT` bytes, it is written at once: a large response meets the socket's flow control
(uvicorn then waits for the client before sending more) as it did without the coalescing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

FLUSH_AT = 64 * 1024


class CoalescingTransport:
    """Writes made in one turn of the event loop, written to `transport` as one."""

    __slots__ = ("_held", "_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] | None = None
        self._held = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if self._pending is None:
            self._pending = []
            self._held = 0
            self._loop.call_soon(self.flush)
        chunk = bytes(data)
        self._pending.append(chunk)
        self._held += len(chunk)
        if self._held >= FLUSH_AT:
            self.flush()

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        pending, self._pending = self._pending, None
        if not pending or self._transport.is_closing():
            return
        self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def get_write_buffer_size(self) -> int:
        held = self._held if self._pending else 0
        return held + self._transport.get_write_buffer_size()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending = None
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescedHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` writing through a `CoalescingTransport`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        coalescing: Any = CoalescingTransport(transport, self.loop)
        super().connection_made(coalescing)
