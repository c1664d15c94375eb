"""Vietnamese labels of the codes that travel in events (channels, purposes, legal groups)."""

from __future__ import annotations

CHANNELS: dict[str, str] = {
    "bank": "Chuyển khoản",
    "webhook": "Chuyển khoản",
    "cash": "Tiền mặt",
    "in_kind": "Hiện vật",
}

DONOR_KINDS: dict[str, str] = {
    "person": "Cá nhân",
    "household": "Hộ gia đình",
    "enterprise": "Doanh nghiệp",
    "agency": "Cơ quan, tổ chức",
    "unit": "Đơn vị đăng ký ủng hộ",
    "unknown": "Chưa xác định",
}

TARGETS: dict[str, str] = {
    "general": "Ủng hộ Quỹ",
    "campaign": "Ủng hộ chiến dịch",
    "pledge": "Ủng hộ theo đăng ký của đơn vị",
    "appeal": "Ủng hộ hoàn cảnh",
    "sponsorship": "Đỡ đầu trẻ em",
    "case": "Hỗ trợ trẻ em",
}

PURPOSES: dict[str, str] = {
    "scholarship": "Học bổng",
    "school_supplies": "Đồ dùng học tập",
    "medical": "Khám, chữa bệnh",
    "nutrition": "Dinh dưỡng",
    "housing": "Nhà ở",
    "living_costs": "Hỗ trợ sinh hoạt",
    "assistive_device": "Dụng cụ hỗ trợ",
    "vocational_training": "Học nghề",
    "emergency_relief": "Hỗ trợ khẩn cấp",
    "gifts": "Quà tặng",
    "fund_operations": "Hoạt động của Quỹ",
    "other": "Khác",
}

GROUPS: dict[str, str] = {
    "a": "Mồ côi cả cha và mẹ",
    "b": "Bị bỏ rơi",
    "c": "Không nơi nương tựa",
    "d": "Khuyết tật",
    "đ": "Nhiễm HIV/AIDS",
    "e": "Vi phạm pháp luật",
    "g": "Nghiện ma túy",
    "h": "Bỏ học kiếm sống",
    "i": "Bị tổn hại do bạo lực",
    "k": "Bị bóc lột",
    "l": "Bị xâm hại tình dục",
    "m": "Bị mua bán",
    "n": "Bệnh hiểm nghèo, hộ nghèo/cận nghèo",
    "o": "Di cư, lánh nạn, tị nạn",
}

SENSITIVE_GROUPS = frozenset({"đ", "e", "g", "l", "m"})
"""UNICEF guidelines: never named publicly, even anonymised (see domain-vn.md)."""

PROTECTED_GROUP_LABEL = "Trẻ em có hoàn cảnh đặc biệt (nhóm được bảo mật)"

AGE_BANDS: dict[str, str] = {
    "0-2": "Dưới 3 tuổi",
    "3-5": "Từ 3 đến 5 tuổi",
    "6-10": "Từ 6 đến 10 tuổi",
    "11-15": "Từ 11 đến 15 tuổi",
    "16-17": "Từ 16 đến 17 tuổi",
    "18+": "Từ 18 tuổi",
}

STAGES: dict[str, str] = {
    "new": "Mới tiếp nhận",
    "assessment": "Đánh giá",
    "case_plan": "Lập kế hoạch",
    "services": "Đang hỗ trợ",
    "closed": "Đã đóng",
    "reopened": "Mở lại",
}


def label(table: dict[str, str], code: str | None, default: str = "Khác") -> str:
    """The label of `code`, or `default` for a code this version does not know."""
    return table.get(code or "", default)


def group_label(code: str) -> str:
    """A group's name; for the public, the sensitive groups are not named."""
    return label(GROUPS, code, code)


def public_groups(codes: tuple[str, ...] | list[str]) -> str:
    """ "Khuyết tật; Không nơi nương tựa" — sensitive groups fold into one neutral label."""
    labels: list[str] = []
    for code in codes:
        text = PROTECTED_GROUP_LABEL if code in SENSITIVE_GROUPS else group_label(code)
        if text not in labels:
            labels.append(text)
    return "; ".join(labels)
