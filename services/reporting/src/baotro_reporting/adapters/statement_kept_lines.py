"""Statement lines kept by id for the next pages that show them.

A line is not rewritten once written (a reversal is a line of its own; the one exception, a
reversal that arrived before its gift and takes the donor's name with it, is forgotten here
when the index sees it), so a line read for one page is the same for the next page that
shows it: the newest lines, which the pages
of common searches show again and again, are then not read from PostgreSQL each time. Only
the purpose may age: it names the campaign or the appeal as they were called when the line
was read, for at most `ttl_s`. The least recently shown go first past `max_lines`; all go
when the statement is emptied (ids may then be given again).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from baotro_reporting.domain.statement import StatementLine

MAX_LINES = 50_000
"""About 25 MiB per process."""


class KeptLines:
    def __init__(
        self,
        *,
        ttl_s: float,
        max_lines: int = MAX_LINES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max_lines = max_lines
        self._clock = clock
        self._lines: OrderedDict[int, tuple[float, StatementLine]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._lines)

    def take(self, ids: list[int]) -> tuple[dict[int, StatementLine], list[int]]:
        """The lines kept of `ids`, and the ids to read."""
        kept: dict[int, StatementLine] = {}
        missing: list[int] = []
        oldest = self._clock() - self._ttl_s
        for line_id in ids:
            found = self._lines.get(line_id)
            if found is not None and found[0] > oldest:
                self._lines.move_to_end(line_id)
                kept[line_id] = found[1]
            else:
                missing.append(line_id)
        return kept, missing

    def keep(self, lines: list[StatementLine]) -> None:
        if self._ttl_s <= 0:
            return
        now = self._clock()
        for line in lines:
            self._lines[line.id] = (now, line)
            self._lines.move_to_end(line.id)
        while len(self._lines) > self._max_lines:
            self._lines.popitem(last=False)

    def forget(self, ids: set[int]) -> None:
        """Drop these lines (rewritten since they were kept)."""
        for line_id in ids:
            self._lines.pop(line_id, None)

    def clear(self) -> None:
        self._lines.clear()
