"""Text with a NUL character is refused at the door (422, problem+json in Vietnamese) before
a handler sees it; the same text escaped, uploads and the raw-body paths go through."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, UploadFile

from baotro_shared.web.nul_guard import REFUSED, NulGuard
from baotro_shared.web.problems import PROBLEM_JSON

SEEN: list[Any] = []


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(NulGuard, raw_body_paths=("/raw/",))

    @app.post("/things")
    async def things(body: dict[str, Any]) -> dict[str, Any]:
        SEEN.append(body)
        return body

    @app.get("/things")
    async def search(q: str = "") -> dict[str, str]:
        SEEN.append(q)
        return {"q": q}

    @app.post("/upload")
    async def upload(file: UploadFile) -> dict[str, int]:
        return {"size": len(await file.read())}

    @app.post("/raw/hook")
    async def hook(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    SEEN.clear()
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


def _refused(response: httpx.Response) -> bool:
    return (
        response.status_code == 422
        and response.headers["content-type"] == PROBLEM_JSON
        and response.json()["detail"] == REFUSED
    )


@pytest.mark.parametrize(
    "body",
    [b'{"name": "Lan\\u0000"}', b'{"a\\u0000": 1}', b'{"name": "\\\\\\u0000"}', b'{"n": "\x00"}'],
)
async def test_a_json_body_with_a_nul_is_refused_before_the_handler(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(
        "/things", content=body, headers={"content-type": "application/json"}
    )

    assert _refused(response), response.text
    assert SEEN == []


async def test_the_text_backslash_u0000_is_not_a_nul(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"name": "C:\\u0000"})

    assert response.status_code == 200
    assert SEEN == [{"name": "C:\\u0000"}]


async def test_a_nul_in_the_query_or_path_is_refused(client: httpx.AsyncClient) -> None:
    assert _refused(await client.get("/things", params={"q": "a\x00b"}))
    assert _refused(await client.get("/th%00ings"))
    assert SEEN == []
    assert (await client.get("/things", params={"q": "an toàn"})).json() == {"q": "an toàn"}


async def test_a_url_encoded_form_with_a_nul_is_refused(client: httpx.AsyncClient) -> None:
    assert _refused(await client.post("/things", data={"name": "a\x00"}))


async def test_uploads_and_raw_body_paths_go_through(client: httpx.AsyncClient) -> None:
    sheet = b"PK\x03\x04\x00\x00binary"
    upload = await client.post("/upload", files={"file": ("s.xlsx", sheet)})
    hook = await client.post(
        "/raw/hook", content=b'{"x": "\\u0000"}', headers={"content-type": "application/json"}
    )

    assert upload.json() == {"size": len(sheet)}
    assert hook.json() == {"size": 15}


async def test_a_json_media_type_with_parameters_is_read_too(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things",
        content=b'{"name": "Lan\\u0000"}',
        headers={"content-type": "application/merge-patch+json; charset=utf-8"},
    )

    assert _refused(response), response.text
