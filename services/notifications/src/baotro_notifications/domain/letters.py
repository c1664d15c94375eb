"""What a letter says: the facts of a thank-you, a unit summary, a correction or a
commendation notice, and the anonymised purpose of a gift. Rendering lives in the adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from baotro_notifications.domain.notices import NoticeKind


@dataclass(frozen=True)
class Letterhead:
    """The fund's letterhead and signature block (configuration)."""

    fund_name: str
    parent_body: str
    address: str
    place: str
    director_title: str
    director_name: str
    phone: str | None = None


@dataclass(frozen=True)
class Letter:
    """Everything a notice of any kind tells one donor."""

    kind: NoticeKind
    addressee: str
    amount: int
    letter_date: date
    purpose: str
    received_on: date | None = None
    receipt_number: str | None = None
    gifts: int = 1
    in_kind: bool = False
    first_gift_on: date | None = None
    last_gift_on: date | None = None
    told_amount: int | None = None
    award: str | None = None
    award_reason: str | None = None
    certificate_number: str | None = None
    pledge_target: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return SUBJECTS[self.kind]


SUBJECTS = {
    NoticeKind.THANK_YOU: "Thư cảm ơn của Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    NoticeKind.UNIT_SUMMARY: "Thư cảm ơn tập thể của Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    NoticeKind.CORRECTION: "Đính chính thư cảm ơn của Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    NoticeKind.COMMENDATION: "Thông báo khen thưởng của Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
}


@dataclass(frozen=True)
class Certificate:
    """A commendation certificate (Giấy khen, Bằng khen) as printed."""

    title: str
    issuer: str
    """"GIÁM ĐỐC QUỸ BẢO TRỢ TRẺ EM TỈNH THANH HÓA" (then "TẶNG")."""
    awarded_to: str
    reason: str
    number: str
    issued_on: date
    signer_title: str
    signer_name: str
    award: str


def gift_purpose(
    target_kind: str,
    *,
    campaign_name: str | None = None,
    appeal_alias: str | None = None,
) -> str:
    """The purpose of a gift as a letter may say it: a campaign by its name, an appeal by its
    published alias, never a child's name (only ids reach this service)."""
    if campaign_name and target_kind in ("campaign", "pledge"):
        return f"ủng hộ chương trình “{campaign_name}”"
    if target_kind in ("campaign", "pledge"):
        return "ủng hộ chương trình vận động của Quỹ"
    if target_kind == "appeal":
        if appeal_alias:
            return f"ủng hộ lời kêu gọi giúp đỡ {appeal_alias}"
        return "ủng hộ đợt vận động giúp đỡ trẻ em có hoàn cảnh đặc biệt"
    if target_kind == "sponsorship":
        return "đỡ đầu trẻ em có hoàn cảnh đặc biệt"
    if target_kind == "case":
        return "hỗ trợ trẻ em có hoàn cảnh đặc biệt"
    return "ủng hộ Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa"


def award_title(award: str) -> str:
    """The big title of a certificate: "BẰNG KHEN", "GIẤY KHEN" or "GIẤY CHỨNG NHẬN"."""
    lowered = award.strip().lower()
    if lowered.startswith("bằng khen"):
        return "BẰNG KHEN"
    if lowered.startswith("giấy khen"):
        return "GIẤY KHEN"
    return "GIẤY CHỨNG NHẬN"
