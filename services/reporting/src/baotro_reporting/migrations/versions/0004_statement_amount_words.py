"""The amount in the public statement's word vector: three bucket words per line, so that
one GIN lookup answers words and an amount range together.

A line of 2.500.000 đ gets "-07" (seven digits), "-072" (seven digits, starting with 2) and
"-0725" (starting with 25) besides its words and pairs (see adapters/statement_amounts.py;
the expression is frozen here). A typed word never starts with "-", so no search of words
finds a bucket. PostgreSQL 15 cannot change a generated column's expression: the column and
its GIN index are made again, which rewrites the table (about two minutes per million lines
on two cores). SQLite keeps its NULL column (it searches with LIKE).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NORMALISED = r"btrim(regexp_replace(search_text, '[^0-9a-z]+', ' ', 'g'))"
_WORDS_AND_PAIRS = (
    rf"{_NORMALISED} || ' ' || "
    rf"regexp_replace({_NORMALISED}, '(\w+) (\w+)', '\1z\2', 'g') || ' ' || "
    rf"regexp_replace(regexp_replace({_NORMALISED}, '^\w+ ?', ''), '(\w+) (\w+)', '\1z\2', 'g')"
)
_DIGITS = "abs(amount)::text"
_MAGNITUDE = f"lpad(length({_DIGITS})::text, 2, '0')"
_AMOUNT = (
    f"' -' || {_MAGNITUDE} || ' -' || {_MAGNITUDE} || left({_DIGITS}, 1) "
    f"|| ' -' || {_MAGNITUDE} || left({_DIGITS}, 2)"
)
_WITH_AMOUNT = rf"strip(to_tsvector('simple'::regconfig, {_WORDS_AND_PAIRS} || {_AMOUNT}))"
_WITHOUT_AMOUNT = rf"strip(to_tsvector('simple'::regconfig, {_WORDS_AND_PAIRS}))"


def _vector(expression: str) -> None:
    op.drop_index("ix_statement_line_words", table_name="statement_line")
    op.drop_column("statement_line", "search_vector")
    op.add_column(
        "statement_line",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(sa.text(expression)),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_statement_line_words", "statement_line", ["search_vector"], postgresql_using="gin"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _vector(_WITH_AMOUNT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _vector(_WITHOUT_AMOUNT)
