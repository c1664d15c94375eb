"""The XLSX format of the bulk import of children: the columns, the template, reading an upload.

Communes keep their lists in Excel, often with headers typed by hand ("HỌ VÀ TÊN",
"ho ten", "Ngày sinh"), so a header is recognised on its folded form (no diacritics, lower
case, punctuation and extra spaces ignored), with a few common synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from unidecode import unidecode

from baotro_registry.domain.legal_groups import LEGAL_GROUPS

DATA_SHEET = "Danh sách trẻ"
GUIDE_SHEET = "Hướng dẫn"
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10
TEMPLATE_ROWS = 5000
"""Rows of the data sheet offered the Nam/Nữ list."""


@dataclass(frozen=True)
class ImportColumn:
    key: str
    """Field it fills (a `PersonalData` field or a child attribute)."""
    header: str
    required: str
    help: str
    example: str
    aliases: tuple[str, ...] = ()
    """Other headers accepted, already folded."""
    width: int = 18
    number_format: str | None = None


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn(
        "full_name",
        "Họ và tên",
        "Bắt buộc",
        "Họ và tên đầy đủ của trẻ, có dấu.",
        "Nguyễn Văn An",
        ("ho ten", "ho ten tre", "ho va ten tre", "ten tre"),
        width=26,
    ),
    ImportColumn(
        "date_of_birth",
        "Ngày sinh (dd/mm/yyyy)",
        "Ngày sinh hoặc Năm sinh",
        "Ngày/tháng/năm, ví dụ 09/03/2016; ô kiểu Ngày của Excel cũng được. "
        "Không biết ngày sinh thì để trống và điền Năm sinh.",
        "09/03/2016",
        ("ngay sinh", "ngay thang nam sinh"),
        width=16,
        number_format="DD/MM/YYYY",
    ),
    ImportColumn(
        "birth_year",
        "Năm sinh",
        "Khi không có ngày sinh",
        "Bốn chữ số. Trẻ phải dưới 18 tuổi.",
        "2016",
        ("nam sinh",),
        width=10,
    ),
    ImportColumn(
        "sex",
        "Giới tính (Nam/Nữ)",
        "Không",
        "Nam hoặc Nữ.",
        "Nam",
        ("gioi tinh",),
        width=12,
    ),
    ImportColumn(
        "national_id",
        "Mã định danh cá nhân",
        "Không",
        "12 chữ số (số định danh trên giấy khai sinh / CCCD). Nên để ô kiểu Văn bản; "
        "nếu Excel làm mất số 0 ở đầu, hệ thống tự bổ sung.",
        "038216001234",
        ("ma dinh danh", "so dinh danh", "so dinh danh ca nhan", "cccd", "so cccd"),
        number_format="@",
    ),
    ImportColumn(
        "commune_code",
        "Mã xã/phường",
        "Mã hoặc Tên xã/phường cũ",
        "Mã 5 chữ số của xã/phường mới (từ 01/7/2025), xem /v1/reference/communes. "
        "Danh sách lập trước 01/7/2025 có thể giữ mã xã cũ, kèm cột Huyện cũ: hệ thống tự "
        "chuyển sang xã/phường mới.",
        "14797",
        ("ma xa", "ma phuong", "ma xa phuong moi", "ma don vi hanh chinh"),
        width=14,
        number_format="@",
    ),
    ImportColumn(
        "old_commune_name",
        "Tên xã/phường cũ",
        "Mã hoặc Tên xã/phường cũ",
        "Cho danh sách lập trước 01/7/2025: tên xã/phường cũ, ví dụ Phường Điện Biên. "
        "Hệ thống tự chuyển sang xã/phường mới và báo lại trong kết quả.",
        "Phường Điện Biên",
        ("xa phuong cu", "ten xa cu", "xa cu", "ten phuong cu"),
        width=22,
    ),
    ImportColumn(
        "old_district",
        "Huyện cũ",
        "Không",
        "Huyện/thị xã/thành phố cũ của xã/phường cũ; cần khi tên xã cũ trùng ở nhiều huyện.",
        "Thành phố Thanh Hóa",
        ("huyen", "quan huyen", "quan huyen cu", "huyen thi xa thanh pho cu"),
        width=22,
    ),
    ImportColumn(
        "address",
        "Địa chỉ",
        "Không",
        "Số nhà, thôn/xóm/khu phố.",
        "Thôn 3",
        ("dia chi thuong tru", "noi o", "cho o hien nay"),
        width=30,
    ),
    ImportColumn(
        "guardian_name",
        "Họ tên người giám hộ",
        "Không",
        "Cha, mẹ hoặc người chăm sóc trẻ.",
        "Nguyễn Thị Bình",
        ("nguoi giam ho", "ho va ten nguoi giam ho", "ten nguoi giam ho"),
        width=26,
    ),
    ImportColumn(
        "guardian_phone",
        "SĐT người giám hộ",
        "Không",
        "Số di động 10 chữ số, ví dụ 0912345678; Excel làm mất số 0 ở đầu vẫn được chấp nhận.",
        "0912345678",
        ("so dien thoai nguoi giam ho", "dien thoai nguoi giam ho", "sdt", "so dien thoai"),
        width=16,
        number_format="@",
    ),
    ImportColumn(
        "school",
        "Trường học",
        "Không",
        "Trường trẻ đang học (nếu có).",
        "Trường Tiểu học Điện Biên",
        ("truong",),
        width=26,
    ),
    ImportColumn(
        "groups",
        "Nhóm (a, b, …)",
        "Nhóm hoặc Yếu tố nguy cơ",
        "Mã nhóm trẻ em có hoàn cảnh đặc biệt (Điều 10 Luật Trẻ em 2016), cách nhau bởi dấu "
        "phẩy; xem bảng mã nhóm bên dưới. Gõ dd thay cho đ nếu bàn phím không có dấu.",
        "a, d",
        ("nhom", "nhom tre", "ma nhom"),
        width=12,
        number_format="@",
    ),
    ImportColumn(
        "at_risk",
        "Yếu tố nguy cơ",
        "Nhóm hoặc Yếu tố nguy cơ",
        "Mã hoặc tên yếu tố nguy cơ trong danh mục bên dưới, cách nhau bởi dấu chấm phẩy.",
        "poor_household",
        ("nguy co", "co nguy co"),
        width=22,
    ),
    ImportColumn(
        "health_notes",
        "Ghi chú sức khỏe",
        "Không",
        "Bệnh, khuyết tật, điều trị (chỉ ghi điều cần cho việc hỗ trợ).",
        "",
        ("suc khoe", "tinh trang suc khoe"),
        width=30,
    ),
)

COLUMN_BY_KEY: Mapping[str, ImportColumn] = {c.key: c for c in COLUMNS}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold_header(text: str) -> str:
    """`" NGÀY SINH (dd/mm/yyyy)"` → `"ngay sinh dd mm yyyy"`: no diacritics, case, punctuation."""
    return _NON_ALNUM.sub(" ", unidecode(text).lower()).strip()


def _header_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for column in COLUMNS:
        keys[fold_header(column.header)] = column.key
        keys[fold_header(column.header.split("(")[0])] = column.key
        for alias in column.aliases:
            keys[alias] = column.key
    return keys


_HEADER_KEYS = _header_keys()


def header_key(text: object) -> str | None:
    """The column key a header cell denotes, or None for an unknown header."""
    if not isinstance(text, str):
        return None
    return _HEADER_KEYS.get(fold_header(text))


def column_label(key: str) -> str | None:
    """The Vietnamese header of a column key (for reports)."""
    column = COLUMN_BY_KEY.get(key)
    return column.header if column else None


_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _write_table(sheet: object, start_row: int, rows: Iterable[Iterable[object]]) -> int:
    """Write rows from `start_row`, the first one bold; returns the next free row."""
    row_number = start_row
    for index, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=col, value=value)  # type: ignore[attr-defined]
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index == 0:
                cell.font = Font(bold=True)
                cell.fill = _HEADER_FILL
        row_number += 1
    return row_number + 1


def build_template(at_risk: Mapping[str, str]) -> bytes:
    """The import template as XLSX bytes: the data sheet and a guide sheet.

    `at_risk` maps the active at-risk category codes to their Vietnamese names.
    """
    workbook = Workbook()
    data = workbook.active
    data.title = DATA_SHEET
    for col, column in enumerate(COLUMNS, start=1):
        cell = data.cell(row=1, column=col, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(col)
        data.column_dimensions[letter].width = column.width
        if column.number_format:
            # A column style (not cells): Excel applies it to what people type, so IDs, phones
            # and codes stay text with their leading zeros, and the sheet keeps no empty rows.
            data.column_dimensions[letter].number_format = column.number_format
    data.freeze_panes = "A2"
    sex_column = get_column_letter(list(COLUMN_BY_KEY).index("sex") + 1)
    sex_list = DataValidation(type="list", formula1='"Nam,Nữ"', allow_blank=True)
    sex_list.error = "Chỉ nhận Nam hoặc Nữ."
    data.add_data_validation(sex_list)
    sex_list.add(f"{sex_column}2:{sex_column}{TEMPLATE_ROWS + 1}")

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 60
    guide.column_dimensions["C"].width = 26
    guide.column_dimensions["D"].width = 24
    guide["A1"] = "Mẫu nhập danh sách trẻ em có hoàn cảnh đặc biệt / có nguy cơ"
    guide["A1"].font = Font(bold=True, size=13)
    guide["A2"] = (
        f"Mỗi dòng của trang '{DATA_SHEET}' là một trẻ. Giữ nguyên dòng tiêu đề (có thể đổi "
        "chữ hoa/thường). Khi tải lên, chọn chế độ all_or_nothing (có dòng lỗi thì không nhập "
        "dòng nào) hoặc valid_only (chỉ nhập các dòng hợp lệ); dry_run để chỉ kiểm tra."
    )
    guide["A2"].alignment = Alignment(wrap_text=True)
    guide.merge_cells("A2:D2")
    guide.row_dimensions[2].height = 48
    next_row = _write_table(
        guide,
        4,
        [("Cột", "Cách điền", "Bắt buộc", "Ví dụ")]
        + [(c.header, c.help, c.required, c.example) for c in COLUMNS],
    )
    next_row = _write_table(
        guide,
        next_row,
        [("Mã nhóm", "Nhóm trẻ em có hoàn cảnh đặc biệt (Điều 10 Luật Trẻ em 2016)", "Nhạy cảm")]
        + [(g.code, g.name_vi, "Có" if g.sensitive else "") for g in LEGAL_GROUPS.values()],
    )
    _write_table(
        guide,
        next_row,
        [
            ("Mã yếu tố nguy cơ", "Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt"),
            *sorted(at_risk.items()),
        ],
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- reading an upload -----------------------------------------------------------------


class ImportFileError(ValueError):
    """The upload is not a usable workbook (not XLSX, no header row, no data, too large)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetRow:
    number: int
    """Row number as Excel shows it."""
    values: Mapping[str, object]
    """Column key → raw cell value."""


@dataclass(frozen=True)
class ImportSheet:
    sheet_name: str
    header_row: int
    columns: tuple[str, ...]
    ignored_headers: tuple[str, ...]
    rows: tuple[SheetRow, ...]


# -- reading the workbook ---------------------------------------------------------------


def is_blank(value: object) -> bool:
    """An empty cell, or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _header_map(cells: tuple[object, ...]) -> tuple[dict[int, str], list[str]]:
    found: dict[int, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if key is not None and key not in found.values():
            found[index] = key
        elif isinstance(cell, str) and cell.strip():
            ignored.append(" ".join(cell.split()))
    return found, ignored


def _read_sheet(sheet: Any, max_rows: int) -> ImportSheet | None:
    rows: Iterator[tuple[object, ...]] = sheet.iter_rows(values_only=True)
    for header_number, cells in enumerate(rows, start=1):
        if header_number > HEADER_SEARCH_ROWS:
            return None
        columns, ignored = _header_map(tuple(cells))
        if "full_name" in columns.values() and len(columns) >= 3:
            break
    else:
        return None
    data: list[SheetRow] = []
    for number, cells in enumerate(rows, start=header_number + 1):
        values = {key: cells[i] for i, key in columns.items() if i < len(cells)}
        if all(is_blank(v) for v in values.values()):
            continue
        if len(data) >= max_rows:
            raise ImportFileError(
                f"Tệp có quá nhiều dòng (tối đa {max_rows:_} dòng mỗi lần nhập); ".replace("_", ".")
                + "hãy chia thành nhiều tệp nhỏ hơn."
            )
        data.append(SheetRow(number, values))
    return ImportSheet(
        sheet.title, header_number, tuple(columns.values()), tuple(ignored), tuple(data)
    )


def read_workbook(data: bytes, *, max_rows: int = MAX_ROWS) -> ImportSheet:
    """The first sheet with a recognisable header row, and its non-blank rows."""
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFileError(
            "Tệp không phải bảng tính Excel (.xlsx) hợp lệ. Hãy mở tệp bằng Excel, chọn Lưu "
            "thành → Excel Workbook (.xlsx), rồi tải lên lại."
        ) from exc
    try:
        for sheet in workbook.worksheets:
            found = _read_sheet(sheet, max_rows)
            if found is not None:
                break
        else:
            raise ImportFileError(
                "Không tìm thấy dòng tiêu đề trong tệp: cần ít nhất cột 'Họ và tên' và hai cột "
                "khác của mẫu (ví dụ 'Ngày sinh (dd/mm/yyyy)', 'Mã xã/phường') trong 10 dòng "
                "đầu. Hãy dùng mẫu tại /v1/imports/children/template.xlsx."
            )
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise ImportFileError(
            "Tệp Excel bị hỏng, không đọc được nội dung. Hãy mở tệp bằng Excel, lưu lại dưới "
            "dạng Excel Workbook (.xlsx) rồi tải lên lại."
        ) from exc
    finally:
        workbook.close()
    if not found.rows:
        raise ImportFileError("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
    return found
