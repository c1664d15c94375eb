"""The XLSX template of the bulk import: its sheets, its headers, and tolerant header matching."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from baotro_registry.domain.import_template import (
    COLUMNS,
    DATA_SHEET,
    GUIDE_SHEET,
    ImportFileError,
    build_template,
    header_key,
    read_workbook,
)
from baotro_registry.domain.legal_groups import LEGAL_GROUPS

AT_RISK = {"poor_household": "Trẻ em thuộc hộ nghèo, hộ cận nghèo"}


def test_template_has_a_data_sheet_with_vietnamese_headers_and_a_guide() -> None:
    workbook = load_workbook(BytesIO(build_template(AT_RISK)))

    assert workbook.sheetnames == [DATA_SHEET, GUIDE_SHEET]
    headers = [c.value for c in workbook[DATA_SHEET][1]]
    assert headers == [c.header for c in COLUMNS]
    assert headers[:5] == [
        "Họ và tên",
        "Ngày sinh (dd/mm/yyyy)",
        "Năm sinh",
        "Giới tính (Nam/Nữ)",
        "Mã định danh cá nhân",
    ]
    guide = [row for row in workbook[GUIDE_SHEET].iter_rows(values_only=True)]
    explained = {row[0] for row in guide}
    assert {c.header for c in COLUMNS} <= explained
    assert set(LEGAL_GROUPS) <= explained
    assert ("poor_household", "Trẻ em thuộc hộ nghèo, hộ cận nghèo", None, None) in guide


def test_template_keeps_ids_phones_and_codes_as_text() -> None:
    sheet = load_workbook(BytesIO(build_template({})))[DATA_SHEET]
    formats = {
        c.header: sheet.column_dimensions[chr(ord("A") + i)].number_format
        for i, c in enumerate(COLUMNS)
    }

    assert formats["Mã định danh cá nhân"] == "@"
    assert formats["SĐT người giám hộ"] == "@"
    assert formats["Mã xã/phường"] == "@"
    assert formats["Ngày sinh (dd/mm/yyyy)"] == "DD/MM/YYYY"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Họ và tên", "full_name"),
        ("  HỌ   VÀ TÊN ", "full_name"),
        ("ho va ten", "full_name"),
        ("Ngày sinh", "date_of_birth"),
        ("NGAY SINH (DD/MM/YYYY)", "date_of_birth"),
        ("Giới tính", "sex"),
        ("Mã định danh", "national_id"),
        ("Mã xã / phường", "commune_code"),
        ("Tên xã/phường cũ", "old_commune_name"),
        ("huyện cũ", "old_district"),
        ("Sđt người giám hộ", "guardian_phone"),
        ("Nhóm (a, b, …)", "groups"),
        ("Nhóm", "groups"),
        ("Yếu tố nguy cơ", "at_risk"),
        ("Ghi chú sức khỏe", "health_notes"),
        ("Ghi chú", None),
        ("STT", None),
        (None, None),
        (42, None),
    ],
)
def test_headers_are_recognised_whatever_case_diacritics_and_spaces(
    text: object, key: str | None
) -> None:
    assert header_key(text) == key


def test_the_empty_template_is_refused_as_having_no_data() -> None:
    with pytest.raises(ImportFileError, match="không có dòng dữ liệu"):
        read_workbook(build_template(AT_RISK))


def test_a_damaged_sheet_inside_a_valid_zip_is_refused_in_vietnamese() -> None:
    source = zipfile.ZipFile(BytesIO(build_template({})))
    damaged = BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(name, data)

    with pytest.raises(ImportFileError, match="bị hỏng"):
        read_workbook(damaged.getvalue())
