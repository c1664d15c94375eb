"""Letters and certificates render correct Vietnamese: the PDF text read back carries the name,
the amount in figures and words, the date, the receipt number and the signature block."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
from pypdf import PdfReader

from baotro_notifications.adapters.letter_renderer import LetterRenderer
from baotro_notifications.domain.letters import Certificate, Letter, Letterhead
from baotro_notifications.domain.notices import NoticeKind
from baotro_shared.documents import render_pdf

HEAD = Letterhead(
    fund_name="Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    parent_body="Sở Y tế tỉnh Thanh Hóa",
    address="Thành phố Thanh Hóa",
    place="Thanh Hóa",
    director_title="Giám đốc",
    director_name="Lê Văn Minh",
)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _letter(**fields: object) -> Letter:
    values: dict[str, object] = {
        "kind": NoticeKind.THANK_YOU,
        "addressee": "Bà Trần Thị Lan",
        "amount": 1_250_000,
        "letter_date": date(2026, 11, 27),
        "purpose": "ủng hộ chương trình “Tháng hành động vì trẻ em 2026”",
        "received_on": date(2026, 11, 20),
        "receipt_number": "TH-2026-000123",
    }
    return Letter(**{**values, **fields})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def renderer() -> LetterRenderer:
    return LetterRenderer(HEAD)


async def test_a_thank_you_letter_reads_back_in_correct_vietnamese(
    renderer: LetterRenderer,
) -> None:
    outgoing = await renderer.outgoing(uuid.uuid4(), _letter())
    text = _text(outgoing.pdf)

    for words in (
        "SỞ Y TẾ TỈNH THANH HÓA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thanh Hóa, ngày 27 tháng 11 năm 2026",
        "THƯ CẢM ƠN",
        "Kính gửi: Bà Trần Thị Lan",
        "1.250.000 đồng",
        "Một triệu hai trăm năm mươi nghìn đồng",
        "20/11/2026",
        "TH-2026-000123",
        "Tháng hành động vì trẻ em 2026",
        "GIÁM ĐỐC",
        "Lê Văn Minh",
    ):
        assert words in text, words
    assert outgoing.pdf_name == "thu-cam-on-TH-2026-000123.pdf"
    assert "Bằng chữ: Một triệu hai trăm năm mươi nghìn đồng" in outgoing.text


def test_the_sms_is_short_and_unaccented(renderer: LetterRenderer) -> None:
    sms = renderer.sms_text(_letter(amount=1_010_000))

    assert sms.isascii()
    assert "Ba Tran Thi Lan" in sms
    assert "1.010.000 dong" in sms
    assert len(sms) <= 320


def test_a_correction_tells_the_old_and_the_right_amount(renderer: LetterRenderer) -> None:
    letter = _letter(kind=NoticeKind.CORRECTION, amount=1_500_000, told_amount=2_000_000)

    text = renderer.email_text(letter)

    assert "Số tiền đã ghi trong thư trước: 2.000.000 đồng" in text
    assert "Số tiền đúng: 1.500.000 đồng" in text
    assert "Một triệu năm trăm nghìn đồng" in text
    assert "THƯ ĐÍNH CHÍNH" in _text(render_pdf(renderer.letter_html(letter)))


def test_an_in_kind_gift_is_thanked_for_goods_worth_their_valuation(
    renderer: LetterRenderer,
) -> None:
    text = _text(render_pdf(renderer.letter_html(_letter(in_kind=True))))

    assert "hiện vật ủng hộ trị giá" in text


def test_a_certificate_is_a4_landscape_with_the_national_motto(renderer: LetterRenderer) -> None:
    certificate = Certificate(
        title="BẰNG KHEN",
        issuer="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
        awarded_to="Công ty TNHH Minh Phát",
        reason="Đã có thành tích xuất sắc trong công tác vận động ủng hộ Quỹ năm 2026",
        number="007/2026/GK-QBTTE",
        issued_on=date(2026, 12, 15),
        signer_title="CHỦ TỊCH",
        signer_name="Trần Văn Bình",
        award="Bằng khen của Chủ tịch UBND tỉnh",
    )

    pdf = render_pdf(renderer.certificate_html(certificate))

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    text = _text(pdf)
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BẰNG KHEN",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
        "TẶNG",
        "Công ty TNHH Minh Phát",
        "Số: 007/2026/GK-QBTTE",
        "Thanh Hóa, ngày 15 tháng 12 năm 2026",
        "Trần Văn Bình",
    ):
        assert words in text, words
