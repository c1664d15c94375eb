"""Folding Vietnamese text for comparison and search.

Bank memos carry no diacritics, are often upper case and are broken by line wrapping; people
type names with or without diacritics. Compare folded text: diacritics removed (Đ/đ included:
`unidecode` handles it, Unicode NFKD alone does not), upper case, single spaces.
"""

from __future__ import annotations

import re

from unidecode import unidecode

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


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
