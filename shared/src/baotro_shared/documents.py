"""Printable documents (receipts, letters, certificates, reports): Jinja2 templates rendered to
HTML, then to PDF with WeasyPrint.

Every service keeps its templates in a `templates/` folder of its own package; the filters
here write money and dates the Vietnamese way. Rendering a PDF takes tens of milliseconds of
CPU: async callers use `render_pdf_async` so the event loop keeps serving.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from functools import lru_cache

import jinja2
import markupsafe

from baotro_shared.amount_words import amount_in_figures, amount_in_words
from baotro_shared.timeutil import VIETNAM

BASE_CSS = """
@page { size: A4; margin: 20mm 18mm 20mm 22mm; }
html { font-family: "DejaVu Serif", "Times New Roman", serif; font-size: 12.5pt; }
body { line-height: 1.45; }
"""
"""A4 with the margins of Vietnamese administrative documents (Nghị định 30/2020)."""


def format_date_vi(value: date | datetime) -> str:
    """26/11/2026 (a datetime is shown in Vietnam time)."""
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM).date()
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # strftime: 3× the time


def long_date_vi(value: date | datetime, place: str | None = None) -> str:
    """ "Thanh Hóa, ngày 26 tháng 11 năm 2026", as a document's date line is written."""
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM).date()
    day = f"ngày {value.day:02d} tháng {value.month:02d} năm {value.year}"
    return f"{place}, {day}" if place else day.capitalize()


@lru_cache(maxsize=16)
def templates(package: str, folder: str = "templates") -> jinja2.Environment:
    """The Jinja2 environment of `package`'s templates, with the money and date filters:
    `dong` (1.250.000 đồng), `words` (Một triệu hai trăm năm mươi nghìn đồng), `date_vi`,
    `long_date_vi`."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, folder),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dong"] = amount_in_figures
    env.filters["words"] = amount_in_words
    env.filters["date_vi"] = format_date_vi
    env.filters["long_date_vi"] = long_date_vi
    env.globals["base_css"] = markupsafe.Markup(BASE_CSS)  # noqa: S704 - our constant CSS
    return env


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of `html` (WeasyPrint; DejaVu fonts carry every Vietnamese diacritic)."""
    from weasyprint import HTML  # imported on use: it loads Pango at import time

    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return pdf


async def render_pdf_async(html: str, *, base_url: str | None = None) -> bytes:
    """`render_pdf` in a worker thread."""
    return await asyncio.to_thread(render_pdf, html, base_url=base_url)
