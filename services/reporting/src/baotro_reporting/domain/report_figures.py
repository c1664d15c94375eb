"""The figures of a periodic report or yearly disclosure, and how they hang together.

Every table carries its own total and every total is the sum of its rows; the balance at the
end of the period is the balance at its start plus what was received minus what was spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from baotro_reporting.domain.periods import Period


@dataclass(frozen=True)
class Row:
    label: str
    amount: int
    count: int = 0


@dataclass(frozen=True)
class Table:
    title: str
    rows: tuple[Row, ...]
    note: str | None = None
    adds_up: bool = True
    """False when a row may count the same money twice (a disbursement for several groups)."""

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.rows)

    @property
    def count(self) -> int:
        return sum(r.count for r in self.rows)


@dataclass(frozen=True)
class MonthRow:
    month: date
    by_channel: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())


@dataclass(frozen=True)
class PledgeRow:
    campaign: str
    unit: str
    headcount: int | None
    target: int
    raised: int

    @property
    def percent(self) -> int:
        return max(0, self.raised * 100 // self.target) if self.target else 0


@dataclass(frozen=True)
class ReportFigures:
    fund_code: str
    fund_name: str
    kind: str
    period: Period
    opening_balance: int
    received: int
    spent: int
    by_channel: Table
    by_donor_kind: Table
    by_campaign: Table
    by_unit: Table
    months: tuple[MonthRow, ...]
    channels: tuple[str, ...]
    pledges: tuple[PledgeRow, ...]
    by_purpose: Table
    by_group: Table
    by_commune: Table
    open_cases: int
    children_reached: int

    @property
    def closing_balance(self) -> int:
        return self.opening_balance + self.received - self.spent

    def inconsistencies(self) -> list[str]:
        """What does not add up (empty when the report is consistent)."""
        problems: list[str] = []
        for table in (self.by_channel, self.by_donor_kind, self.by_campaign, self.by_unit):
            if table.total != self.received:
                problems.append(f"{table.title}: {table.total} ≠ {self.received}")
        if sum(m.total for m in self.months) != self.received:
            problems.append("Thu theo tháng không khớp tổng thu")
        for table in (self.by_purpose, self.by_commune):
            if table.total != self.spent:
                problems.append(f"{table.title}: {table.total} ≠ {self.spent}")
        return problems


def month_rows(
    daily: list[tuple[date, str, int]], period: Period, channels: tuple[str, ...]
) -> tuple[MonthRow, ...]:
    """Fold `(day, channel label, amount)` rows into one row per month of the period."""
    months = {m: dict.fromkeys(channels, 0) for m in period.months()}
    for day, channel, amount in daily:
        key = date(day.year, day.month, 1)
        months[key][channel] = months[key].get(channel, 0) + amount
    return tuple(MonthRow(m, by_channel) for m, by_channel in months.items())


def merge_rows(rows: list[tuple[str, int, int]]) -> tuple[Row, ...]:
    """Rows with the same label (two codes, one label) become one; order of first sight."""
    merged: dict[str, list[int]] = {}
    for text, amount, count in rows:
        slot = merged.setdefault(text, [0, 0])
        slot[0] += amount
        slot[1] += count
    return tuple(Row(text, amount, count) for text, (amount, count) in merged.items())
