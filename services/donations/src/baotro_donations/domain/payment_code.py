"""Payment codes (mã thanh toán): short codes a donor writes in the transfer memo so that the
money is matched to a donor, pledge, campaign, appeal or sponsorship automatically.

Layout: ``<prefix><kind><body><check>``, e.g. ``TH`` + ``D`` + ``7K2M9Q`` + ``B`` = ``THD7K2M9QB``.

- Letters and digits only: banks strip ``-_#`` and spaces from memos.
- Alphabet ``23456789ABCDEFGHJKMNPQRSTUVWXYZ`` (31 symbols): no ``0/O``, no ``1/I``, and no
  ``L`` (a lower-case ``l`` is read as ``1`` or ``I``). The remaining look-alikes (``5/S``,
  ``2/Z``, ``8/B``) are single substitutions, which the check character always catches.
- The prefix (2-4 letters) belongs to a fund: ``TH`` for the provincial fund, another for each
  commune fund. All codes of one prefix have the same length, so a memo scanner knows where
  a code ends even when the donor wrote text straight after it.
- The kind letter is a consonant on purpose: in Vietnamese "TH" is always followed by a vowel
  (THANH, THU, THEO, THAY), so "TH" + consonant practically never occurs in memo text.
- The body starts with a digit. Without that anchor, a frequent all-letter phrase that passes
  the check by chance (1 in 31) becomes a systematic false positive: on the 299,328 real memos
  of the 2024 flood appeal, "THPT CHUYEN" (a high school) read as the valid ``THPTCHUYEN``
  in 15 memos. Letters, then a digit right after the kind letter, does not occur in text.
- The check character is a pure check system over the prime modulus 31 (ISO 7064 style, radix
  3, like ISO 7064 MOD 11-2 / MOD 37-2 but with 31 = the alphabet size, so the check is
  itself a symbol of the alphabet and no supplementary character such as ``*`` is needed).
  With values ``v_j`` and ``n`` characters, the code is valid when
  ``sum(v_j * 3^(n-1-j)) ≡ 1 (mod 31)``; the check character is last and has weight 1.
  Why every error below is detected:

  * single substitution at a position of weight ``w``: the sum changes by ``w·(a−b)``; 31 is
    prime, ``w = 3^k`` is never 0 mod 31 and ``0 < |a−b| < 31``, so the change is never 0;
  * transposition of two characters (adjacent or not) at weights ``w1 ≠ w2``: the sum changes
    by ``(a−b)(w1−w2)``, non-zero for ``a ≠ b`` because 3 is a primitive root mod 31, so
    ``3^0 … 3^29`` are pairwise distinct and codes have at most 12 < 30 characters.

  A random string passes with probability 1/31; the target ``≡ 1`` (not 0) makes the all-``2``
  string invalid.

Measured on the 299,323 real memos (any of the 529 two-letter prefixes, windows cut at the
banks' trailers as `find_in_memo` cuts them): 1,442 windows had the structure of a code, 46
passed the check (1 in 31.3, as expected), 0 for ``TH``. A passing window matches only if it
also is an issued code: with n random codes issued, n chances in 1.15 billion. Check a new
prefix against real memos before use: "AG" meets "mã GD 248…" (``MAGD248…``) 306 times, 16
of which pass the check. Issue bodies with `random_body`: codes issued in sequence share all
but their last symbols, so any text that completes a cut or mistyped code is far likelier to
give another issued code.

Issuing codes is pure: uniqueness is the repository's job (retry on a duplicate).
"""

from __future__ import annotations

import enum
import functools
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from random import Random

from baotro_shared.text import compact

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MODULUS = 31
"""Prime and equal to ``len(ALPHABET)``."""
RADIX = 3
"""A primitive root modulo 31: the weights ``3^k`` for ``k < 30`` are distinct and non-zero."""
BODY_LENGTH = 6
BODY_FIRST = ALPHABET[:8]
"""The digits 2-9: the body's first character (8 × 31^5 ≈ 229 million bodies per kind)."""
PREFIX_MIN_LENGTH = 2
PREFIX_MAX_LENGTH = 4
MAX_LENGTH = PREFIX_MAX_LENGTH + 1 + BODY_LENGTH + 1
"""12: what fits comfortably in a 25-character VietQR memo next to a few words."""

_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LETTERS = frozenset(symbol for symbol in ALPHABET if symbol.isalpha())


class PaymentCodeError(ValueError):
    """A code could not be issued or a configuration is wrong; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TargetKind(enum.StrEnum):
    """What a payment code points at."""

    DONOR = "donor"
    PLEDGE = "pledge"
    CAMPAIGN = "campaign"
    APPEAL = "appeal"
    SPONSORSHIP = "sponsorship"

    @property
    def letter(self) -> str:
        """The letter written in the code (consonants only, see the module docstring)."""
        return _KIND_LETTERS[self]

    @classmethod
    def from_letter(cls, letter: str) -> TargetKind | None:
        """The kind written as `letter`, or None."""
        return _KINDS_BY_LETTER.get(letter)


_KIND_LETTERS: dict[TargetKind, str] = {
    TargetKind.DONOR: "D",
    TargetKind.PLEDGE: "P",  # "cam kết" would be K, taken by the appeal
    TargetKind.CAMPAIGN: "C",
    TargetKind.APPEAL: "K",  # "kêu gọi"
    TargetKind.SPONSORSHIP: "S",
}
_KINDS_BY_LETTER = {letter: kind for kind, letter in _KIND_LETTERS.items()}


@dataclass(frozen=True)
class PaymentCode:
    """A valid payment code; build it with `issue` or `validate`, not by hand."""

    prefix: str
    kind: TargetKind
    body: str
    check: str

    @property
    def text(self) -> str:
        """The code as written in a memo: ``THD7K2M9QB``."""
        return f"{self.prefix}{self.kind.letter}{self.body}{self.check}"

    def grouped(self) -> str:
        """For printing on letters and screens: ``THD 7K2 M9QB`` (spaces are tolerated)."""
        return f"{self.prefix}{self.kind.letter} {self.body[:3]} {self.body[3:]}{self.check}"

    def __str__(self) -> str:
        return self.text


BodySource = Callable[[int], str]
"""Given the body length, returns that many characters of `ALPHABET`."""


def random_body(rng: Random | None = None) -> BodySource:
    """Bodies from a random generator (`secrets.SystemRandom` unless one is given)."""
    generator = rng if rng is not None else secrets.SystemRandom()

    def source(length: int) -> str:
        rest = "".join(generator.choice(ALPHABET) for _ in range(length - 1))
        return generator.choice(BODY_FIRST) + rest

    return source


def sequential_body(number: int) -> BodySource:
    """The body for sequence `number` (0, 1, 2, …): a leading digit, then base 31.

    Number 0 is ``222222`` (value 0 is ``2``); the order of numbers is the order of bodies.
    """

    def source(length: int) -> str:
        capacity = MODULUS ** (length - 1)
        if number < 0 or number >= len(BODY_FIRST) * capacity:
            raise PaymentCodeError(f"Số thứ tự {number} nằm ngoài dải mã thanh toán.")
        first, rest = divmod(number, capacity)
        digits: list[str] = []
        for _ in range(length - 1):
            rest, value = divmod(rest, MODULUS)
            digits.append(ALPHABET[value])
        return BODY_FIRST[first] + "".join(reversed(digits))

    return source


def check_character(payload: str) -> str:
    """The check character that makes ``payload + check`` valid (`payload` over `ALPHABET`)."""
    total = 0
    for symbol in payload:
        total = (total * RADIX + _VALUES[symbol]) % MODULUS
    # The payload's weights are 3^1 … 3^m once the check (weight 1) is appended.
    return ALPHABET[(1 - total * RADIX) % MODULUS]


def is_check_valid(text: str) -> bool:
    """Whether `text` (any length, upper case) is over `ALPHABET` and satisfies the check."""
    if not text or any(symbol not in _VALUES for symbol in text):
        return False
    total = 0
    for symbol in text:
        total = (total * RADIX + _VALUES[symbol]) % MODULUS
    return total == 1


def normalise_prefix(prefix: str) -> str:
    """A fund prefix in upper case; refuses what cannot start a code."""
    candidate = prefix.strip().upper()
    if not PREFIX_MIN_LENGTH <= len(candidate) <= PREFIX_MAX_LENGTH or any(
        symbol not in _LETTERS for symbol in candidate
    ):
        raise PaymentCodeError(
            f"Tiền tố mã thanh toán «{prefix}» phải gồm {PREFIX_MIN_LENGTH}–{PREFIX_MAX_LENGTH} "
            "chữ cái in hoa, không dùng các chữ dễ nhầm I, L, O."
        )
    return candidate


def issue(prefix: str, kind: TargetKind, body_source: BodySource) -> PaymentCode:
    """A new code of fund `prefix` for a target of `kind`, the body taken from `body_source`."""
    fund = normalise_prefix(prefix)
    body = body_source(BODY_LENGTH)
    if (
        len(body) != BODY_LENGTH
        or body[0] not in BODY_FIRST
        or any(symbol not in _VALUES for symbol in body)
    ):
        raise PaymentCodeError(
            f"Phần thân mã thanh toán phải gồm đúng {BODY_LENGTH} ký tự trong bảng {ALPHABET}, "
            "ký tự đầu là một chữ số từ 2 đến 9."
        )
    payload = f"{fund}{kind.letter}{body}"
    return PaymentCode(prefix=fund, kind=kind, body=body, check=check_character(payload))


def validate(text: str, prefixes: Iterable[str] | None = None) -> PaymentCode | None:
    """The code written in `text` (case, spaces, dots, dashes tolerated), or None if invalid.

    With `prefixes`, codes of other funds are refused too.
    """
    code = _parse_compact(compact(text))
    if code is None:
        return None
    if prefixes is not None and code.prefix not in {normalise_prefix(p) for p in prefixes}:
        return None
    return code


def find_in_memo(memo: str, prefixes: Iterable[str]) -> list[PaymentCode]:
    """Every valid code of the funds `prefixes` in a bank memo, in order of appearance.

    Tolerates lower case, diacritics, separators inserted anywhere (spaces, dots, dashes,
    line breaks: ``TH D 7K2 M9QB``, ``thd-7k2m9qb``, ``THD7K2\\nM9QB``) and text glued on either
    side. Only codes whose check character is right are returned; a code cut off by the end of
    a truncated memo is not found, nor one cut off before the text a bank appends after the
    donor's words (see `BANK_TEXT`): a code never spans it.
    """
    funds, starts = _scanner(tuple(prefixes))
    if not funds or (memo.isascii() and starts.search(memo) is None):
        return []  # the usual case: no prefix, kind letter and digit in a row, separators aside
    found: dict[PaymentCode, int] = {}
    offset = 0
    for segment in _BANK_TEXT.split(memo):
        squeezed = _squeeze(segment)
        for fund in funds:
            start = squeezed.find(fund)
            while start >= 0:
                window = squeezed[start : start + len(fund) + BODY_LENGTH + 2]
                code = _parse_compact(window)
                if code is not None and code not in found:
                    found[code] = offset + start
                start = squeezed.find(fund, start + 1)
        offset += len(squeezed) + 1
    return sorted(found, key=found.__getitem__)


BANK_TEXT = (
    r"(?<![0-9A-Za-z])CT tu \d"  # Vietcombank: "<memo>.CT tu <account> <NAME> toi <account> …"
    r"|\btoi ?\d{6}"
    r"|\((?i:ct)\d{4}\)"  # VietinBank: "(CT1111)", "(Ct1111)"
    r"|(?i:thoi gian GD)"  # BIDV: "; thoi gian GD:ddmmyyyy hh:mm:ss"
    r"|(?<![0-9A-Za-z])FT\d{5}\s?\d{9}"  # T24 banks: "FT24254570186905"
    r"|-\d{6}-\s?\d\d:\d\d:\d\d"  # Agribank: "-100924-21:54:57 978577"
)
"""What banks write after the donor's words, as they write it (case included). A memo cut at
the bank's length limit and then given its trailer (``ung ho THD7K2M9.CT tu 0101…``,
``THD7K2M9 (CT1111)``) would otherwise lend a truncated code the next characters
(``THD7K2M9CT``), which pass the check 1 time in 31: code windows stop at these markers.
None of them occurs inside a code typed in one case, whatever separators a donor inserts:
each needs a lower-case word after an upper-case one, a parenthesis, a colon, an ``O`` (not in
the alphabet) or fourteen digits."""
_BANK_TEXT = re.compile(BANK_TEXT)
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")


def _squeeze(text: str) -> str:
    """`compact` with a fast path for ASCII text (most memos)."""
    if text.isascii():
        return _NOT_ALNUM.sub("", text).upper()
    return compact(text)


@functools.lru_cache(maxsize=64)
def _scanner(prefixes: tuple[str, ...]) -> tuple[list[str], re.Pattern[str]]:
    """The funds' prefixes, checked, and a pattern for where one of their codes may start in
    ASCII text (any separators between the symbols)."""
    funds = sorted({normalise_prefix(prefix) for prefix in prefixes})
    for fund in funds:
        for other in funds:
            if fund != other and other.startswith(fund):
                raise PaymentCodeError(
                    f"Tiền tố «{fund}» là phần đầu của tiền tố «{other}»: mã sẽ bị đọc nhầm."
                )
    gap = "[^0-9A-Za-z]*"
    kinds = "".join(kind.letter for kind in TargetKind)
    alternatives = "|".join(gap.join(fund) for fund in funds) or "(?!)"
    pattern = f"(?:{alternatives}){gap}[{kinds}]{gap}[{BODY_FIRST}]"
    return funds, re.compile(pattern, re.IGNORECASE)


def _parse_compact(text: str) -> PaymentCode | None:
    """`text` is exactly one code, already folded and without separators."""
    prefix_length = len(text) - BODY_LENGTH - 2
    if not PREFIX_MIN_LENGTH <= prefix_length <= PREFIX_MAX_LENGTH:
        return None
    prefix = text[:prefix_length]
    kind = TargetKind.from_letter(text[prefix_length])
    if kind is None or any(symbol not in _LETTERS for symbol in prefix):
        return None
    if text[prefix_length + 1] not in BODY_FIRST:
        return None
    if not is_check_valid(text):
        return None
    return PaymentCode(prefix=prefix, kind=kind, body=text[prefix_length + 1 : -1], check=text[-1])
