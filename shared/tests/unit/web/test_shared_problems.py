"""Every error leaves a service as RFC 9457 problem+json, in Vietnamese."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field, field_validator
from structlog.testing import capture_logs

from baotro_shared.web.problems import PROBLEM_JSON, ProblemError, install_problem_handlers


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    count: int
    code: str | None = Field(None, max_length=5)
    tags: list[str] = Field(default_factory=lambda: ["x"], min_length=1)

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value == "admin":
            raise ValueError("Tên này đã được dành riêng.")
        return value


class Search(BaseModel):
    query: str
    path: str


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def create(thing: Thing) -> Thing:
        return thing

    @app.get("/things")
    async def search(limit: int = 10) -> dict[str, int]:
        return {"limit": limit}

    @app.post("/searches")
    async def searches(search: Search) -> Search:
        return search

    @app.get("/colours")
    async def colours(colour: Colour | None = None) -> dict[str, str | None]:
        return {"colour": colour}

    @app.get("/conflict")
    async def conflict() -> None:
        raise ProblemError(
            409,
            "Hồ sơ đã tồn tại.",
            slug="duplicate-case",
            errors=[{"field": "case_id", "message": "đã tồn tại"}],
            headers={"Retry-After": "5"},
        )

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def _assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    problem: dict[str, object] = response.json()
    assert problem["status"] == status
    assert str(problem["type"]).startswith("https://baotro.vn/problems/")
    return problem


async def test_missing_fields_are_named_with_vietnamese_messages(
    client: httpx.AsyncClient,
) -> None:
    problem = _assert_problem(await client.post("/things", json={}), 422)

    assert problem["title"] == "Dữ liệu không hợp lệ"
    assert problem["type"] == "https://baotro.vn/problems/validation"
    assert problem["instance"] == "/things"
    assert problem["errors"] == [
        {"field": "name", "message": "bắt buộc phải có"},
        {"field": "count", "message": "bắt buộc phải có"},
    ]
    assert problem["detail"] == "name: bắt buộc phải có; count: bắt buộc phải có"


async def test_wrong_values_get_vietnamese_messages(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", json={"name": "ok", "count": "many", "tags": [], "colour": "red"}
    )

    problem = _assert_problem(response, 422)

    assert {e["field"]: e["message"] for e in problem["errors"]} == {  # type: ignore[attr-defined]
        "count": "phải là số nguyên",
        "tags": "quá ngắn hoặc trống",
        "colour": "trường không được phép",
    }


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("POST", "/things", {"name": "", "count": 1}, "name"),
        ("POST", "/things", {"name": "ok", "count": 1, "code": "toolong"}, "code"),
        ("GET", "/colours?colour=green", None, "colour"),
    ],
    ids=["string_too_short", "string_too_long", "enum"],
)
async def test_string_length_and_enum_errors_are_in_vietnamese(
    client: httpx.AsyncClient, method: str, url: str, body: object, field: str
) -> None:
    response = await client.request(method, url, json=body)

    problem = _assert_problem(response, 422)

    [error] = problem["errors"]  # type: ignore[misc]
    assert error["field"] == field
    assert not error["message"].startswith(("String should", "Input should")), error["message"]


async def test_fields_named_like_request_locations_are_still_named(
    client: httpx.AsyncClient,
) -> None:
    problem = _assert_problem(await client.post("/searches", json={}), 422)

    assert problem["errors"] == [
        {"field": "query", "message": "bắt buộc phải có"},
        {"field": "path", "message": "bắt buộc phải có"},
    ]


async def test_own_validator_messages_pass_through_without_the_pydantic_prefix(
    client: httpx.AsyncClient,
) -> None:
    problem = _assert_problem(await client.post("/things", json={"name": "admin", "count": 1}), 422)

    assert problem["errors"] == [{"field": "name", "message": "Tên này đã được dành riêng."}]


async def test_invalid_json_body_is_a_vietnamese_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b"{not json", headers={"content-type": "application/json"}
    )

    problem = _assert_problem(response, 422)

    assert "nội dung JSON không hợp lệ" in str(problem["detail"])


async def test_query_parameter_errors_name_the_parameter(client: httpx.AsyncClient) -> None:
    problem = _assert_problem(await client.get("/things", params={"limit": "ten"}), 422)

    assert problem["errors"] == [{"field": "limit", "message": "phải là số nguyên"}]


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    problem = _assert_problem(await client.get("/no/such/place"), 404)

    assert problem["title"] == "Không tìm thấy"
    assert problem["detail"] == "Không tìm thấy địa chỉ này."
    assert problem["type"] == "https://baotro.vn/problems/not-found"
    assert problem["instance"] == "/no/such/place"


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    problem = _assert_problem(await client.delete("/things"), 405)

    assert problem["detail"] == "Phương thức này không được hỗ trợ tại địa chỉ này."


async def test_problem_error_keeps_its_status_slug_errors_and_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/conflict")

    problem = _assert_problem(response, 409)

    assert problem["type"] == "https://baotro.vn/problems/duplicate-case"
    assert problem["title"] == "Xung đột dữ liệu"
    assert problem["detail"] == "Hồ sơ đã tồn tại."
    assert problem["errors"] == [{"field": "case_id", "message": "đã tồn tại"}]
    assert response.headers["retry-after"] == "5"


async def test_unexpected_error_is_a_500_problem_without_internals(
    client: httpx.AsyncClient,
) -> None:
    with capture_logs() as logs:
        response = await client.get("/boom")

    problem = _assert_problem(response, 500)

    assert problem["title"] == "Lỗi hệ thống"
    assert "hunter2" not in response.text
    assert [e["event"] for e in logs] == ["http.unhandled_error"], "the error must be logged"


@pytest.mark.parametrize(
    ("status", "slug", "title"),
    [
        (401, "unauthorized", "Chưa xác thực"),
        (403, "forbidden", "Không có quyền"),
        (404, "not-found", "Không tìm thấy"),
        (422, "validation", "Dữ liệu không hợp lệ"),
        (418, "http-418", "Lỗi"),
    ],
)
def test_problem_error_defaults_its_slug_and_title_from_the_status(
    status: int, slug: str, title: str
) -> None:
    error = ProblemError(status, "chi tiết")

    assert (error.slug, error.title, error.detail, str(error)) == (
        slug,
        title,
        "chi tiết",
        "chi tiết",
    )
