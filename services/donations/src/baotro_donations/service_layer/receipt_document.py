"""The printable receipt (biên lai) of a donation: a view model, its HTML and its A4 PDF.

Money is written as "Biên lai thu tiền", goods as "Biên bản tiếp nhận hiện vật" with the
description, quantity, unit and value. Nothing on it identifies the donor beyond the name
(never an account number, never the bank memo); an anonymous donor is not named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from baotro_donations.domain.ledger_accounts import (
    RESTRICTION_NAMES_VI,
    RestrictionKind,
    restriction_label,
)
from baotro_donations.service_layer.donation_handlers import Receipt
from baotro_donations.settings import FundConfig
from baotro_shared.amount_words import amount_in_figures
from baotro_shared.documents import render_pdf_async, templates

TEMPLATE = "receipt.html"
PLACE = "Thanh Hóa"
"""The date line's place ("Thanh Hóa, ngày ..."): every fund of the system is in the province."""
DONOR = "Nhà hảo tâm"
ANONYMOUS_DONOR = "Nhà hảo tâm ẩn danh"
CHANNEL_NAMES_VI = {
    "cash": "Tiền mặt",
    "bank": "Chuyển khoản",
    "webhook": "Chuyển khoản",
    "in_kind": "Hiện vật",
}
RESTRICTABLE = frozenset(kind.value for kind in RestrictionKind)
TARGET_NAMES_VI = {
    **{kind.value: name for kind, name in RESTRICTION_NAMES_VI.items()},
    "pledge": "cam kết ủng hộ",
}


@dataclass(frozen=True)
class InKindLine:
    description: str
    quantity: str
    unit: str
    value: int


@dataclass(frozen=True)
class ReceiptView:
    """Everything the template prints, already worded in Vietnamese."""

    number: str
    title: str
    in_kind: InKindLine | None
    governing_body: str | None
    fund_name: str
    fund_address: str | None
    fund_phone: str | None
    place: str
    received_on: date
    donor_label: str
    donor_name: str
    donor_signs_as: str
    amount: int
    original_amount: str | None
    purpose: str
    channel: str
    reversal_note: str | None
    director_title: str
    director_name: str | None
    accountant_name: str | None


def number_vi(value: Decimal, places: int | None = None) -> str:
    """`Decimal("1234.5")` → "1.234,5": dots between thousands, a comma before decimals;
    `places` fixes the decimals, otherwise trailing zeros are dropped."""
    text = f"{value.normalize():,f}" if places is None else f"{value:,.{places}f}"
    whole, _, decimals = text.partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{decimals}" if decimals else whole


def money_vi(value: Decimal) -> str:
    """A foreign amount: "200" when whole, otherwise with cents "12,50"."""
    return number_vi(value, None if value == value.to_integral_value() else 2)


def donor_wording(donor_name: str | None, *, anonymous: bool) -> str:
    """The donor as printed: the name, "Nhà hảo tâm" when unknown, "Nhà hảo tâm ẩn danh" when
    the donor asked not to be named."""
    if anonymous:
        return ANONYMOUS_DONOR
    name = (donor_name or "").strip()
    return name or DONOR


def purpose_wording(target_kind: str, target_name: str | None, *, restricted: bool) -> str:
    """What the gift is for, by the target's name and never its internal id, e.g. "Ủng hộ có
    chỉ định mục đích: quỹ có hạn chế (bài kêu gọi mã BTTHA7K2Q)"."""
    named = f" {target_name}" if target_name else ""
    if restricted and target_kind in RESTRICTABLE:
        kind = RESTRICTION_NAMES_VI[RestrictionKind(target_kind)]
        return f"Ủng hộ có chỉ định mục đích: quỹ có hạn chế ({kind}{named})"
    if target_kind != "general":
        target = TARGET_NAMES_VI.get(target_kind, target_kind)
        return f"Ủng hộ theo {target}{named} ({restriction_label(None)})"
    return f"Ủng hộ chung cho hoạt động của quỹ ({restriction_label(None)})"


def reversal_wording(amount: int, reversed_amount: int) -> str | None:
    """The note of a gift refunded or corrected in part or in full (None when untouched)."""
    if reversed_amount <= 0:
        return None
    figures = amount_in_figures(reversed_amount)
    if reversed_amount >= amount:
        return (
            f"Đã hoàn trả toàn bộ {figures}: biên lai này không còn giá trị xác nhận khoản tài trợ."
        )
    kept = amount_in_figures(amount - reversed_amount)
    return f"Đã hoàn trả một phần {figures}; số tiền tài trợ còn ghi nhận là {kept}."


def receipt_view(receipt: Receipt, fund: FundConfig, *, donor_name: str | None) -> ReceiptView:
    """The receipt's printed content for `receipt` of `fund` (`donor_name` from the donor
    record, None when there is none)."""
    d = receipt.donation
    goods = d.channel == "in_kind"
    original = (
        f"{money_vi(d.original_amount)} {d.original_currency}"
        if d.original_currency and d.original_amount is not None
        else None
    )
    return ReceiptView(
        number=d.receipt_number,
        title="BIÊN BẢN TIẾP NHẬN HIỆN VẬT" if goods else "BIÊN LAI THU TIỀN",
        in_kind=InKindLine(
            description=d.in_kind_description or "",
            quantity=number_vi(d.in_kind_quantity) if d.in_kind_quantity is not None else "",
            unit=d.in_kind_unit or "",
            value=d.amount,
        )
        if goods
        else None,
        governing_body=fund.governing_body,
        fund_name=fund.name,
        fund_address=fund.address,
        fund_phone=fund.phone,
        place=PLACE,
        received_on=d.received_on,
        donor_label="Bên trao tặng" if goods else "Họ và tên người nộp tiền",
        donor_name=donor_wording(donor_name, anonymous=d.anonymous),
        donor_signs_as="NGƯỜI GIAO HIỆN VẬT" if goods else "NGƯỜI NỘP TIỀN",
        amount=d.amount,
        original_amount=original,
        purpose=purpose_wording(d.target_kind, receipt.target_name, restricted=d.restricted),
        channel=CHANNEL_NAMES_VI.get(d.channel, "Chuyển khoản"),
        reversal_note=reversal_wording(d.amount, receipt.reversed_amount),
        director_title=fund.director_title,
        director_name=fund.director_name,
        accountant_name=fund.accountant_name,
    )


def receipt_html(view: ReceiptView) -> str:
    """The receipt as HTML (A4, DejaVu fonts through `base_css`)."""
    return templates("baotro_donations").get_template(TEMPLATE).render(receipt=view)


async def receipt_pdf(receipt: Receipt, fund: FundConfig, *, donor_name: str | None) -> bytes:
    """The receipt as PDF, rendered in a worker thread so the event loop keeps serving."""
    return await render_pdf_async(receipt_html(receipt_view(receipt, fund, donor_name=donor_name)))
