"""Bulk import of children from XLSX: reading the sheet and checking each row (no I/O).

Cells arrive as Excel left them: dates as date cells or text, IDs and phone numbers as
numbers that lost their leading zero, codes of communes that no longer exist (a 2023 list
uses district-era units). Each row becomes a `Child` through `new_child`, or a list of
problems whose reasons are Vietnamese and never repeat the personal data itself.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from baotro_registry.domain.children import (
    Child,
    ChildRejectedError,
    PersonalData,
    Sex,
    new_child,
    normalise_national_id,
    normalise_phone,
    validate_groups,
)
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.duplicates import DuplicateCandidate, MatchLevel, compare
from baotro_registry.domain.import_template import SheetRow, column_label, is_blank
from baotro_registry.domain.legacy_communes import LegacyDirectory, ResolvedCommune
from baotro_shared.text import fold

T = TypeVar("T")


class ImportMode(enum.StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ONLY = "valid_only"


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    IMPORTING = "importing"
    COMPLETED = "completed"
    FAILED = "failed"
    INVALID_FILE = "invalid_file"


# -- cells ----------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")
_SEPARATORS = re.compile(r"[\s.\-()]")


def _number_text(value: object) -> str | None:
    """Digits of a numeric cell (Excel stores `0912…` typed as a number as `912…`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


def cell_text(value: object) -> str | None:
    """A cell as trimmed text with single spaces; None when blank."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    text = _number_text(value) or str(value)
    text = " ".join(text.split())
    return text or None


def parse_date(value: object) -> date | None:
    """A date cell, an Excel serial number, or text `dd/mm/yyyy` (also `-` or `.`)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    serial = _number_text(value)
    if serial is not None and int(serial) > 3000:  # 1908 onwards; smaller numbers are years
        return _EXCEL_EPOCH + timedelta(days=int(serial))
    text = (cell_text(value) or "").split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ChildRejectedError(
        "date_of_birth",
        "Ngày sinh không đúng dạng ngày/tháng/năm (dd/mm/yyyy); nếu chỉ biết năm sinh, hãy "
        "điền vào cột Năm sinh.",
    )


def parse_year(value: object) -> int | None:
    if is_blank(value):
        return None
    text = cell_text(value) or ""
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    raise ChildRejectedError("birth_year", "Năm sinh phải là số có 4 chữ số, ví dụ 2016.")


_SEXES = {
    "nam": Sex.MALE,
    "trai": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "nu": Sex.FEMALE,
    "gai": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
}


def parse_sex(value: object) -> Sex | None:
    if is_blank(value):
        return None
    sex = _SEXES.get(fold(cell_text(value) or "").lower())
    if sex is None:
        raise ChildRejectedError("sex", "Giới tính chỉ nhận Nam hoặc Nữ.")
    return sex


def parse_national_id(value: object) -> str | None:
    """12 digits; a numeric cell that lost its leading zero(s) gets them back."""
    digits = _number_text(value)
    if digits is not None and 10 <= len(digits) < 12:
        # Every personal ID starts with a province code 001–096, hence with a zero.
        return normalise_national_id(digits.zfill(12))
    return normalise_national_id(cell_text(value))


def parse_phone(value: object) -> str | None:
    """A mobile number; the leading zero Excel drops from `0912 345 678` is put back."""
    text = cell_text(value)
    if text is None:
        return None
    compact = _SEPARATORS.sub("", text)
    if compact.isdigit() and len(compact) == 9 and compact[0] in "35789":
        compact = "0" + compact
    return normalise_phone(compact)


def split_codes(value: object) -> list[str]:
    text = cell_text(value)
    if text is None:
        return []
    return [part for part in re.split(r"[,;/\s]+", text) if part]


def parse_at_risk(value: object, categories: Mapping[str, str]) -> list[str]:
    """Codes of the at-risk categories named in a cell, by code or Vietnamese name."""
    text = cell_text(value)
    if text is None:
        return []
    by_name = {fold(name): code for code, name in categories.items()}
    by_name.update({fold(code): code for code in categories})
    codes: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in re.split(r"[;\n]+", text)):
        if not part:
            continue
        # Names may hold commas ("hộ nghèo, hộ cận nghèo"): whole part first, then its pieces.
        code = by_name.get(fold(part))
        pieces = [by_name.get(fold(piece)) for piece in part.split(",") if piece.strip()]
        if code is not None:
            codes.append(code)
        elif pieces and all(pieces):
            codes.extend(c for c in pieces if c is not None)
        else:
            unknown.append(part)
    if unknown:
        raise ChildRejectedError(
            "at_risk",
            f"Yếu tố nguy cơ không có trong danh mục: {', '.join(unknown)}. Xem trang "
            "'Hướng dẫn' của mẫu hoặc /v1/reference/at-risk.",
        )
    return list(dict.fromkeys(codes))


# -- communes ------------------------------------------------------------------------------


def resolve_commune(values: Mapping[str, object], legacy: LegacyDirectory) -> ResolvedCommune:
    """The new commune of a row: from its code (new or old) or its old name and district."""
    code = cell_text(values.get("commune_code"))
    old_name = cell_text(values.get("old_commune_name"))
    district = cell_text(values.get("old_district"))
    province = legacy.new_directory.province_name
    if code is None and old_name is None:
        raise ChildRejectedError(
            "commune_code", "Cần Mã xã/phường hoặc Tên xã/phường cũ (kèm Huyện cũ)."
        )
    if code is not None:
        # A district or an old name means the row comes from a district-era list.
        old_row = district is not None or old_name is not None
        resolved = legacy.resolve(code, district, legacy=old_row)
        if resolved is None and old_row:
            resolved = legacy.resolve(code)
        if resolved is not None:
            return resolved
        if old_name is None:
            raise ChildRejectedError(
                "commune_code",
                f"Mã xã/phường '{code}' không có trong danh mục xã/phường mới hay cũ (trước "
                f"01/7/2025) của {province}.",
            )
    assert old_name is not None
    # The column says "old": a new unit of that name is only a fallback when no old one has it.
    resolved = legacy.resolve(old_name, district, legacy=True)
    if resolved is not None:
        return resolved
    if len(legacy.find(old_name, district)) > 1:
        raise ChildRejectedError(
            "old_district",
            f"Có nhiều xã/phường cũ tên '{old_name}' ở các huyện khác nhau: hãy điền cột "
            "Huyện cũ cho đúng.",
        )
    resolved = legacy.resolve(old_name, district)
    if resolved is not None:
        return resolved
    where = f" thuộc huyện '{district}'" if district else ""
    raise ChildRejectedError(
        "old_commune_name",
        f"Không tìm thấy xã/phường '{old_name}'{where} trong danh mục của {province}.",
    )


# -- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "column": column_label(self.field),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CheckedRow:
    row: int
    child: Child
    commune: ResolvedCommune


@dataclass(frozen=True)
class RowContext:
    """What checking a row needs besides the row: reference data, who, when."""

    directory: CommuneDirectory
    legacy: LegacyDirectory
    at_risk: Mapping[str, str]
    """Active at-risk category codes → Vietnamese names."""
    created_by: str
    now: datetime
    today: date


def _attempt(problems: list[RowProblem], row: int, parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except ChildRejectedError as exc:
        problems.append(RowProblem(row, exc.field, exc.message))
        return None


def check_row(row: SheetRow, ctx: RowContext) -> CheckedRow | list[RowProblem]:
    """The child a row describes, or every problem found in it."""
    v, n = row.values, row.number
    problems: list[RowProblem] = []
    dob = _attempt(problems, n, lambda: parse_date(v.get("date_of_birth")))
    year = _attempt(problems, n, lambda: parse_year(v.get("birth_year")))
    sex = _attempt(problems, n, lambda: parse_sex(v.get("sex")))
    national_id = _attempt(problems, n, lambda: parse_national_id(v.get("national_id")))
    phone = _attempt(problems, n, lambda: parse_phone(v.get("guardian_phone")))
    at_risk = _attempt(problems, n, lambda: parse_at_risk(v.get("at_risk"), ctx.at_risk))
    groups = split_codes(v.get("groups"))
    _attempt(problems, n, lambda: validate_groups(groups, allow_empty=bool(at_risk)))
    commune = _attempt(problems, n, lambda: resolve_commune(v, ctx.legacy))
    if problems or commune is None:
        return problems
    personal = PersonalData(
        full_name=cell_text(v.get("full_name")) or "",
        date_of_birth=dob,
        national_id=national_id,
        address=cell_text(v.get("address")),
        guardian_name=cell_text(v.get("guardian_name")),
        guardian_phone=phone,
        school=cell_text(v.get("school")),
        health_notes=cell_text(v.get("health_notes")),
    )
    try:
        child = new_child(
            personal=personal,
            commune_code=commune.code,
            birth_year=year,
            sex=sex,
            groups=groups,
            at_risk=at_risk or [],
            known_at_risk=set(ctx.at_risk),
            directory=ctx.directory,
            created_by=ctx.created_by,
            now=ctx.now,
            today=ctx.today,
        )
    except ChildRejectedError as exc:
        return [RowProblem(n, exc.field, exc.message)]
    return CheckedRow(n, child, commune)


class FileDuplicates:
    """Earlier valid rows of the same file, indexed like `ChildRepository.candidates`."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, ...], list[CheckedRow]] = {}

    @staticmethod
    def _keys(child: Child) -> list[tuple[str, ...]]:
        p = child.personal
        keys: list[tuple[str, ...]] = [("name", fold(p.full_name))]
        keys += [("place", child.commune_code, str(child.birth_year + d)) for d in (-1, 0, 1)]
        if p.national_id:
            keys.append(("id", p.national_id))
        return keys

    def matches(self, child: Child) -> list[tuple[int, DuplicateCandidate]]:
        """(row, candidate) for earlier rows that may be the same child, best first."""
        seen: dict[int, CheckedRow] = {}
        for key in self._keys(child):
            for earlier in self._by_key.get(key, ()):
                seen[earlier.row] = earlier
        found = [
            (row, candidate)
            for row, earlier in seen.items()
            if (candidate := compare(child, earlier.child)) is not None
        ]
        return sorted(found, key=lambda pair: pair[1].score, reverse=True)

    def add(self, checked: CheckedRow) -> None:
        child = checked.child
        own = [("place", child.commune_code, str(child.birth_year))]
        for key in [k for k in self._keys(child) if k[0] != "place"] + own:
            self._by_key.setdefault(key, []).append(checked)


_REASONS_VI = {
    "national_id": "cùng mã định danh cá nhân",
    "name": "cùng họ tên",
    "similar_name": "họ tên gần giống",
    "date_of_birth": "cùng ngày sinh",
    "birth_year": "cùng năm sinh",
    "commune": "cùng xã/phường",
    "guardian_name": "cùng người giám hộ",
}


def duplicate_reason(candidate: DuplicateCandidate, *, other_row: int | None) -> str:
    """Why a row is refused as a likely duplicate; names the evidence, never the values."""
    evidence = ", ".join(_REASONS_VI.get(r, r) for r in candidate.reasons)
    if other_row is not None:
        return f"Nhiều khả năng trùng với dòng {other_row} trong cùng tệp ({evidence})."
    return (
        f"Nhiều khả năng trùng với một hồ sơ đã có trong hệ thống ({evidence}). Không tự gộp: "
        "hãy kiểm tra hồ sơ đó; nếu đúng là trẻ khác, đăng ký riêng trẻ này và xác nhận không "
        "trùng."
    )


@dataclass
class ImportReport:
    """What happened to each row; JSON without personal data."""

    rows: int
    rejected: list[RowProblem] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    conversions: dict[str, dict[str, Any]] = field(default_factory=dict)
    row_status: dict[int, str] = field(default_factory=dict)
    child_ids: dict[int, uuid.UUID] = field(default_factory=dict)

    def reject(self, problems: list[RowProblem]) -> None:
        self.rejected.extend(problems)
        for problem in problems:
            self.row_status[problem.row] = "rejected"

    def duplicate(
        self,
        row: int,
        candidate: DuplicateCandidate,
        *,
        other_row: int | None,
        rejected: bool,
    ) -> None:
        self.duplicates.append(
            {
                "row": row,
                "level": candidate.level.value,
                "score": candidate.score,
                "reasons": list(candidate.reasons),
                "other_row": other_row,
                "existing_child_id": None if other_row is not None else str(candidate.child.id),
                "existing_commune_code": None
                if other_row is not None
                else candidate.child.commune_code,
                "action": "rejected" if rejected else "warning",
            }
        )

    def converted(self, row: int, commune: ResolvedCommune) -> None:
        if not commune.converted or commune.old_code is None:
            return
        entry = self.conversions.setdefault(
            commune.old_code,
            {
                "old_code": commune.old_code,
                "old_name": commune.old_name,
                "old_district": commune.old_district_name,
                "new_code": commune.code,
                "new_name": commune.name,
                "other_codes": list(commune.other_codes),
                "note": (
                    "Đơn vị cũ được chia cho nhiều xã/phường mới; đã chọn đơn vị nhận phần "
                    "lớn, cần kiểm tra lại địa bàn của trẻ."
                    if commune.other_codes
                    else None
                ),
                "rows": [],
            },
        )
        entry["rows"].append(row)

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.rejected})

    def to_json(self, *, mode: ImportMode, dry_run: bool, imported: int) -> dict[str, Any]:
        return {
            "message": summary_message(
                mode=mode,
                dry_run=dry_run,
                rows=self.rows,
                rejected_rows=self.rejected_rows,
                imported=imported,
            ),
            "rejected": [p.to_json() for p in sorted(self.rejected, key=lambda p: p.row)],
            "duplicates": sorted(self.duplicates, key=lambda d: d["row"]),
            "converted_communes": sorted(self.conversions.values(), key=lambda c: c["rows"][0]),
            "row_results": [
                {
                    "row": row,
                    "status": status,
                    "child_id": str(self.child_ids[row]) if row in self.child_ids else None,
                }
                for row, status in sorted(self.row_status.items())
            ],
        }


def likely(candidates: list[DuplicateCandidate]) -> list[DuplicateCandidate]:
    return [c for c in candidates if c.level is MatchLevel.LIKELY]


def summary_message(
    *, mode: ImportMode, dry_run: bool, rows: int, rejected_rows: int, imported: int
) -> str:
    """One Vietnamese sentence on the outcome of an import."""
    valid = rows - rejected_rows
    if dry_run:
        return f"Kiểm tra thử: {valid}/{rows} dòng hợp lệ, {rejected_rows} dòng lỗi; chưa nhập."
    if imported:
        tail = f"; {rejected_rows} dòng bị từ chối." if rejected_rows else "."
        return f"Đã nhập {imported}/{rows} dòng{tail}"
    if rejected_rows and mode is ImportMode.ALL_OR_NOTHING:
        return (
            f"Không nhập dòng nào: {rejected_rows} dòng lỗi (chế độ tất cả hoặc không). "
            "Sửa các dòng lỗi rồi tải lên lại, hoặc chọn chế độ valid_only."
        )
    return "Không có dòng hợp lệ nào để nhập."


@dataclass(frozen=True)
class ChildImport:
    """One upload and where its processing stands (the file itself stays in storage)."""

    id: uuid.UUID
    created_at: datetime
    created_by: str
    created_by_role: str
    filename: str | None
    size_bytes: int
    sha256: str
    mode: ImportMode
    dry_run: bool
    status: ImportStatus
    rows: int
    processed: int
    valid: int
    imported: int
    error: str | None
    report: Mapping[str, Any] | None
    finished_at: datetime | None
