"""The SQL of a statement search, built once per shape and reused with new values.

A search's shape is which filters it uses (words or not, amounts, dates, kind, the
database); its values are bound parameters. Building a SELECT with subqueries costs more
Python than running it, so each shape's statements are built once (`page_statement`,
`chunk_statement`) and SQLAlchemy's compiled cache and asyncpg's prepared statements are
reused by every search of that shape. The public search on PostgreSQL runs the same filters
as plain SQL text (`postgres_page`), compiled once per shape, with the names of the
campaigns and appeals its lines point at joined in: one round trip per search.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Select,
    Text,
    Uuid,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal_column,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

from baotro_reporting.adapters.orm import AppealView, CampaignView, StatementLineRow
from baotro_reporting.adapters.statement_amounts import amount_tsquery
from baotro_reporting.adapters.statement_words import WordQuery
from baotro_reporting.domain.statement import MAX_RESULT_WINDOW, LineKind, StatementQuery
from baotro_shared.db import UtcDateTime

S = StatementLineRow
COLUMNS = (
    S.id,
    S.kind,
    S.fund_code,
    S.line_date,
    S.name,
    S.amount,
    S.purpose_kind,
    S.purpose_ref,
    S.memo,
    S.recorded_at,
)
_ORDER = (S.line_date.desc(), S.recorded_at.desc(), S.id.desc())
COUNT_STEP = 50
"""Lines counted per step: each line counted past the page costs a visit of the table (for a
common name, about a hundred lines walked per match), and counting is most of a search's
work; 50 keeps the count a few pages ahead ("Hơn 50 dòng · trang 1/3")."""
_SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
TextMatch = Literal["none", "nothing", "word", "words", "like"]


@dataclass(frozen=True)
class Shape:
    text: TextMatch
    fund: bool
    min_amount: bool
    max_amount: bool
    date_from: bool
    date_to: bool
    kind: str | None


def count_limit(query: StatementQuery) -> int:
    """How far to count: the next multiple of COUNT_STEP past this page, at most the window."""
    past = query.offset + query.size + 1
    return min(MAX_RESULT_WINDOW, -(-past // COUNT_STEP) * COUNT_STEP)


def shape_and_values(query: StatementQuery, *, postgres: bool) -> tuple[Shape, dict[str, Any]]:
    """The search's shape and the values of its filters (page values are added by callers)."""
    values: dict[str, Any] = {
        "fund_code": query.fund_code,
        "min_amount": query.min_amount,
        "max_amount": query.max_amount,
        "date_from": query.date_from,
        "date_to": query.date_to,
    }
    text: TextMatch = "none"
    if query.text and postgres:
        words = WordQuery.of(query.text)
        if words is None:
            text = "nothing"
        else:
            values["tsquery"] = words.tsquery
            values["in_order"] = words.pattern
            text = "word" if words.pattern is None else "words"
            if query.min_amount is not None or query.max_amount is not None:
                values["amount_tsquery"] = amount_tsquery(query.min_amount, query.max_amount)
                if values["amount_tsquery"] is None:  # no amount can be in the range
                    text = "nothing"
    elif (pattern := query.pattern) is not None:
        values["like"] = pattern
        text = "like"
    shape = Shape(
        text=text,
        fund=bool(query.fund_code),
        min_amount=query.min_amount is not None,
        max_amount=query.max_amount is not None,
        date_from=query.date_from is not None,
        date_to=query.date_to is not None,
        kind=query.kind,
    )
    return shape, {k: v for k, v in values.items() if v is not None}


def _text(match: TextMatch) -> list[ColumnElement[bool]]:
    """PostgreSQL: the words (pairs) in the GIN index, then their order in `search_text`.

    The regular expression sits in COALESCE so that the planner does not estimate it: it
    would guess that a long pattern matches almost nothing and sort thousands of lines
    instead of walking the date index; the pairs alone already estimate the matches well.
    """
    if match == "nothing":
        return [false()]
    if match == "like":
        return [S.search_text.like(bindparam("like"), escape="\\")]
    if match == "none":
        return []
    conditions: list[ColumnElement[bool]] = [
        S.search_vector.bool_op("@@")(func.to_tsquery(_SIMPLE, bindparam("tsquery", type_=Text())))
    ]
    if match == "words":
        in_order = S.search_text.regexp_match(bindparam("in_order"))
        conditions.append(func.coalesce(in_order, false()))
    return conditions


def _amounts(shape: Shape) -> list[ColumnElement[bool]]:
    """The amount range. With words on PostgreSQL, the range's buckets (`statement_amounts`)
    are a second condition on the word vector: one GIN scan takes both (the words' lines in
    the range, give or take an edge bucket), and a walk of the date index checks the buckets
    only on the lines holding the words. The amount itself is then checked in COALESCE, which
    the amount index cannot serve (the planner would AND in a bitmap of its hundreds of
    thousands of lines) and the planner does not estimate (the buckets already did)."""
    bounds: list[ColumnElement[bool]] = []
    if shape.min_amount:
        bounds.append(S.amount >= bindparam("min_amount"))
    if shape.max_amount:
        bounds.append(S.amount <= bindparam("max_amount"))
    if not bounds or shape.text not in ("word", "words"):
        return bounds
    buckets = func.to_tsquery(_SIMPLE, bindparam("amount_tsquery", type_=Text()))
    return [S.search_vector.bool_op("@@")(buckets), func.coalesce(and_(*bounds), false())]


def _where(shape: Shape) -> list[ColumnElement[bool]]:
    conditions = _text(shape.text)
    if shape.fund:
        conditions.append(S.fund_code == bindparam("fund_code"))
    conditions += _amounts(shape)
    if shape.date_from:
        conditions.append(S.line_date >= bindparam("date_from", type_=Date()))
    if shape.date_to:
        conditions.append(S.line_date <= bindparam("date_to", type_=Date()))
    if shape.kind == "in":
        conditions.append(S.kind != LineKind.DISBURSEMENT)
    elif shape.kind == "out":
        conditions.append(S.kind == LineKind.DISBURSEMENT)
    return conditions


@lru_cache(maxsize=256)
def page_statement(shape: Shape) -> Select[Any]:
    """One statement, one scan, one round trip: the first `window` matching lines, newest
    first (PostgreSQL walks the date index for common words and sorts the GIN matches of rare
    ones), numbered; the page (`offset`, `size`) is cut from them and each of its lines
    carries their count (a single row of NULLs with the count when the page is empty).
    Parameters: the filters' values, `window`, `offset`, `size`."""
    found = (
        select(*COLUMNS)
        .where(*_where(shape))
        .order_by(*_ORDER)
        .limit(bindparam("window", type_=Integer()))
        .subquery("found")
    )
    newest_first = (found.c.line_date.desc(), found.c.recorded_at.desc(), found.c.id.desc())
    hits = select(found, func.row_number().over(order_by=newest_first).label("position")).cte(
        "hits"
    )
    counted = select(func.count().label("total")).select_from(hits).subquery("counted")
    page = (
        select(hits)
        .where(hits.c.position > bindparam("offset", type_=Integer()))
        .order_by(hits.c.position)
        .limit(bindparam("size", type_=Integer()))
        .subquery("page")
    )
    return (
        select(counted.c.total, page)
        .select_from(counted.outerjoin(page, true()))
        .order_by(page.c.position)
    )


@lru_cache(maxsize=256)
def chunk_statement(shape: Shape, *, after: bool) -> Select[Any]:
    """`chunk` matching lines, newest first; with `after`, those older than the line
    (`after_day`, `after_recorded_at`, `after_id`) (keyset: no offset grows)."""
    statement = select(*COLUMNS).where(*_where(shape))
    if after:
        statement = statement.where(
            tuple_(S.line_date, S.recorded_at, S.id)
            < tuple_(
                bindparam("after_day", type_=Date()),
                bindparam("after_recorded_at", type_=UtcDateTime()),
                bindparam("after_id", type_=BigInteger()),
            )
        )
    return statement.order_by(*_ORDER).limit(bindparam("chunk", type_=Integer()))


_CANONICAL_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
"""A line's `purpose_ref` names a campaign or an appeal when it is a UUID written the way
events write them; anything else is never cast (a cast of another text would fail)."""


@dataclass(frozen=True)
class PostgresSearch:
    """A statement as PostgreSQL text (`$1`, `$2`, … in the order of `parameters`);
    `constants` are the values the statement itself binds (a line kind, a pattern)."""

    sql: str
    parameters: tuple[str, ...]
    constants: tuple[tuple[str, Any], ...]

    def arguments(self, values: dict[str, Any]) -> list[Any]:
        given = {**dict(self.constants), **values}
        return [given[name] for name in self.parameters]


def _for_asyncpg(statement: Select[Any]) -> PostgresSearch:
    compiled = statement.compile(dialect=PGDialect_asyncpg())  # type: ignore[no-untyped-call]
    constants = tuple((k, v) for k, v in compiled.params.items() if v is not None)
    return PostgresSearch(str(compiled), tuple(compiled.positiontup or ()), constants)


def _found(shape: Shape, *, ordered: bool = True) -> Select[Any]:
    """`window` matching lines: the newest, or (not `ordered`) any, the cheapest to find."""
    found = select(*COLUMNS).where(*_where(shape))
    if ordered:
        found = found.order_by(*_ORDER)
    return found.limit(bindparam("window", type_=Integer()))


@lru_cache(maxsize=256)
def postgres_page(shape: Shape) -> PostgresSearch:
    """The public search on PostgreSQL in one statement: the first `window` matching lines,
    newest first, each with their count (`total`) and the name of the campaign or alias of
    the appeal it points at (`campaign_name`, `appeal_alias`, NULL when neither), cut to the
    page (`offset`, `size`). A page past the last line has no row: `postgres_count` then
    gives the count. One query level under the page: planning it is a third cheaper than
    `page_statement`'s numbered CTE (PostgreSQL plans every search for its own values)."""
    found = _found(shape).subquery("found")
    ref = case(
        (found.c.purpose_ref.regexp_match(_CANONICAL_UUID), cast(found.c.purpose_ref, Uuid)),
        else_=None,
    )
    statement = (
        select(
            found,
            func.count().over().label("total"),
            CampaignView.name.label("campaign_name"),
            AppealView.alias.label("appeal_alias"),
        )
        .select_from(
            found.outerjoin(CampaignView, CampaignView.campaign_id == ref).outerjoin(
                AppealView, AppealView.appeal_id == ref
            )
        )
        .order_by(found.c.line_date.desc(), found.c.recorded_at.desc(), found.c.id.desc())
        .offset(bindparam("offset", type_=Integer()))
        .limit(bindparam("size", type_=Integer()))
    )
    return _for_asyncpg(statement)


@lru_cache(maxsize=256)
def postgres_count(shape: Shape) -> PostgresSearch:
    """How many lines match, counted up to `window`."""
    found = _found(shape, ordered=False).subquery("found")
    return _for_asyncpg(select(func.count().label("total")).select_from(found))


VERSION_SQL = (
    "SELECT count(*) AS lines, coalesce(sum(id), 0) AS ids FROM "
    "(SELECT id FROM statement_line ORDER BY id DESC LIMIT 64) AS newest"
)
"""Changes when lines are added (also by a transaction that commits after a later one, while
its line is among the newest 64) and when the statement is emptied (the read models' reset).
No line is rewritten alone: a reversal takes its donor's name when the gift's line is added."""


INDEX_ROWS_SQL = """
SELECT id, (line_date - DATE '0001-01-01') + 1 AS day,
    (extract(epoch FROM recorded_at) * 1000000)::bigint AS recorded_us, fund_code, kind,
    amount, search_text, name, memo, purpose_kind, purpose_ref
FROM statement_line WHERE id > $1
UNION ALL
SELECT id, (line_date - DATE '0001-01-01') + 1, (extract(epoch FROM recorded_at) * 1000000)::bigint,
    fund_code, kind, amount, search_text, name, memo, purpose_kind, purpose_ref
FROM statement_line
WHERE kind = 'reversal' AND id <= $1 AND donation_id IN (
    SELECT donation_id FROM statement_line WHERE id > $1 AND kind = 'donation')
ORDER BY day DESC, recorded_us DESC, id DESC
"""
"""What the in-memory word index (`statement_index.IndexRow`) holds of the lines after id
$1, newest first (0: every line); days and times as integers, computed by PostgreSQL. With
them, the reversal lines up to $1 that the gifts after $1 rewrote (a reversal that arrived
before its gift takes the donor's name when the gift's line is written, `money_views`)."""
PURPOSE_NAMES_SQL = (
    "SELECT 'campaign' AS kind, campaign_id::text AS id, name FROM campaign_view "
    "UNION ALL SELECT 'appeal', appeal_id::text, alias FROM appeal_view"
)
"""The names the purposes of lines show (`statement_queries.PurposeLabels`)."""
