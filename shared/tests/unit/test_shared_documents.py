"""Documents: Vietnamese filters and a real WeasyPrint PDF that reads back with diacritics."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import jinja2
import pypdf

from baotro_shared.documents import BASE_CSS, format_date_vi, long_date_vi, render_pdf, templates


def test_dates_are_written_the_vietnamese_way() -> None:
    assert format_date_vi(date(2026, 6, 1)) == "01/06/2026"
    # 20:00 UTC on 31 May is already 1 June in Vietnam.
    assert format_date_vi(datetime(2026, 5, 31, 20, 0, tzinfo=UTC)) == "01/06/2026"
    assert long_date_vi(date(2026, 11, 26), "Thanh Hóa") == "Thanh Hóa, ngày 26 tháng 11 năm 2026"
    assert long_date_vi(date(2026, 1, 5)) == "Ngày 05 tháng 01 năm 2026"


def test_package_templates_get_money_filters() -> None:
    env = templates("baotro_shared", "testing")
    rendered = env.from_string("{{ 1250000 | dong }} — {{ 1250000 | words }}").render()
    assert rendered == "1.250.000 đồng — Một triệu hai trăm năm mươi nghìn đồng"
    assert env.undefined is jinja2.StrictUndefined


def test_pdf_keeps_vietnamese_text() -> None:
    html = (
        f"<html lang='vi'><style>{BASE_CSS}</style><body>"
        "<p>Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa</p><p>Đã nhận 1.250.000 đồng</p></body></html>"
    )
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa" in text
    assert "Đã nhận 1.250.000 đồng" in text


def test_base_css_is_not_escaped_in_templates() -> None:
    env = templates("baotro_shared", "testing")
    rendered = env.from_string("<style>{{ base_css }}</style>").render()
    assert '"DejaVu Serif"' in rendered
    assert "&#34;" not in rendered
