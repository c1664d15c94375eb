"""Folding Vietnamese text for comparison and search.

Bank memos carry no diacritics, are often upper case and are broken by line wrapping; people
type names with or without diacritics. Compare folded text: diacritics removed (Đ/đ included:
`unidecode` handles it, Unicode NFKD alone does not), upper case, single spaces.
"""

from __future__ import annotations

import re

from unidecode import unidecode

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""A ``\\u0000`` escape: after an even number of backslashes (``\\\\u0000`` is the text
``\\u0000``, not a NUL)."""


def fold(text: str) -> str:
    """ "Nguyễn  Văn Đức" → "NGUYEN VAN DUC"."""
    plain = text if text.isascii() else unidecode(text)
    return " ".join(plain.upper().split())


def fold_lower(text: str) -> str:
    """`fold` in lower case ("nguyen van duc"), for search indexes."""
    return fold(text).lower()


def compact(text: str) -> str:
    """Upper-case ASCII letters and digits only: "th k7k 2m-9" → "THK7K2M9"."""
    return _NOT_ALNUM.sub("", fold(text))


def holds_nul(body: bytes, *, json: bool) -> bool:
    """Whether `body` (JSON when `json`, else URL-encoded) carries a NUL character (U+0000),
    raw or escaped: no person types one, and PostgreSQL cannot store it as text."""
    if b"\x00" in body:
        return True
    if json:
        return _JSON_NUL.search(body) is not None
    return b"%00" in body
