"""Errors as RFC 9457 problem details (`application/problem+json`), in Vietnamese for people."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://baotro.vn/problems/"
log = structlog.get_logger(__name__)

_TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột dữ liệu",
    422: "Dữ liệu không hợp lệ",
    500: "Lỗi hệ thống",
    503: "Dịch vụ tạm thời không sẵn sàng",
}


class ProblemError(Exception):
    """An error that carries its HTTP status and a message a person understands."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or _slug(status)
        self.title = title or _TITLES.get(status, "Lỗi")
        self.errors = errors
        self.headers = headers


def _slug(status: int) -> str:
    return {
        401: "unauthorized",
        403: "forbidden",
        404: "not-found",
        409: "conflict",
        422: "validation",
    }.get(status, f"http-{status}")


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """A problem+json response; `extra` adds members (RFC 9457 extensions)."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or _slug(status)),
        "title": title or _TITLES.get(status, "Lỗi"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_error_response(request: Request, exc: ProblemError) -> JSONResponse:
    """The problem+json answer to a `ProblemError`."""
    return problem_response(
        request,
        exc.status,
        exc.detail,
        slug=exc.slug,
        title=exc.title,
        errors=exc.errors,
        headers=exc.headers,
    )


_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "groups", 0)` → `groups.0`; only the leading location is dropped."""
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves the service as problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_path(e.get("loc", ())), "message": _vi_message(e)}
            for e in exc.errors()
        ]
        detail = "; ".join(
            f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
        )
        return problem_response(request, 422, detail or "Dữ liệu không hợp lệ", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Lỗi")
        if exc.status_code == 404 and detail == "Not Found":
            detail = "Không tìm thấy địa chỉ này."
        if exc.status_code == 405:
            detail = "Phương thức này không được hỗ trợ tại địa chỉ này."
        return problem_response(
            request, exc.status_code, detail, headers=dict(exc.headers) if exc.headers else None
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("http.unhandled_error", path=request.url.path)
        return problem_response(
            request, 500, "Đã có lỗi hệ thống; lỗi đã được ghi lại để kiểm tra."
        )


_VI_BY_TYPE = {
    "missing": "bắt buộc phải có",
    "string_type": "phải là chuỗi ký tự",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "list_type": "phải là danh sách",
    "uuid_parsing": "không phải mã định danh (UUID) hợp lệ",
    "uuid_type": "không phải mã định danh (UUID) hợp lệ",
    "too_short": "quá ngắn hoặc trống",
    "too_long": "quá dài",
    "string_too_short": "quá ngắn hoặc trống",
    "string_too_long": "quá dài",
    "string_pattern_mismatch": "không đúng định dạng",
    "enum": "không phải một trong các giá trị cho phép",
    "literal_error": "không phải một trong các giá trị cho phép",
    "bool_parsing": "phải là đúng/sai (true/false)",
    "bool_type": "phải là đúng/sai (true/false)",
    "float_parsing": "phải là số",
    "float_type": "phải là số",
    "greater_than": "nhỏ hơn hoặc bằng giá trị tối thiểu",
    "less_than": "lớn hơn hoặc bằng giá trị tối đa",
    "url_parsing": "không phải địa chỉ URL hợp lệ",
    "value_error.email": "không phải địa chỉ email hợp lệ",
    "extra_forbidden": "trường không được phép",
    "json_invalid": "nội dung JSON không hợp lệ",
    "model_attributes_type": "phải là đối tượng JSON",
    "dict_type": "phải là đối tượng JSON",
    "datetime_parsing": "không phải ngày giờ hợp lệ",
    "date_parsing": "không phải ngày hợp lệ",
    "greater_than_equal": "nhỏ hơn giá trị cho phép",
    "less_than_equal": "lớn hơn giá trị cho phép",
}


def _vi_message(error: dict[str, Any]) -> str:
    """Vietnamese message of one pydantic error; our own validators already speak Vietnamese."""
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return _VI_BY_TYPE.get(kind, str(error.get("msg", "không hợp lệ")))
