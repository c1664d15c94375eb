"""The portal's Jinja2 environment and small view helpers (numbers, QR images)."""

from __future__ import annotations

import base64
from functools import lru_cache

import jinja2

from baotro_shared.documents import templates
from baotro_shared.vietqr import qr_png

PACKAGE = "baotro_reporting"


def format_number(value: int) -> str:
    """1250000 → "1.250.000"; a negative amount gets a real minus sign: "−50.000"."""
    text = f"{abs(value):,}".replace(",", ".")
    return f"−{text}" if value < 0 else text


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = templates(PACKAGE)
    env.filters["num"] = format_number
    # the templates ship inside the package: compiled once, never checked on disk again
    env.auto_reload = False
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


@lru_cache(maxsize=2048)
def qr_png_base64(payload: str) -> str:
    """The QR code of a VietQR payload as base64 PNG, for a `data:` URI (cached)."""
    return base64.b64encode(qr_png(payload, scale=6)).decode("ascii")
