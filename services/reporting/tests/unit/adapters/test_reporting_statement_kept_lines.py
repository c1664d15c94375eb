"""Lines kept by id: taken while young enough, read again past their time, the least
recently shown dropped first, all dropped when the statement is emptied."""

from __future__ import annotations

from datetime import date

from baotro_reporting.adapters.statement_kept_lines import KeptLines
from baotro_reporting.domain.statement import StatementLine


def _line(line_id: int) -> StatementLine:
    return StatementLine(
        id=line_id,
        kind="donation",
        fund_code="TH",
        on=date(2024, 9, 1),
        name="Nhà hảo tâm ẩn danh",
        amount=100_000,
        purpose="Ủng hộ chung",
        memo="ung ho",
    )


def test_kept_lines_are_taken_and_the_others_named_to_read() -> None:
    kept = KeptLines(ttl_s=30, clock=lambda: 0.0)
    kept.keep([_line(1), _line(2)])

    found, missing = kept.take([2, 3, 1])

    assert sorted(found) == [1, 2]
    assert missing == [3]


def test_a_line_past_its_time_is_read_again() -> None:
    now = [0.0]
    kept = KeptLines(ttl_s=30, clock=lambda: now[0])
    kept.keep([_line(1)])
    now[0] = 31.0

    assert kept.take([1]) == ({}, [1])


def test_the_least_recently_shown_go_first_and_clear_drops_all() -> None:
    kept = KeptLines(ttl_s=30, max_lines=2, clock=lambda: 0.0)
    kept.keep([_line(1), _line(2)])
    kept.take([1])  # shown again: 2 is now the least recently shown
    kept.keep([_line(3)])

    assert kept.take([1, 2, 3])[1] == [2]
    kept.clear()
    assert len(kept) == 0


def test_nothing_is_kept_without_a_time_to_keep_it() -> None:
    kept = KeptLines(ttl_s=0, clock=lambda: 0.0)
    kept.keep([_line(1)])

    assert kept.take([1]) == ({}, [1])
