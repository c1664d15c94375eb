"""Amounts of money in figures (``1.250.000 đồng``) and in Vietnamese words (``Một triệu hai
trăm năm mươi nghìn đồng``), as receipts and thank-you letters write them.

num2words (lang "vi", 0.5.14) reads each group of three digits correctly ("mười lăm",
"hai mươi mốt", "một trăm lẻ năm", "nghìn" rather than "ngàn"), but the whole number it reads
wrongly, so this module only asks it for the groups 1–999 and assembles them itself. Fix-ups:

1. A group after a higher one is read in full, with "không trăm" and "linh": num2words says
   "một nghìn lẻ mười" for 1.010 and "năm triệu lẻ hai mươi mốt" for 5.000.021; receipts
   write "một nghìn không trăm mười" and "năm triệu không trăm hai mươi mốt".
2. Above a billion, "tỷ" is repeated (10^12 "một nghìn tỷ", 10^15 "một triệu tỷ"); num2words
   says "một trăm nghìn tỷ" for 10^15.
3. num2words formats the number with ``'%.2f'``: integers above 2^53 lose digits. Here only
   numbers below 1000 reach it.
4. "linh" (the northern and official usage, Thanh Hóa included) rather than num2words' "lẻ";
   ``odd_word="lẻ"`` restores the southern reading.
"""

from __future__ import annotations

from typing import Literal

from num2words import num2words  # type: ignore[import-untyped]

CURRENCY = "đồng"
_BILLION = 1_000_000_000
MAX_AMOUNT = _BILLION * _BILLION - 1
"""Below "một tỷ tỷ": beyond it "tỷ" would have to nest twice and the reading is ambiguous."""
_SCALES = ((1_000_000, "triệu"), (1_000, "nghìn"), (1, ""))

OddWord = Literal["linh", "lẻ"]


class AmountError(ValueError):
    """The amount cannot be written; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def amount_in_figures(amount: int) -> str:
    """``1.250.000 đồng``: dots between thousands, as Vietnamese documents write money."""
    _ensure_amount(amount)
    return f"{amount:,}".replace(",", ".") + f" {CURRENCY}"


def amount_in_words(amount: int, *, odd_word: OddWord = "linh") -> str:
    """``Một triệu hai trăm năm mươi nghìn đồng``: capitalised, with the currency."""
    _ensure_amount(amount)
    words = " ".join(_number_words(amount, leading=True, odd_word=odd_word)) or "không"
    return f"{words[0].upper()}{words[1:]} {CURRENCY}"


def number_in_words(number: int, *, odd_word: OddWord = "linh") -> str:
    """A non-negative integer in lower-case words, without the currency."""
    _ensure_amount(number)
    return " ".join(_number_words(number, leading=True, odd_word=odd_word)) or "không"


def _number_words(number: int, *, leading: bool, odd_word: OddWord) -> list[str]:
    if number >= _BILLION:
        billions, rest = divmod(number, _BILLION)
        words = [*_number_words(billions, leading=leading, odd_word=odd_word), "tỷ"]
        if rest:
            words += _number_words(rest, leading=False, odd_word=odd_word)
        return words
    words = []
    for scale, name in _SCALES:
        group, number = divmod(number, scale)
        if group == 0:
            continue
        words += _group_words(group, full=not leading, odd_word=odd_word)
        if name:
            words.append(name)
        leading = False
    return words


def _group_words(group: int, *, full: bool, odd_word: OddWord) -> list[str]:
    """1 ≤ `group` ≤ 999; `full` reads the empty hundreds of a group after a higher one."""
    words: list[str] = str(num2words(group, lang="vi")).split()
    if full and group < 100:
        words = ["không", "trăm", *(["lẻ"] if group < 10 else []), *words]
    return [odd_word if word == "lẻ" else word for word in words]


def _ensure_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise AmountError("Số tiền phải là một số nguyên đồng.")
    if amount < 0:
        raise AmountError("Số tiền không được âm.")
    if amount > MAX_AMOUNT:
        raise AmountError("Số tiền quá lớn để đọc thành chữ.")
