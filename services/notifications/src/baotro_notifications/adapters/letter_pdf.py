"""Letters as PDF with ReportLab, from the same HTML the Jinja2 templates write.

WeasyPrint lays out any HTML and CSS but costs 100–160 ms of CPU per letter; a thank-you goes
with every gift, so letters are drawn here instead (~5–10 ms): the letter's HTML is read into
blocks of a small, fixed vocabulary — the letterhead table, the date line, the title, the
addressee, paragraphs, the facts table, the signature block, the footer — and each block
becomes a ReportLab flowable with the look `_layout.html`'s CSS gives it (A4, the margins of
Nghị định 30/2020, DejaVu Serif, which carries every Vietnamese diacritic). The wording stays
in one place, the templates; an element outside the vocabulary is kept as a plain paragraph,
so no text is ever dropped. Certificates (rare, A4 landscape, decorated) stay with WeasyPrint.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.ttLib import TTFont as FontToolsFont
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FAMILY = "LetterSerif"
FONT_SIZE = 12.5
LEADING = FONT_SIZE * 1.45
TEXT_WIDTH = A4[0] - (22 + 18) * mm
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_FACES = {
    "normal": ("DejaVu Serif", "DejaVuSerif.ttf"),
    "bold": ("DejaVu Serif:bold", "DejaVuSerif-Bold.ttf"),
    "italic": ("DejaVu Serif:italic", "DejaVuSerif-Italic.ttf"),
    "boldItalic": ("DejaVu Serif:bold:italic", "DejaVuSerif-BoldItalic.ttf"),
}
_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u"}
_SPACES = re.compile(r"\s+")
_VOID = {"meta", "br", "link", "img", "hr"}


class LetterFontsMissingError(RuntimeError):
    """DejaVu Serif is not installed (Debian: fonts-dejavu-core)."""


def _font_file(pattern: str, name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = subprocess.run(
            [fc_match, "-f", "%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found.endswith(name):
            return Path(found)
    raise LetterFontsMissingError(
        f"Không tìm thấy phông chữ {name} (DejaVu Serif) để in thư; cài gói fonts-dejavu-core."
    )


LETTER_CODE_POINTS = (
    *range(0x20, 0x7F),  # ASCII
    *range(0xA0, 0x250),  # Latin-1, Latin Extended-A and -B (Đ, đ, Ơ, Ư, ...)
    *range(0x300, 0x370),  # combining diacritics
    *range(0x1E00, 0x1F00),  # Latin Extended Additional (ạ, ả, ấ, ầ, ẩ, ẫ, ậ, ...)
    *range(0x2000, 0x2070),  # punctuation: – — ‘ ’ “ ” …
    *range(0x20A0, 0x20C0),  # currency signs (₫)
    0x2116,  # №
)
"""The characters a letter can hold: every Vietnamese letter and the usual punctuation."""


def _letter_face(path: Path) -> io.BytesIO:
    """`path` cut to the letters' characters, without hinting programs: each letter embeds
    a third less font data and ReportLab subsets it faster (done once per process)."""
    font = FontToolsFont(str(path))
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.name_IDs = ["*"]
    options.drop_tables += ["kern", "hdmx", "LTSH", "VDMX", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=LETTER_CODE_POINTS)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return buffer


def register_letter_fonts() -> None:
    """Register DejaVu Serif (4 faces) with ReportLab once per process."""
    if FAMILY in pdfmetrics.getRegisteredFontNames():
        return
    # streams deflated only: ASCII85 on top makes every letter a quarter larger and slower
    rl_config.useA85 = 0
    names = {}
    for face, (pattern, file_name) in _FACES.items():
        names[face] = FAMILY if face == "normal" else f"{FAMILY}-{face}"
        face_file = _letter_face(_font_file(pattern, file_name))
        pdfmetrics.registerFont(TTFont(names[face], face_file))
    pdfmetrics.registerFontFamily(FAMILY, **names)


@dataclass
class Node:
    """An element of the letter's HTML: its tag, classes and children (text or nodes)."""

    tag: str
    classes: frozenset[str] = frozenset()
    children: list[Node | str] = field(default_factory=list)

    def elements(self, tag: str | None = None) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node) and (tag is None or child.tag == tag):
                yield child

    def find(self, tag: str) -> Node | None:
        for child in self.elements():
            if child.tag == tag:
                return child
            found = child.find(tag)
            if found is not None:
                return found
        return None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def markup(self, *, upper: bool = False) -> str:
        """The content as ReportLab paragraph markup: text escaped, b/i/u kept."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                text = _SPACES.sub(" ", child)
                parts.append(html.escape(text.upper() if upper else text, quote=False))
                continue
            inner = child.markup(upper=upper)
            tag = _INLINE.get(child.tag)
            parts.append(f"<{tag}>{inner}</{tag}>" if tag else inner)
        return "".join(parts).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document")
        self._open: list[Node] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = frozenset(
            " ".join(value or "" for name, value in attrs if name == "class").split()
        )
        node = Node(tag, classes)
        self._open[-1].children.append(node)
        if tag not in _VOID:
            self._open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def parse_letter(letter_html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(letter_html)
    builder.close()
    return builder.root


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": FAMILY, "fontSize": FONT_SIZE, "leading": LEADING}
    return ParagraphStyle(name, **(base | overrides))


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle = field(
        default_factory=lambda: _style(
            "body", alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=3 * mm
        )
    )
    plain: ParagraphStyle = field(default_factory=lambda: _style("plain", spaceAfter=3 * mm))
    head: ParagraphStyle = field(
        default_factory=lambda: _style("head", fontSize=11.5, leading=15, alignment=TA_CENTER)
    )
    dateline: ParagraphStyle = field(
        default_factory=lambda: _style(
            "dateline", alignment=TA_RIGHT, spaceBefore=2 * mm, spaceAfter=8 * mm
        )
    )
    title: ParagraphStyle = field(
        default_factory=lambda: _style(
            "title",
            fontName=f"{FAMILY}-bold",
            fontSize=16,
            leading=21,
            alignment=TA_CENTER,
            spaceBefore=4 * mm,
            spaceAfter=6 * mm,
        )
    )
    to: ParagraphStyle = field(default_factory=lambda: _style("to", spaceAfter=4 * mm))
    cell: ParagraphStyle = field(default_factory=lambda: _style("cell", alignment=TA_LEFT))
    sign: ParagraphStyle = field(default_factory=lambda: _style("sign", alignment=TA_CENTER))
    foot: ParagraphStyle = field(
        default_factory=lambda: _style(
            "foot", fontSize=10, leading=13, textColor=colors.HexColor("#333333")
        )
    )


class LetterPdf:
    """Draws letters; one instance per process (fonts registered, styles built once)."""

    def __init__(self) -> None:
        register_letter_fonts()
        self._styles = _Styles()

    def render(self, letter_html: str) -> bytes:
        document = parse_letter(letter_html)
        body = document.find("body") or document
        title_node = document.find("title")
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=22 * mm,
            rightMargin=18 * mm,
            topMargin=20 * mm,
            bottomMargin=20 * mm,
            title=" ".join(title_node.text().split()) if title_node else "",
            author=self._author(body),
            lang="vi",
            invariant=1,
        )
        doc.build(list(self._flowables(body)))
        return buffer.getvalue()

    def _author(self, body: Node) -> str:
        for node in body.elements("div"):
            if "foot" in node.classes:
                return " ".join(node.text().split()).split(" — ")[0]
        return ""

    def _flowables(self, body: Node) -> Iterator[Flowable]:
        s = self._styles
        for node in body.elements():
            if node.tag == "table" and "head" in node.classes:
                yield self._letterhead(node)
            elif node.tag == "table" and "facts" in node.classes:
                yield self._facts(node)
            elif node.tag == "table" and "sign" in node.classes:
                yield self._signature(node)
            elif node.tag == "h1":
                yield Paragraph(node.markup(), s.title)
            elif node.tag == "div" and "dateline" in node.classes:
                yield Paragraph(f"<i>{node.markup()}</i>", s.dateline)
            elif node.tag == "div" and "to" in node.classes:
                yield Paragraph(node.markup(), s.to)
            elif node.tag == "div" and "foot" in node.classes:
                yield Spacer(1, 12 * mm)
                yield Paragraph(node.markup(), s.foot)
            elif node.tag == "p":
                yield Paragraph(node.markup(), s.body)
            elif node.tag == "table":
                yield self._facts(node)
            elif node.text().strip():
                yield Paragraph(node.markup(), s.plain)

    def _cell_lines(self, cell: Node, style: ParagraphStyle) -> list[Flowable]:
        lines: list[Flowable] = []
        for div in cell.elements("div"):
            upper = bool({"org", "org-parent", "title"} & div.classes)
            text = div.markup(upper=upper)
            if {"org", "motto-1", "title"} & div.classes:
                text = f"<b>{text}</b>"
            if "motto-2" in div.classes:
                text = f"<b><u>{text}</u></b>"
            if "name" in div.classes:
                lines.append(Spacer(1, 22 * mm))
                text = f"<b>{text}</b>" if text else ""
            lines.append(Paragraph(text, style))
        return lines

    def _letterhead(self, node: Node) -> Table:
        cells = [
            self._cell_lines(td, self._styles.head)
            for tr in _rows(node)
            for td in tr.elements("td")
        ]
        table = Table([cells], colWidths=[TEXT_WIDTH * 0.4, TEXT_WIDTH * 0.6][: len(cells)])
        table.setStyle([*_GRID_LESS, ("BOTTOMPADDING", (0, 0), (-1, -1), 6 * mm)])
        return table

    def _facts(self, node: Node) -> Table:
        rows = [list(tr.elements("td")) for tr in _rows(node)]
        labels = [row[0].text().strip() for row in rows if row]
        label_width = max(
            (pdfmetrics.stringWidth(label, FAMILY, FONT_SIZE) for label in labels), default=0.0
        )
        first = label_width + 4 * mm
        data = [
            [Paragraph(cell.markup(), self._styles.cell) for cell in row[:2]] for row in rows if row
        ]
        table = Table(
            data, colWidths=[first, TEXT_WIDTH - 10 * mm - first], hAlign="LEFT", spaceBefore=0
        )
        table.setStyle(
            [
                *_GRID_LESS,
                ("TOPPADDING", (0, 0), (-1, -1), 0.6 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6 * mm),
                ("RIGHTPADDING", (0, 0), (0, -1), 3 * mm),
            ]
        )
        return _indented(table, 10 * mm, after=4 * mm)

    def _signature(self, node: Node) -> Table:
        cells: list[list[Flowable]] = []
        for tr in _rows(node):
            for td in tr.elements("td"):
                cells.append(self._cell_lines(td, self._styles.sign))
        table = Table([cells], colWidths=[TEXT_WIDTH / 2] * len(cells))
        table.setStyle([*_GRID_LESS, ("TOPPADDING", (0, 0), (-1, -1), 10 * mm)])
        return table


_GRID_LESS: list[tuple[Any, ...]] = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
]


def _rows(table: Node) -> Iterator[Node]:
    for child in table.elements():
        if child.tag == "tr":
            yield child
        elif child.tag in ("tbody", "thead"):
            yield from child.elements("tr")


def _indented(inner: Table, indent: float, *, after: float) -> Table:
    """`inner` shifted right by `indent`, with space after it (the facts of a letter)."""
    outer = Table([[inner]], colWidths=[TEXT_WIDTH - indent], hAlign="RIGHT")
    outer.setStyle(TableStyle([*_GRID_LESS, ("BOTTOMPADDING", (0, 0), (-1, -1), after)]))
    return outer


@lru_cache(maxsize=1)
def _letter_pdf() -> LetterPdf:
    return LetterPdf()


def render_letter_pdf(letter_html: str) -> bytes:
    """The PDF of a letter's HTML (one `LetterPdf` per process; callable in a worker process)."""
    return _letter_pdf().render(letter_html)
