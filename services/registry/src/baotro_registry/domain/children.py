"""A child in the registry: personal data (encrypted at rest) and the non-personal facts."""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime

from baotro_registry.domain.commune_hints import unknown_commune_message
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.legal_groups import UnknownGroupError, parse_group_codes
from baotro_shared.events.contracts.registry import AgeBand


class Sex(enum.StrEnum):
    MALE = "M"
    FEMALE = "F"


class ChildStatus(enum.StrEnum):
    ACTIVE = "active"
    DEPARTED = "departed"


class ChildRejectedError(ValueError):
    """Input that cannot become a child record; `field` names it, `message` is Vietnamese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PersonalData:
    """Everything that identifies the child or the family: encrypted field by field."""

    full_name: str
    date_of_birth: date | None = None
    national_id: str | None = None
    address: str | None = None
    guardian_name: str | None = None
    guardian_phone: str | None = None
    photo_ref: str | None = None
    health_notes: str | None = None
    school: str | None = None

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


PERSONAL_FIELDS = PersonalData.field_names()


@dataclass
class Child:
    id: uuid.UUID
    commune_code: str
    birth_year: int
    personal: PersonalData
    created_at: datetime
    created_by: str
    updated_at: datetime
    sex: Sex | None = None
    groups: tuple[str, ...] = ()
    at_risk: tuple[str, ...] = ()
    status: ChildStatus = ChildStatus.ACTIVE
    subgroups: tuple[str, ...] = field(default_factory=tuple)

    def age_on(self, day: date) -> int:
        """Age in whole years; with only a birth year, the age reached during that year."""
        dob = self.personal.date_of_birth
        if dob is None:
            return day.year - self.birth_year
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def age_band(age: int) -> AgeBand:
    """The age band that events and public pages use instead of a birth date."""
    if age <= 2:
        return "0-2"
    if age <= 5:
        return "3-5"
    if age <= 10:
        return "6-10"
    if age <= 15:
        return "11-15"
    if age <= 17:
        return "16-17"
    return "18+"


_NATIONAL_ID = re.compile(r"^\d{12}$")
_PHONE = re.compile(r"^(?:\+?84|0)(?:3|5|7|8|9)\d{8}$")


def normalise_national_id(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    digits = re.sub(r"[\s.\-]", "", raw)
    if not _NATIONAL_ID.match(digits):
        raise ChildRejectedError("national_id", "Mã định danh cá nhân phải gồm đúng 12 chữ số.")
    return digits


def normalise_phone(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    digits = re.sub(r"[\s.\-()]", "", raw)
    if not _PHONE.match(digits):
        raise ChildRejectedError(
            "guardian_phone",
            "Số điện thoại người giám hộ không hợp lệ (ví dụ đúng: 0912345678).",
        )
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84"):
        digits = "0" + digits[2:]
    return digits


def validate_groups(raw: list[str], *, allow_empty: bool) -> tuple[str, ...]:
    try:
        codes = parse_group_codes(raw)
    except UnknownGroupError as exc:
        raise ChildRejectedError("groups", str(exc)) from exc
    if not codes and not allow_empty:
        raise ChildRejectedError("groups", "Cần ít nhất một nhóm hoặc một yếu tố nguy cơ.")
    return codes


def new_child(
    *,
    personal: PersonalData,
    commune_code: str,
    birth_year: int | None,
    sex: Sex | None,
    groups: list[str],
    at_risk: list[str],
    known_at_risk: set[str],
    directory: CommuneDirectory,
    subgroups: list[str] | None = None,
    known_subgroups: dict[str, str] | None = None,
    created_by: str,
    now: datetime,
    today: date,
) -> Child:
    """Validate and build a child record (not yet saved)."""
    commune = directory.get(commune_code)
    if commune is None:
        raise ChildRejectedError("commune_code", unknown_commune_message(commune_code, directory))
    name = " ".join(personal.full_name.split())
    if len(name) < 2:
        raise ChildRejectedError("full_name", "Cần họ và tên của trẻ.")
    dob = personal.date_of_birth
    if dob is not None and dob > today:
        raise ChildRejectedError("date_of_birth", "Ngày sinh không thể ở tương lai.")
    year = dob.year if dob is not None else birth_year
    if year is None:
        raise ChildRejectedError("birth_year", "Cần ngày sinh hoặc ít nhất năm sinh của trẻ.")
    if dob is not None and birth_year is not None and birth_year != dob.year:
        raise ChildRejectedError("birth_year", "Năm sinh không khớp với ngày sinh.")
    if not today.year - 18 <= year <= today.year:
        raise ChildRejectedError(
            "birth_year", "Năm sinh ngoài độ tuổi trẻ em được hỗ trợ (dưới 18 tuổi)."
        )
    unknown_risks = [r for r in at_risk if r not in known_at_risk]
    if unknown_risks:
        raise ChildRejectedError(
            "at_risk", f"Yếu tố nguy cơ không có trong danh mục: {', '.join(unknown_risks)}."
        )
    groups_checked = validate_groups(groups, allow_empty=bool(at_risk))
    subgroup_codes = validate_subgroups(subgroups or [], groups_checked, known_subgroups or {})
    checked = replace(
        personal,
        full_name=name,
        national_id=normalise_national_id(personal.national_id),
        guardian_phone=normalise_phone(personal.guardian_phone),
    )
    return Child(
        id=uuid.uuid4(),
        commune_code=commune.code,
        birth_year=year,
        personal=checked,
        created_at=now,
        created_by=created_by,
        updated_at=now,
        sex=sex,
        groups=groups_checked,
        at_risk=tuple(dict.fromkeys(at_risk)),
        subgroups=subgroup_codes,
    )


def validate_subgroups(
    subgroups: list[str], groups: tuple[str, ...], known: dict[str, str]
) -> tuple[str, ...]:
    """Sub-groups (Nghị định 56/2017) must be known and belong to one of the child's groups."""
    codes = tuple(dict.fromkeys(s.strip().lower() for s in subgroups))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ChildRejectedError(
            "subgroups", f"Nhóm con không có trong danh mục: {', '.join(unknown)}."
        )
    stray = [c for c in codes if known[c] not in groups]
    if stray:
        raise ChildRejectedError(
            "subgroups",
            f"Nhóm con {', '.join(stray)} không thuộc các nhóm đã chọn ({', '.join(groups)}).",
        )
    return codes
