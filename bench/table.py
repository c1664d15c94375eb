"""A plain-text table: `figure | ours | baseline | ratio / notes`, in titled sections."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

HEADINGS = ("figure", "ours", "baseline", "ratio / notes")
NOTES_WIDTH = 60


@dataclass(frozen=True)
class Row:
    figure: str
    ours: str = ""
    baseline: str = ""
    notes: str = ""

    def cells(self) -> tuple[str, str, str, str]:
        return (self.figure, self.ours, self.baseline, self.notes)


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)

    def add(self, figure: str, ours: str = "", baseline: str = "", notes: str = "") -> None:
        self.rows.append(Row(figure, ours, baseline, notes))


def render(sections: list[Section]) -> str:
    """Columns sized to their content; long notes wrap onto continuation lines."""
    all_rows = [Row(*HEADINGS), *(row for s in sections for row in s.rows)]
    widths = [max(len(row.cells()[i]) for row in all_rows) for i in range(3)]
    rule = "-" * (sum(widths) + 3 * 3 + NOTES_WIDTH)

    def lines(row: Row) -> list[str]:
        notes = textwrap.wrap(row.notes, NOTES_WIDTH) or [""]
        first = (row.figure, row.ours, row.baseline)
        out = []
        for i, note in enumerate(notes):
            head = first if i == 0 else ("", "", "")
            cells = [head[j].ljust(widths[j]) for j in range(3)]
            out.append(" | ".join([*cells, note]).rstrip())
        return out

    out = [*lines(Row(*HEADINGS)), rule.replace("-", "=")]
    for section in sections:
        out.extend(textwrap.wrap(section.title, len(rule)))
        out.append(rule)
        for row in section.rows:
            out.extend(lines(row))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
