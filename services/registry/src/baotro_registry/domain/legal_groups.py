"""The 14 groups of children in special circumstances (Luật Trẻ em 2016, Điều 10)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalGroup:
    code: str
    name_vi: str
    sensitive: bool
    """Never in a public appeal, even anonymised (UNICEF reporting guidelines)."""


LEGAL_GROUPS: dict[str, LegalGroup] = {
    g.code: g
    for g in (
        LegalGroup("a", "Trẻ em mồ côi cả cha và mẹ", False),
        LegalGroup("b", "Trẻ em bị bỏ rơi", False),
        LegalGroup("c", "Trẻ em không nơi nương tựa", False),
        LegalGroup("d", "Trẻ em khuyết tật", False),
        LegalGroup("đ", "Trẻ em nhiễm HIV/AIDS", True),
        LegalGroup("e", "Trẻ em vi phạm pháp luật", True),
        LegalGroup("g", "Trẻ em nghiện ma túy", True),
        LegalGroup(
            "h",
            "Trẻ em phải bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục trung học cơ sở",
            False,
        ),
        LegalGroup(
            "i", "Trẻ em bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực", False
        ),
        LegalGroup("k", "Trẻ em bị bóc lột", False),
        LegalGroup("l", "Trẻ em bị xâm hại tình dục", True),
        LegalGroup("m", "Trẻ em bị mua bán", True),
        LegalGroup(
            "n",
            "Trẻ em mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày thuộc hộ nghèo "
            "hoặc hộ cận nghèo",
            False,
        ),
        LegalGroup(
            "o",
            "Trẻ em di cư, trẻ em lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có "
            "người chăm sóc",
            False,
        ),
    )
}


def normalise_group_code(raw: str) -> str:
    """`"Đ"`, `" d "` → canonical lower-case code; `"dd"` is accepted for `đ` (ASCII keyboards)."""
    code = raw.strip().lower()
    return "đ" if code == "dd" else code


class UnknownGroupError(ValueError):
    """Codes that are not among the 14 groups; the message (Vietnamese) lists the valid ones."""


def parse_group_codes(raw: list[str]) -> tuple[str, ...]:
    """Canonical, de-duplicated codes in the law's order; unknown codes refused by name."""
    codes = [normalise_group_code(g) for g in raw]
    unknown = [r for r, c in zip(raw, codes, strict=True) if c not in LEGAL_GROUPS]
    if unknown:
        raise UnknownGroupError(
            f"Mã nhóm không hợp lệ: {', '.join(repr(u) for u in unknown)}. Các mã theo Điều 10 "
            f"Luật Trẻ em 2016 là: {', '.join(LEGAL_GROUPS)}."
        )
    order = list(LEGAL_GROUPS)
    return tuple(sorted(set(codes), key=order.index))
