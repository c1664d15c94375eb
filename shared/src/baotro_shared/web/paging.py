"""Query parameters of paged lists, shared by every service's API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

MAX_OFFSET = 1_000_000_000
"""Past any list the fund will hold, and far inside PostgreSQL's bigint: an offset beyond it
is refused (422) rather than reaching the database as a number it cannot take."""

Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="Items to skip (from 0), for the next page.")
]
