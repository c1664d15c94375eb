"""Reading an import workbook and checking its rows, without any I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from baotro_registry.domain.child_import import (
    CheckedRow,
    FileDuplicates,
    ImportMode,
    ImportReport,
    RowContext,
    RowProblem,
    check_row,
    parse_at_risk,
    parse_date,
    parse_national_id,
    parse_phone,
    parse_sex,
    resolve_commune,
    summary_message,
)
from baotro_registry.domain.children import ChildRejectedError, Sex
from baotro_registry.domain.communes import commune_directory
from baotro_registry.domain.import_template import ImportFileError, SheetRow, read_workbook
from baotro_registry.domain.legacy_communes import legacy_directory

HAC_THANH = "14797"
TODAY = date(2026, 11, 26)
CATEGORIES = {
    "poor_household": "Trẻ em thuộc hộ nghèo, hộ cận nghèo",
    "parents_away": "Trẻ em có cha mẹ đi làm ăn xa, sống với người thân",
}
CTX = RowContext(
    directory=commune_directory("38"),
    legacy=legacy_directory("38"),
    at_risk=CATEGORIES,
    created_by="worker",
    now=datetime(2026, 11, 26, 3, 0, tzinfo=UTC),
    today=TODAY,
)
GOOD: dict[str, Any] = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": datetime(2016, 3, 9),
    "sex": "Nam",
    "national_id": "038216001234",
    "commune_code": HAC_THANH,
    "guardian_name": "Nguyễn Thị Bình",
    "guardian_phone": "0912 345 678",
    "groups": "a",
}


def _xlsx(rows: list[list[Any]], *, title: str = "Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(**values: Any) -> SheetRow:
    return SheetRow(7, {**GOOD, **values})


def _problems(result: CheckedRow | list[RowProblem]) -> dict[str, str]:
    assert isinstance(result, list), result
    return {p.field: p.reason for p in result}


# -- the workbook ---------------------------------------------------------------------------


def test_finds_the_header_below_a_title_and_keeps_excel_row_numbers() -> None:
    data = _xlsx(
        [
            ["DANH SÁCH TRẺ EM CÓ HOÀN CẢNH ĐẶC BIỆT NĂM 2023"],
            [],
            ["STT", "HỌ VÀ TÊN", "Ngày sinh", "Mã xã", "Huyện cũ", "Ghi chú"],
            [1, "Nguyễn Văn An", "09/03/2016", "14767", "TP Thanh Hóa", "x"],
            [None, None, None, None, None, None],
            [2, "Lê Thị Hoa", "01/01/2015", "14797", None, None],
        ]
    )

    sheet = read_workbook(data)

    assert sheet.header_row == 3
    assert sheet.columns == ("full_name", "date_of_birth", "commune_code", "old_district")
    assert sheet.ignored_headers == ("STT", "Ghi chú")
    assert [r.number for r in sheet.rows] == [4, 6]
    assert sheet.rows[1].values["full_name"] == "Lê Thị Hoa"


def test_a_file_that_is_not_xlsx_is_refused_in_vietnamese() -> None:
    with pytest.raises(ImportFileError, match=r"Excel \(\.xlsx\)"):
        read_workbook(b"Ho va ten;Ngay sinh\nNguyen Van An;09/03/2016\n")


def test_a_workbook_without_a_header_row_is_refused() -> None:
    with pytest.raises(ImportFileError, match="dòng tiêu đề"):
        read_workbook(_xlsx([["Nguyễn Văn An", "09/03/2016", "14797"]]))


def test_a_workbook_with_too_many_rows_is_refused() -> None:
    rows = [["Họ và tên", "Năm sinh", "Mã xã/phường"]] + [["A B", 2016, HAC_THANH]] * 4
    with pytest.raises(ImportFileError, match="tối đa 3 dòng"):
        read_workbook(_xlsx(rows), max_rows=3)


# -- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2016, 3, 9), date(2016, 3, 9)),
        (date(2016, 3, 9), date(2016, 3, 9)),
        ("09/03/2016", date(2016, 3, 9)),
        ("9/3/2016", date(2016, 3, 9)),
        ("09-03-2016", date(2016, 3, 9)),
        ("09.03.2016", date(2016, 3, 9)),
        ("2016-03-09", date(2016, 3, 9)),
        ("09/03/2016 00:00:00", date(2016, 3, 9)),
        (42438, date(2016, 3, 9)),  # an Excel serial number
        (None, None),
        ("  ", None),
    ],
)
def test_dates_from_date_cells_serials_and_dd_mm_yyyy_text(value: object, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2016", "03/09/16/1", "tháng 3", 2016])
def test_unreadable_dates_are_refused(value: object) -> None:
    with pytest.raises(ChildRejectedError) as caught:
        parse_date(value)
    assert caught.value.field == "date_of_birth"
    assert "dd/mm/yyyy" in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (912345678, "0912345678"),  # typed as a number: Excel dropped the zero
        (912345678.0, "0912345678"),
        ("912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        (None, None),
    ],
)
def test_phone_numbers_as_text_or_numbers(value: object, expected: str | None) -> None:
    assert parse_phone(value) == expected


def test_a_bad_phone_number_is_refused_without_repeating_it() -> None:
    with pytest.raises(ChildRejectedError) as caught:
        parse_phone(77777)
    assert "77777" not in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (38216001234, "038216001234"),  # a number without its leading zero
        (1216001234, "001216001234"),
        ("038 216 001 234", "038216001234"),
        (None, None),
    ],
)
def test_national_ids_get_their_leading_zeros_back(value: object, expected: str | None) -> None:
    assert parse_national_id(value) == expected


def test_a_bad_national_id_is_refused_without_repeating_it() -> None:
    with pytest.raises(ChildRejectedError) as caught:
        parse_national_id("0382160012")
    assert caught.value.field == "national_id"
    assert "0382160012" not in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Nam", Sex.MALE), ("NỮ", Sex.FEMALE), ("nu", Sex.FEMALE), ("Trai", Sex.MALE), (None, None)],
)
def test_sex(value: object, expected: Sex | None) -> None:
    assert parse_sex(value) == expected


def test_at_risk_categories_by_code_or_name_even_with_commas_in_names() -> None:
    cell = "Trẻ em thuộc hộ nghèo, hộ cận nghèo; PARENTS_AWAY"

    assert parse_at_risk(cell, CATEGORIES) == ["poor_household", "parents_away"]
    assert parse_at_risk("poor_household, parents_away", CATEGORIES) == [
        "poor_household",
        "parents_away",
    ]
    with pytest.raises(ChildRejectedError, match="không có trong danh mục: mồ côi cha"):
        parse_at_risk("mồ côi cha", CATEGORIES)


# -- communes --------------------------------------------------------------------------------


def test_an_old_2023_code_with_its_district_becomes_the_new_ward() -> None:
    found = resolve_commune({"commune_code": 14767, "old_district": "TP Thanh Hóa"}, CTX.legacy)

    assert (found.code, found.converted, found.old_name) == (HAC_THANH, True, "Phường Điện Biên")


def test_an_old_name_with_its_district_becomes_the_new_ward() -> None:
    found = resolve_commune(
        {"old_commune_name": "xã Quang Trung", "old_district": "Ngọc Lặc"}, CTX.legacy
    )

    assert (found.code, found.name, found.converted) == ("15085", "Xã Thạch Lập", True)


def test_an_old_name_found_in_several_districts_asks_for_the_district() -> None:
    with pytest.raises(ChildRejectedError) as caught:
        resolve_commune({"old_commune_name": "Xã Quang Trung"}, CTX.legacy)
    assert caught.value.field == "old_district"


def test_a_new_code_stays_and_an_unknown_code_is_refused() -> None:
    assert resolve_commune({"commune_code": HAC_THANH}, CTX.legacy).converted is False
    with pytest.raises(ChildRejectedError, match="'99999'"):
        resolve_commune({"commune_code": "99999"}, CTX.legacy)
    with pytest.raises(ChildRejectedError, match="Cần Mã xã/phường"):
        resolve_commune({}, CTX.legacy)


# -- rows ---------------------------------------------------------------------------------------


def test_a_good_row_becomes_a_child() -> None:
    result = check_row(
        _row(national_id=38216001234, guardian_phone=912345678, at_risk="poor_household"), CTX
    )

    assert isinstance(result, CheckedRow)
    child = result.child
    assert child.commune_code == HAC_THANH
    assert child.birth_year == 2016
    assert child.personal.national_id == "038216001234"
    assert child.personal.guardian_phone == "0912345678"
    assert child.groups == ("a",)
    assert child.at_risk == ("poor_household",)
    assert child.created_by == "worker"


def test_every_problem_of_a_row_is_reported_without_the_personal_data() -> None:
    result = check_row(
        _row(
            national_id="11122",
            guardian_phone="777",
            sex="?",
            commune_code="99999",
            groups="z",
            birth_year="hai nghìn",
        ),
        CTX,
    )

    problems = _problems(result)
    assert set(problems) == {
        "national_id",
        "guardian_phone",
        "sex",
        "commune_code",
        "groups",
        "birth_year",
    }
    assert isinstance(result, list)
    assert all(r.row == 7 for r in result)
    text = " ".join(problems.values())
    for secret in ("11122", "777", "Nguyễn", "Bình"):
        assert secret not in text


def test_a_future_birth_date_is_refused() -> None:
    problems = _problems(check_row(_row(date_of_birth="01/01/2027"), CTX))

    assert problems == {"date_of_birth": "Ngày sinh không thể ở tương lai."}


def test_a_row_with_only_a_birth_year_and_an_at_risk_category_is_enough() -> None:
    result = check_row(
        SheetRow(
            3,
            {
                "full_name": "Lê Thị Hoa",
                "birth_year": 2015,
                "commune_code": HAC_THANH,
                "at_risk": "parents_away",
            },
        ),
        CTX,
    )

    assert isinstance(result, CheckedRow)
    assert result.child.birth_year == 2015
    assert result.child.groups == ()


def test_the_same_child_twice_in_a_file_is_found_across_diacritics() -> None:
    index = FileDuplicates()
    first = check_row(SheetRow(2, GOOD), CTX)
    assert isinstance(first, CheckedRow)
    index.add(first)
    again = check_row(SheetRow(9, {**GOOD, "full_name": "NGUYEN VAN AN", "national_id": None}), CTX)
    same_id = check_row(SheetRow(10, {**GOOD, "full_name": "Trần Bình"}), CTX)
    other = check_row(SheetRow(11, {**GOOD, "full_name": "Trần Bình", "national_id": None}), CTX)
    assert isinstance(again, CheckedRow)
    assert isinstance(same_id, CheckedRow)
    assert isinstance(other, CheckedRow)

    [(row, candidate)] = index.matches(again.child)
    assert row == 2
    assert candidate.level.value == "likely"
    assert "date_of_birth" in candidate.reasons
    assert [(r, c.reasons) for r, c in index.matches(same_id.child)] == [(2, ("national_id",))]
    assert index.matches(other.child) == []


def test_report_summary_depends_on_the_mode() -> None:
    report = ImportReport(rows=3)
    report.reject([RowProblem(4, "national_id", "x"), RowProblem(4, "sex", "y")])

    assert report.rejected_rows == 1
    assert "Không nhập dòng nào" in summary_message(
        mode=ImportMode.ALL_OR_NOTHING, dry_run=False, rows=3, rejected_rows=1, imported=0
    )
    assert summary_message(
        mode=ImportMode.VALID_ONLY, dry_run=False, rows=3, rejected_rows=1, imported=2
    ) == ("Đã nhập 2/3 dòng; 1 dòng bị từ chối.")
    body = report.to_json(mode=ImportMode.VALID_ONLY, dry_run=True, imported=0)
    assert body["rejected"][0] == {
        "row": 4,
        "field": "national_id",
        "column": "Mã định danh cá nhân",
        "reason": "x",
    }
    assert body["row_results"] == [{"row": 4, "status": "rejected", "child_id": None}]
