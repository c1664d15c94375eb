"""The public memo: a bank transfer's text as the public may read it.

Transfer texts carry the sender's account number ("CT tu 0011001932418 ..."), phone numbers
(wallet top-ups "66194752977-0888160108_..."), ID card numbers ("CCCD 036064009277") and
sometimes an email. Those are masked, keeping the last three digits ("*******418") so a donor
still recognises their gift; short numbers (amounts, dates, times, trace numbers) and the
bank's own references (FT…, MBVCB.…, the NAPAS 0200… prefix) stay as they are.
"""

from __future__ import annotations

import re

MAX_LENGTH = 300
MASK = "*******"
KEEP_DIGITS = 3
_SEP = r"[ .\-]"
_LABELS = (
    r"CCCD|CMND|CMT|CC|HC|HO CHIEU|PASSPORT|STK|SO TK|TK|TAI KHOAN|ACC|A/C|SDT|SĐT|DT|DTDD|"
    r"TEL|PHONE|ZALO|CT TU|TU|TOI|DEN"
)

_PATTERN = re.compile(
    # the bank's own references: no personal data, kept whole
    r"(?P<keep>\bFT\d{14}(?!\d)|\bMBVCB\.\d{6,12}(?!\d)|(?<!\d)0200\d{20}[A-Z0-9]{4}\d{6}(?![A-Z0-9]))"
    # a labelled number ("CCCD 0360 6400 9277", "SDT: 0912.345.678", "CT tu 12345678")
    rf"|(?P<label>\b(?:{_LABELS})\b[\s:.#\-]*)(?P<labelled>\d(?:{_SEP}?\d){{7,18}})(?!\d)"
    # a phone number written in groups ("0912 345 678", "091-234-5678", "+84 912.345.678")
    rf"|(?P<phone>(?<![\w+])(?:\+84{_SEP}?\d{{2,3}}|0\d{{2,3}})(?:{_SEP}\d{{3,4}}){{2}})(?!\d)"
    # any other run of nine digits or more: accounts, phones, ID numbers (CMND 9, CCCD 12)
    r"|(?P<digits>(?<!\d)\d{9,}(?!\d))"
    # an email address
    r"|(?P<email>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)",
    re.IGNORECASE,
)
_MAY_MASK = re.compile(r"[\d@]")
"""What every masked part has (a digit, or an email's @): a text without any is shown as it
is, without running `_PATTERN` over it (most transfer texts: "Ung ho dong bao lu lut")."""


def mask_number(text: str) -> str:
    """ "0011001932418" → "*******418" (fixed width: the length is not revealed)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return MASK + digits[-KEEP_DIGITS:]


def _replace(match: re.Match[str]) -> str:
    if match["keep"] is not None:
        return match["keep"]
    if match["labelled"] is not None:
        return match["label"] + mask_number(match["labelled"])
    if match["email"] is not None:
        return MASK + "@" + match["email"].rpartition("@")[2]
    return mask_number(match[0])


def public_memo(transfer_text: str | None) -> str | None:
    """The transfer text with account, phone and ID numbers and emails masked, whitespace
    collapsed, at most 300 characters; None when nothing is left."""
    if transfer_text is None:
        return None
    text = " ".join(transfer_text.split())
    if not text:
        return None
    masked = _PATTERN.sub(_replace, text) if _MAY_MASK.search(text) else text
    if len(masked) > MAX_LENGTH:
        masked = masked[: MAX_LENGTH - 1].rstrip() + "…"
    return masked
