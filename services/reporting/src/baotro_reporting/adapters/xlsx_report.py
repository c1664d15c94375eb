"""The report as an Excel workbook: one sheet per table, Vietnamese headers, totals."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from baotro_reporting.domain.report_figures import ReportFigures, Table

MONEY = "#,##0"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)


def _title(sheet: Worksheet, figures: ReportFigures, title: str) -> int:
    sheet["A1"] = figures.fund_name.upper()
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A2"] = f"{title} — {figures.period.label}"
    sheet["A2"].font = Font(bold=True, size=13)
    sheet["A3"] = (
        f"Từ ngày {figures.period.start:%d/%m/%Y} đến ngày {figures.period.end:%d/%m/%Y}; "
        "đơn vị tính: đồng"
    )
    sheet["A3"].font = Font(italic=True)
    return 5


def _grid(
    sheet: Worksheet,
    top: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    total: Sequence[object] | None,
    widths: Sequence[int],
) -> int:
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=top, column=column, value=text)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    line = top
    for line, values in enumerate(rows, start=top + 1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.border = BORDER
            if isinstance(value, int):
                cell.number_format = MONEY
    if total is not None:
        line += 1
        for column, value in enumerate(total, start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            cell.font, cell.fill, cell.border = BOLD, TOTAL_FILL, BORDER
            if isinstance(value, int):
                cell.number_format = MONEY
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    return line + 2


def _table_sheet(book: Workbook, figures: ReportFigures, name: str, table: Table) -> None:
    sheet = book.create_sheet(name)
    top = _title(sheet, figures, table.title)
    rows = [(i, r.label, r.count, r.amount) for i, r in enumerate(table.rows, start=1)]
    total = ("", "Tổng cộng", table.count, table.total) if table.adds_up else None
    end = _grid(
        sheet, top, ("STT", "Nội dung", "Số lượt", "Số tiền (đồng)"), rows, total, (6, 48, 12, 20)
    )
    if table.note:
        sheet.cell(row=end, column=1, value=f"Ghi chú: {table.note}").font = Font(italic=True)


def build_xlsx(figures: ReportFigures) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Tổng hợp"
    top = _title(summary, figures, "Báo cáo tình hình tiếp nhận và sử dụng Quỹ")
    _grid(
        summary,
        top,
        ("Chỉ tiêu", "Số tiền (đồng)"),
        [
            ("Số dư đầu kỳ", figures.opening_balance),
            ("Thu trong kỳ (đã trừ hoàn trả)", figures.received),
            ("Chi trong kỳ", figures.spent),
        ],
        ("Số dư cuối kỳ", figures.closing_balance),
        (44, 22),
    )
    _table_sheet(book, figures, "Thu theo hình thức", figures.by_channel)
    _table_sheet(book, figures, "Thu theo nhà tài trợ", figures.by_donor_kind)
    _table_sheet(book, figures, "Thu theo chiến dịch", figures.by_campaign)
    _table_sheet(book, figures, "Thu theo đơn vị", figures.by_unit)
    months = book.create_sheet("Thu theo tháng")
    top = _title(months, figures, "Thu theo tháng và hình thức")
    _grid(
        months,
        top,
        ("Tháng", *figures.channels, "Cộng"),
        [
            (
                f"{m.month.month:02d}/{m.month.year}",
                *(m.by_channel.get(c, 0) for c in figures.channels),
                m.total,
            )
            for m in figures.months
        ],
        (
            "Tổng cộng",
            *(sum(m.by_channel.get(c, 0) for m in figures.months) for c in figures.channels),
            sum(m.total for m in figures.months),
        ),
        (14, *(18 for _ in figures.channels), 20),
    )
    pledges = book.create_sheet("Đăng ký theo đơn vị")
    top = _title(pledges, figures, "Mức hoàn thành đăng ký ủng hộ theo đơn vị")
    _grid(
        pledges,
        top,
        (
            "STT",
            "Chiến dịch",
            "Đơn vị",
            "Số người",
            "Mục tiêu (đồng)",
            "Đã ủng hộ (đồng)",
            "Tỷ lệ (%)",
        ),
        [
            (i, p.campaign, p.unit, p.headcount or "", p.target, p.raised, p.percent)
            for i, p in enumerate(figures.pledges, start=1)
        ],
        (
            "",
            "Tổng cộng",
            "",
            "",
            sum(p.target for p in figures.pledges),
            sum(p.raised for p in figures.pledges),
            "",
        ),
        (6, 34, 34, 10, 18, 18, 10),
    )
    _table_sheet(book, figures, "Chi theo mục đích", figures.by_purpose)
    _table_sheet(book, figures, "Chi theo nhóm", figures.by_group)
    _table_sheet(book, figures, "Chi theo xã", figures.by_commune)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
