"""Charts of a report as PNG (matplotlib's object API on the Agg canvas: thread-safe, no GUI)."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from baotro_reporting.domain.report_figures import ReportFigures, Table

COLOURS = ("#0b5394", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828")


def _millions(value: float, _position: object) -> str:
    return f"{value / 1_000_000:,.1f}".replace(",", " ").replace(".", ",") + " tr"


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=130, bbox_inches="tight")
    return buffer.getvalue()


def _figure(height: float = 3.2) -> Figure:
    figure = Figure(figsize=(7.0, height))
    figure.set_layout_engine("constrained")
    return figure


def months_chart(figures: ReportFigures) -> bytes:
    """Receipts per month, stacked by channel."""
    figure = _figure()
    axes = figure.add_subplot()
    labels = [f"{m.month.month:02d}/{m.month.year}" for m in figures.months]
    bottom = [0] * len(labels)
    for index, channel in enumerate(figures.channels):
        values = [m.by_channel.get(channel, 0) for m in figures.months]
        axes.bar(labels, values, bottom=bottom, label=channel, color=COLOURS[index % 6])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.yaxis.set_major_formatter(FuncFormatter(_millions))
    axes.set_title("Thu theo tháng và hình thức (triệu đồng)")
    axes.legend(fontsize=8)
    axes.tick_params(axis="x", labelrotation=45 if len(labels) > 4 else 0, labelsize=8)
    return _png(figure)


def bars_chart(table: Table, title: str) -> bytes:
    """A horizontal bar per row of `table`."""
    rows = [r for r in table.rows if r.amount] or list(table.rows)
    figure = _figure(max(1.8, 0.45 * len(rows) + 1.0))
    axes = figure.add_subplot()
    axes.barh([r.label[:45] for r in rows], [r.amount for r in rows], color=COLOURS[0])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(FuncFormatter(_millions))
    axes.set_title(title)
    axes.tick_params(labelsize=8)
    return _png(figure)


def pledges_chart(figures: ReportFigures) -> bytes:
    """Completion of each unit's pledge, in percent of its target."""
    rows = figures.pledges[:30]
    figure = _figure(max(1.8, 0.4 * len(rows) + 1.0))
    axes = figure.add_subplot()
    axes.barh([r.unit[:40] for r in rows], [min(r.percent, 150) for r in rows], color=COLOURS[1])
    axes.axvline(100, color="#555555", linewidth=1, linestyle="--")
    axes.invert_yaxis()
    axes.set_xlabel("% mục tiêu đăng ký")
    axes.set_title("Mức hoàn thành đăng ký theo đơn vị")
    axes.tick_params(labelsize=8)
    return _png(figure)


def balances_chart(figures: ReportFigures) -> bytes:
    figure = _figure(2.8)
    axes = figure.add_subplot()
    labels = ["Đầu kỳ", "Thu trong kỳ", "Chi trong kỳ", "Cuối kỳ"]
    values = [figures.opening_balance, figures.received, -figures.spent, figures.closing_balance]
    axes.bar(labels, values, color=[COLOURS[0], COLOURS[1], COLOURS[5], COLOURS[0]])
    axes.yaxis.set_major_formatter(FuncFormatter(_millions))
    axes.axhline(0, color="#555555", linewidth=0.8)
    axes.set_title("Số dư đầu kỳ, thu, chi và số dư cuối kỳ (triệu đồng)")
    return _png(figure)


def all_charts(figures: ReportFigures) -> dict[str, bytes]:
    charts = {
        "months": months_chart(figures),
        "channels": bars_chart(figures.by_channel, "Thu theo hình thức (triệu đồng)"),
        "purposes": bars_chart(figures.by_purpose, "Chi theo mục đích (triệu đồng)"),
        "groups": bars_chart(figures.by_group, "Chi theo nhóm trẻ em (triệu đồng)"),
        "balances": balances_chart(figures),
    }
    if figures.pledges:
        charts["pledges"] = pledges_chart(figures)
    return charts
