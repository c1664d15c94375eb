"""Letters drawn by ReportLab say exactly what their HTML says: the words read back from the
PDF equal the words of the template's text, for every kind of letter; markup characters in
names survive; an element the drawing does not know is kept as text."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from baotro_notifications.adapters import letter_pdf
from baotro_notifications.adapters.letter_pdf import (
    LetterFontsMissingError,
    Node,
    parse_letter,
    render_letter_pdf,
)
from baotro_notifications.adapters.letter_renderer import LetterRenderer
from baotro_notifications.domain.letters import Letter, Letterhead
from baotro_notifications.domain.notices import NoticeKind

HEAD = Letterhead(
    fund_name="Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    parent_body="Sở Y tế tỉnh Thanh Hóa",
    address="Thành phố Thanh Hóa",
    place="Thanh Hóa",
    director_title="Giám đốc",
    director_name="Lê Văn Minh",
    phone="0237 3852 xxx",
)


def _pdf_words(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(page.extract_text() for page in reader.pages).casefold().split()


def _blocks_text(node: Node) -> str:
    """Text with block elements apart (a browser shows table cells and divs apart)."""
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag in ("b", "i", "u", "strong", "em"):
            parts.append(_blocks_text(child))
        else:
            parts.append(f" {_blocks_text(child)} ")
    return "".join(parts)


def _html_words(html: str) -> list[str]:
    document = parse_letter(html)
    body = document.find("body")
    assert body is not None
    return _blocks_text(body).casefold().split()


LETTERS = {
    NoticeKind.THANK_YOU: {"received_on": date(2026, 11, 20), "receipt_number": "TH-2026-000123"},
    NoticeKind.UNIT_SUMMARY: {
        "gifts": 312,
        "first_gift_on": date(2026, 11, 2),
        "last_gift_on": date(2026, 11, 9),
        "pledge_target": 60_000_000,
    },
    NoticeKind.CORRECTION: {"told_amount": 2_000_000, "receipt_number": "TH-2026-000124"},
    NoticeKind.COMMENDATION: {
        "award": "Giấy khen của Giám đốc Quỹ",
        "award_reason": "Đã có thành tích ủng hộ Quỹ năm 2026",
        "certificate_number": "12/GK-QBTTE",
    },
}


@pytest.mark.parametrize("kind", list(LETTERS))
def test_the_pdf_says_what_the_letter_html_says(kind: NoticeKind) -> None:
    renderer = LetterRenderer(HEAD)
    letter = Letter(
        kind=kind,
        addressee="Sở Giáo dục và Đào tạo" if kind is NoticeKind.UNIT_SUMMARY else "Ông Đỗ Đức Anh",
        amount=58_250_000,
        letter_date=date(2026, 11, 27),
        purpose="ủng hộ chương trình “Tháng hành động vì trẻ em 2026”",
        **LETTERS[kind],  # type: ignore[arg-type]
    )
    html = renderer.letter_html(letter)

    pdf = render_letter_pdf(html)

    assert pdf.startswith(b"%PDF-")
    assert _pdf_words(pdf) == _html_words(html)
    assert "năm mươi tám triệu hai trăm năm mươi nghìn đồng" in " ".join(_pdf_words(pdf))
    renderer.close()


def test_markup_characters_in_a_name_are_printed_as_written() -> None:
    renderer = LetterRenderer(HEAD)
    letter = Letter(
        kind=NoticeKind.THANK_YOU,
        addressee="Công ty TNHH A & B <Việt Nam>",
        amount=1_000_000,
        letter_date=date(2026, 11, 27),
        purpose="ủng hộ Quỹ",
    )

    words = " ".join(_pdf_words(render_letter_pdf(renderer.letter_html(letter))))

    assert "công ty tnhh a & b <việt nam>" in words
    renderer.close()


def test_an_unknown_element_is_kept_as_text() -> None:
    html = "<html><body><p>Đoạn một.</p><section>Đoạn lạ <b>in đậm</b>.</section></body></html>"

    assert _pdf_words(render_letter_pdf(html)) == ["đoạn", "một.", "đoạn", "lạ", "in", "đậm."]


def test_missing_fonts_are_named_in_the_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setattr(letter_pdf, "FONT_DIRS", ())
    monkeypatch.setattr(letter_pdf.shutil, "which", lambda _name: None)

    with pytest.raises(LetterFontsMissingError, match="fonts-dejavu-core"):
        letter_pdf._font_file("DejaVu Serif", "DejaVuSerif.ttf")
