"""Search parameters of the statement as people type them (pages, JSON and CSV share them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from fastapi import Request

from baotro_reporting.domain.statement import StatementQuery, StatementQueryError

_DIGITS = re.compile(r"\D")


def parse_amount(raw: str | None, field: str) -> int | None:
    """ "500.000", "500,000 đ", "500000" → 500000; blank → None."""
    if raw is None or not raw.strip():
        return None
    digits = _DIGITS.sub("", raw)
    if not digits or len(digits) > 15:
        raise StatementQueryError(f"Số tiền «{raw}» ở ô “{field}” không hợp lệ.")
    return int(digits)


def parse_day(raw: str | None, field: str) -> date | None:
    """ISO (2024-09-10, what `<input type=date>` sends) or Vietnamese (10/09/2024)."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise StatementQueryError(f"Ngày «{raw}» ở ô “{field}” không hợp lệ (dd/mm/yyyy).")


def parse_int(raw: str | None, field: str, default: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise StatementQueryError(f"Giá trị «{raw}» ở ô “{field}” phải là số.") from None


@dataclass(frozen=True)
class StatementForm:
    """The raw form values (to fill the form again) and the query they make."""

    values: dict[str, str]
    query: StatementQuery


FIELDS = ("q", "min", "max", "from", "to", "kind", "page", "size")


def statement_form(request: Request, *, fund_code: str, default_size: int) -> StatementForm:
    """Read the query string; raises StatementQueryError with a Vietnamese message."""
    params = request.query_params
    values = {name: params.get(name, "") for name in FIELDS}
    kind = values["kind"].strip() or None
    query = StatementQuery(
        fund_code=fund_code,
        text=values["q"].strip() or None,
        min_amount=parse_amount(values["min"], "Số tiền từ"),
        max_amount=parse_amount(values["max"], "Số tiền đến"),
        date_from=parse_day(values["from"], "Từ ngày"),
        date_to=parse_day(values["to"], "Đến ngày"),
        kind=kind,
        page=parse_int(values["page"], "Trang", 1),
        size=parse_int(values["size"], "Số dòng mỗi trang", default_size),
    )
    return StatementForm(values=values, query=query)


def query_string(values: dict[str, str], **changes: object) -> str:
    """The search's query string with `changes` (e.g. page=3), blanks left out."""
    merged = {**values, **{k: str(v) for k, v in changes.items()}}
    return urlencode({k: v for k, v in merged.items() if v not in ("", None)})
