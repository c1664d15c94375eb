"""Refusing text with a NUL character (U+0000) at the door: no person types one, PostgreSQL
cannot store one in a text column (it would fail the request with a server error half-way
through its handler), and it hides text from logs and screens.

A request is refused (422, problem+json in Vietnamese, nothing read further) when its path or
query holds one, or its body does: a JSON body (the ``\\u0000`` escape or the raw byte) or a
URL-encoded form. Other bodies (multipart uploads: a bank statement's XLSX holds NUL bytes by
nature) go through untouched.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baotro_shared.text import holds_nul
from baotro_shared.web.problems import problem_response

REFUSED = "Dữ liệu gửi lên chứa ký tự rỗng (NUL, mã 0), không phải văn bản hợp lệ: hãy bỏ ký tự đó."


class NulGuard:
    """ASGI middleware; see the module's docstring."""

    def __init__(self, app: ASGIApp, raw_body_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.raw_body_paths = raw_body_paths
        """Paths (prefixes) whose bodies go through unread: their endpoints keep the raw
        bytes of what they refuse, and refuse it themselves."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            await _refuse(scope, receive, send)
            return
        if scope["path"].startswith(self.raw_body_paths):
            await self.app(scope, receive, send)
            return
        kind = Headers(scope=scope).get("content-type", "").partition(";")[0].strip().lower()
        json = kind == "application/json" or kind.endswith("+json")
        if not (json or kind == "application/x-www-form-urlencoded"):
            await self.app(scope, receive, send)
            return
        body, closing = await _read_body(receive)
        if holds_nul(body, json=json):
            await _refuse(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return closing if closing is not None else await receive()

        await self.app(scope, replay, send)


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The whole body, and the disconnect that cut it short (if one did)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    response = problem_response(Request(scope), 422, REFUSED)
    await response(scope, receive, send)
