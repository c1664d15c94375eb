"""The receipt document: Vietnamese wording of the view model, and a real A4 PDF that reads
back with its diacritics (WeasyPrint, DejaVu), for money, goods and gifts from abroad."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pypdf

from baotro_donations.adapters.ledger_repository import StoredDonation
from baotro_donations.service_layer.donation_handlers import Receipt
from baotro_donations.service_layer.receipt_document import (
    ANONYMOUS_DONOR,
    DONOR,
    donor_wording,
    money_vi,
    number_vi,
    purpose_wording,
    receipt_html,
    receipt_pdf,
    receipt_view,
    reversal_wording,
)
from baotro_donations.settings import THANH_HOA_PROVINCE_FUND, FundConfig

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
FUND = THANH_HOA_PROVINCE_FUND.model_copy(
    update={"director_name": "Lê Văn Thành", "accountant_name": "Nguyễn Thị Hương"}
)


def _receipt(reversed_amount: int = 0, target_name: str | None = None, **changes: Any) -> Receipt:
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "fund_code": "TH",
        "channel": "cash",
        "asset_account": "111",
        "amount": 1_250_000,
        "received_on": date(2026, 11, 26),
        "receipt_number": "TH-2026-000123",
        "entry_id": uuid.uuid4(),
        "target_kind": "general",
        "target_id": None,
        "restricted": False,
        "donor_id": None,
        "anonymous": False,
        "created_at": datetime(2026, 11, 26, 3, 0, tzinfo=UTC),
        "created_by": "ke-toan@quy",
        **changes,
    }
    return Receipt(StoredDonation(**fields), FUND.name, reversed_amount, None, target_name)


def _goods(**changes: Any) -> Receipt:
    return _receipt(
        channel="in_kind",
        asset_account="152",
        amount=3_000_000,
        in_kind_description="Sách giáo khoa lớp 5",
        in_kind_quantity=Decimal("50.000"),
        in_kind_unit="bộ",
        **changes,
    )


def _text(pdf: bytes) -> str:
    """The PDF's text with line breaks folded into spaces (long lines wrap)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_numbers_are_written_with_vietnamese_separators() -> None:
    assert number_vi(Decimal("50.000")) == "50"
    assert number_vi(Decimal("1234.5")) == "1.234,5"
    assert number_vi(Decimal("1000000")) == "1.000.000"
    assert number_vi(Decimal("12.5"), 2) == "12,50"
    assert money_vi(Decimal("100.00")) == "100"
    assert money_vi(Decimal("2540.5")) == "2.540,50"


def test_unknown_and_anonymous_donors_are_not_named() -> None:
    assert donor_wording(None, anonymous=False) == DONOR == "Nhà hảo tâm"
    assert donor_wording("  ", anonymous=False) == DONOR
    assert donor_wording("Trần Văn An", anonymous=True) == ANONYMOUS_DONOR
    assert ANONYMOUS_DONOR == "Nhà hảo tâm ẩn danh"
    assert donor_wording(" Trần Văn An ", anonymous=False) == "Trần Văn An"


def test_purpose_says_whether_the_donor_restricted_the_gift_and_names_the_target() -> None:
    assert purpose_wording("general", None, restricted=False) == (
        "Ủng hộ chung cho hoạt động của quỹ (quỹ không hạn chế)"
    )
    assert purpose_wording("appeal", "mã BTTHA7K2Q", restricted=True) == (
        "Ủng hộ có chỉ định mục đích: quỹ có hạn chế (bài kêu gọi mã BTTHA7K2Q)"
    )
    assert purpose_wording("campaign", "«Tết 2027»", restricted=False) == (
        "Ủng hộ theo đợt vận động «Tết 2027» (quỹ không hạn chế)"
    )
    assert purpose_wording("pledge", "«Tết 2027»", restricted=False) == (
        "Ủng hộ theo cam kết ủng hộ «Tết 2027» (quỹ không hạn chế)"
    )
    # a child's case is never named nor numbered
    assert purpose_wording("case", None, restricted=True) == (
        "Ủng hộ có chỉ định mục đích: quỹ có hạn chế (hồ sơ trẻ)"
    )


def test_a_receipt_never_prints_the_target_s_internal_id() -> None:
    case_id, appeal_id = str(uuid.uuid4()), str(uuid.uuid4())
    for_case = receipt_view(
        _receipt(target_kind="case", target_id=case_id, restricted=True), FUND, donor_name=None
    )
    for_appeal = receipt_view(
        _receipt(target_kind="appeal", target_id=appeal_id, restricted=False),
        FUND,
        donor_name=None,
    )

    assert case_id not in for_case.purpose
    assert for_appeal.purpose == "Ủng hộ theo bài kêu gọi (quỹ không hạn chế)"


def test_reversal_note_tells_part_from_whole() -> None:
    assert reversal_wording(5_000_000, 0) is None
    assert reversal_wording(5_000_000, 1_000_000) == (
        "Đã hoàn trả một phần 1.000.000 đồng; số tiền tài trợ còn ghi nhận là 4.000.000 đồng."
    )
    full = reversal_wording(5_000_000, 5_000_000)
    assert full is not None
    assert full.startswith("Đã hoàn trả toàn bộ 5.000.000 đồng")


def test_view_of_goods_in_kind_carries_description_quantity_unit_and_value() -> None:
    view = receipt_view(_goods(), FUND, donor_name="Công ty TNHH Đức Thịnh")
    assert view.title == "BIÊN BẢN TIẾP NHẬN HIỆN VẬT"
    assert view.in_kind is not None
    assert (view.in_kind.description, view.in_kind.quantity, view.in_kind.unit) == (
        "Sách giáo khoa lớp 5",
        "50",
        "bộ",
    )
    assert view.in_kind.value == 3_000_000
    assert view.channel == "Hiện vật"
    assert view.donor_signs_as == "NGƯỜI GIAO HIỆN VẬT"
    cash = receipt_view(_receipt(channel="bank"), FUND, donor_name=None)
    assert (cash.title, cash.in_kind, cash.channel) == ("BIÊN LAI THU TIỀN", None, "Chuyển khoản")


def test_html_escapes_the_donor_name() -> None:
    html = receipt_html(receipt_view(_receipt(), FUND, donor_name="<script>x</script>"))
    assert "<script>x" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


async def test_cash_receipt_pdf_reads_back_in_vietnamese() -> None:
    pdf = await receipt_pdf(
        _receipt(
            target_kind="appeal",
            target_id=str(uuid.uuid4()),
            restricted=True,
            target_name="mã BTTHA7K2Q",
        ),
        FUND,
        donor_name="Trần Thị Bích Ngọc",
    )
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (
        210,
        297,
    )
    text = _text(pdf)
    for expected in (
        *MOTTO,
        "SỞ Y TẾ TỈNH THANH HÓA",
        "QUỸ BẢO TRỢ TRẺ EM TỈNH THANH HÓA",
        "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
        "BIÊN LAI THU TIỀN",
        "Số: TH-2026-000123",
        "Thanh Hóa, ngày 26 tháng 11 năm 2026",
        "Trần Thị Bích Ngọc",
        "1.250.000 đồng",
        "Một triệu hai trăm năm mươi nghìn đồng",
        "quỹ có hạn chế (bài kêu gọi mã BTTHA7K2Q)",
        "Hình thức: Tiền mặt",
        "NGƯỜI NỘP TIỀN",
        "KẾ TOÁN",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "GIÁM ĐỐC",
        "Lê Văn Thành",
        "Nguyễn Thị Hương",
    ):
        assert expected in text, expected
    assert "hoàn trả" not in text
    for account in ("3751.0.111.4523", "3500.431.101.000.909"):
        assert account not in text


async def test_in_kind_pdf_lists_the_goods_and_a_gift_from_abroad_its_currency() -> None:
    goods = _text(await receipt_pdf(_goods(anonymous=True), FUND, donor_name="Trần Văn An"))
    for expected in (
        "BIÊN BẢN TIẾP NHẬN HIỆN VẬT",
        "Sách giáo khoa lớp 5",
        "bộ",
        "50",
        "3.000.000 đồng",
        "Ba triệu đồng",
        "Hình thức: Hiện vật",
        ANONYMOUS_DONOR,
    ):
        assert expected in goods, expected
    assert "Trần Văn An" not in goods

    abroad = _receipt(
        channel="bank",
        amount=2_540_000,
        original_currency="USD",
        original_amount=Decimal("100.00"),
    )
    text = _text(await receipt_pdf(abroad, FUND, donor_name=None))
    assert "Nguyên tệ: 100 USD" in text
    assert "2.540.000 đồng" in text
    assert "Hai triệu năm trăm bốn mươi nghìn đồng" in text
    assert f"người nộp tiền: {DONOR}" in text


async def test_reversed_gift_shows_the_refund_note() -> None:
    partly = _text(await receipt_pdf(_receipt(reversed_amount=250_000), FUND, donor_name=None))
    assert "Đã hoàn trả một phần 250.000 đồng" in partly
    assert "còn ghi nhận là 1.000.000 đồng" in partly
    fully = _text(await receipt_pdf(_receipt(reversed_amount=1_250_000), FUND, donor_name=None))
    assert "Đã hoàn trả toàn bộ 1.250.000 đồng" in fully


async def test_a_fund_without_header_details_still_renders() -> None:
    bare = FundConfig(
        code="HT",
        name="Quỹ Bảo trợ trẻ em phường Hạc Thành",
        payment_code_prefix="HT",
        bank_accounts=[],
    )
    text = _text(await receipt_pdf(_receipt(fund_code="HT"), bare, donor_name=None))
    assert "QUỸ BẢO TRỢ TRẺ EM PHƯỜNG HẠC THÀNH" in text
    assert "SỞ Y TẾ" not in text
    assert "Điện thoại" not in text
