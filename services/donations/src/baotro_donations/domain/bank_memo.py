"""What a bank transfer's memo (nội dung chuyển khoản) tells us: the donor's own words, the
payer's name, the sender's account and bank, the bank's reference.

Formats measured on the 299,328 real credits of the 2024 flood appeal (../shared/data):

- NAPAS 24/7 inbound (48% of Vietcombank): ``<trace6>.<ddmmyy>.<hhmmss>.<memo>``
- interbank (28%): ``0200<senderBIN6><MMDDhhmmss><yyyy><ref>.<n>.<hhmmss>.<memo>``, the memo
  sometimes starting ``<Bank>:<beneficiary account>:`` — digits may be split by the
  line-wrapping of the PDF the statement came from (``.9536 6.132427.``)
- Vietcombank internal (21%): ``MBVCB.<id>[.<n>].<memo>.CT tu <account> [NAME] toi <account>
  <beneficiary>``, the only format with the sender's account
- wallets (3%): ``PARTNER.DIRECT_DEBITS_VCB.<wallet>.<id>.<yyyymmdd>.<id>-<phone>_<memo>``
- VietinBank: ``CT nhanh 247 den: <memo>``, ``Chuyen tien den tu NAPAS Noi dung: <memo>``, a
  trailing ``(CT1111)``; the payer's name in the counter-account column
  (``VND-TGTT-TRAN VAN A – A/C``)
- T24 banks add ``FT<14 digits>``; BIDV ends ``; thoi gian GD:ddmmyyyy hh:mm:ss``.

Names come from the explicit places first (``CT tu <acct> NAME toi``, ``Bank:acct:NAME``, the
counter-account column) and otherwise from the leading words of the memo when they look like
a Vietnamese name (a known family name first, then capitalised words, before a verb such as
"chuyen" or "ung ho"). Names are returned folded (no diacritics, upper case).

Pure functions; payment codes are found separately (`payment_code.find_in_memo`) on the raw
memo, because line-wrapping may split a code.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from baotro_shared.text import fold


class MemoSource(enum.StrEnum):
    NAPAS = "napas"
    INTERBANK = "interbank"
    VCB_INTERNAL = "vcb_internal"
    WALLET = "wallet"
    VIETINBANK_247 = "vietinbank_247"
    PLAIN = "plain"


@dataclass(frozen=True)
class MemoFacts:
    text: str
    """The donor's own words: bank prefixes, references and trailers removed."""
    payer_name: str | None = None
    """Folded (``NGUYEN VAN A``), when the memo or the counter-account names the payer."""
    sender_account: str | None = None
    """Digits only, when the bank wrote the sender's account."""
    sender_bank_bin: str | None = None
    """NAPAS BIN of the sender's bank (interbank format)."""
    bank_reference: str | None = None
    """The format's own reference (Vietcombank app id, interbank reference, NAPAS trace), or
    the T24 bank's ``FT…`` number when there is none or it is only a NAPAS trace."""
    source: MemoSource = MemoSource.PLAIN
    references: tuple[str, ...] = ()
    """Every reference of the transfer the memo names, for linking a refund to it: the bank's
    own (NAPAS trace, also as ``trace.ddmmyy.hhmmss``; Vietcombank app id; interbank
    reference) and each ``FT…`` number, in that order."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FAMILY_NAMES = _words(
    """NGUYEN TRAN LE PHAM HOANG HUYNH PHAN VU VO DANG BUI DO HO NGO DUONG LY DINH DAO DOAN
    LAM MAI TRINH TRUONG LUONG LUU CAO HA TA TO THAI TANG QUACH LA KIEU KHUC CHU CHAU HUA LAI
    LIEU MA MAC NONG TONG THACH TIEU VUONG VI VIEN PHUNG PHI QUAN NINH NGHIEM KIM KHONG GIANG
    DIEP DAM CU CUNG BACH AN AU BANH BE CAN CHAN CHUNG DANH DIEM GIAP HAN HAU HONG KHA KHONG
    KHUAT LANG LINH LO LU MANH MONG NGHIEM NHAN NIE ONG QUANG SAM SON TAN THAN THIEU THIEN
    THUY TIEN TON TRIEU TRINH TU UNG VAN VIEN VU XA YEN"""
)
"""Vietnamese family names (folded); a memo's first word must be one to start a name."""

_NOT_NAME = _words(
    """CHUYEN UNG HO CK CT GUI MUNG NOP GOP ND NOI XIN CAM ON TK STK FT MBVCB IBFT NAPAS VA
    VOI CHO CUA TOI LU LUT KHAC QUA CAC BI TRE EM GIUP MA SO TRO"""
)
"""Memo words that end a name. Words that are also given names (TIEN, BAO, DONG, THANH,
PHUC, DUNG...) are not here: a name ends at the first lower-case word instead."""

_WS = re.compile(r"\s+")
_TRAILERS = re.compile(
    r"(?:\s*;?\s*thoi gian GD:\s*\d\d/?\d\d/?\d{4}\s+\d\d:\d\d:\d\d"  # BIDV
    r"|\s*\(CT\d{4}\)"  # VietinBank
    r"|-\d{6}-\s?\d\d:\d\d:\d\d\s+\d+"  # Agribank E-mobile: "-100924-21:54:57 978577"
    r")+\s*$",
    re.I | re.A,
)
_TRAILERS_MAX = 96
"""Trailers are searched for in the memo's last characters only (they are short)."""
_TRAILER_ENDS = frozenset(")0123456789")
_FT_REF = re.compile(r"\bFT\s?(\d{5}\s?\d{9})\b", re.A)
_VIETINBANK_247 = re.compile(r"^CT nhanh 247 den:\s*", re.I)
_VIETINBANK_NAPAS = re.compile(r"^Chuyen tien den tu NAPAS Noi dung:\s*", re.I)
_NAPAS = re.compile(r"^(?P<trace>\d{6})\.(?P<date>\d{6})\.(?P<time>\d{6})\.\s*(?P<text>.*)$", re.A)
_INTERBANK = re.compile(
    r"^0200(?P<bin>\d{6})\d{10}\d{4}(?P<ref>[0-9A-Za-z]+)\.[\d ]+\.\s*[\d ]+\.\s*(?P<text>.*)$",
    re.A,
)
_BENEFICIARY_PREFIX = re.compile(r"^[A-Za-z]+:\s*\d{6,19}\s*:\s*", re.A)
_VCB_APP = re.compile(r"^[IM]BVCB\.(?P<ref>\d+)\.(?:\d+\.)?(?P<text>.*)$", re.I | re.A)
"""Vietcombank's mobile (MBVCB) and internet (IBVCB) banking."""
_CT_TU = re.compile(
    r"(?<![0-9A-Za-z])CT tu (?P<acct>\d{6,19})(?=\s+\S)"
    r"(?:\s+(?:(?P<name>[^\d]*?)\s+)?toi\s*(?P<to>\d{6,19})\b)?",
    re.A,
)
"""Vietcombank's "CT tu <sender account> [NAME] toi <account> <beneficiary>". An account at
the very end of the memo may have been cut by the bank's length limit: not read."""
_WALLET = re.compile(
    r"^PARTNER\.DIRECT_DEBITS_VCB\.(?P<wallet>[A-Z]+)\.[\d ]+\.\d{8}\.[\d ]+-[\d ]+_"
    r"\s*(?P<text>.*)$",
    re.I | re.A,
)
_COUNTERPARTY_NOISE = re.compile(r"^(?:VND-TGTT-)?|\s*[–-]\s*A/C\s*$", re.I)


def read_memo(raw: str, counterparty: str | None = None) -> MemoFacts:
    """The facts of one memo; `counterparty` is the statement's counter-account column."""
    memo = " ".join(raw.split())
    if memo[-1:] in _TRAILER_ENDS and (
        trailer := _TRAILERS.search(memo, max(0, len(memo) - _TRAILERS_MAX))
    ):
        memo = memo[: trailer.start()]
    source = MemoSource.PLAIN
    reference: str | None = None
    account: str | None = None
    bank_bin: str | None = None
    explicit_name: str | None = None
    references: list[str] = []
    transfers = (
        ["FT" + ft[1].replace(" ", "") for ft in _FT_REF.finditer(memo)] if "FT" in memo else []
    )

    for prefix in (_VIETINBANK_247, _VIETINBANK_NAPAS):
        if prefix.match(memo):
            memo = prefix.sub("", memo)
            source = MemoSource.VIETINBANK_247

    sender = _CT_TU.search(memo) if "CT tu " in memo else None
    vcb_app = _VCB_APP.match(memo)
    if sender and (vcb_app or sender["to"] or memo[:4].upper() == "VCB."):
        account, explicit_name = sender["acct"], sender["name"]
        memo = memo[: sender.start()]
        vcb_app = _VCB_APP.match(memo)
        if vcb_app is None and memo[:4].upper() == "VCB.":
            source = MemoSource.VCB_INTERNAL
    if vcb_app:
        source, reference, memo = MemoSource.VCB_INTERNAL, vcb_app["ref"], vcb_app["text"]
        references.append(reference)
    elif match := _NAPAS.match(memo):
        source, reference, memo = MemoSource.NAPAS, match["trace"], match["text"]
        references += [reference, f"{reference}.{match['date']}.{match['time']}"]
    elif match := _INTERBANK.match(memo):
        source, bank_bin, reference = MemoSource.INTERBANK, match["bin"], match["ref"]
        memo = match["text"]
        references.append(reference)
    elif match := _WALLET.match(memo):
        source, memo = MemoSource.WALLET, match["text"]

    if source is MemoSource.INTERBANK and (beneficiary := _BENEFICIARY_PREFIX.match(memo)):
        memo = memo[beneficiary.end() :]
    if transfers:
        # a NAPAS trace (6 digits) repeats; the T24 bank's FT number does not
        reference = transfers[0] if reference is None or source is MemoSource.NAPAS else reference
        references = [reference, *references, *transfers]
    memo = " ".join((_FT_REF.sub(" ", memo) if transfers else memo).split()).strip(" .")

    name = (
        _clean_name(explicit_name)
        or _counterparty_name(counterparty)
        or _leading_name(memo, upper_only=False)
    )
    return MemoFacts(
        text=memo,
        payer_name=name,
        sender_account=account,
        sender_bank_bin=bank_bin,
        bank_reference=reference,
        source=source,
        references=tuple(dict.fromkeys(references)),
    )


_CITED = (
    (re.compile(r"\bFT\s?(\d{5}\s?\d{9})\b", re.A), "FT{0}"),
    (re.compile(r"\b[IM]BVCB\.?\s?(\d{8,})\b", re.A), "{0}"),
    (re.compile(r"\b(\d{6}\.\d{6}\.\d{6})\b", re.A), "{0}"),
    (re.compile(r"\b(\d{4}\.\d{5})\b", re.A), "{0}"),
    (
        re.compile(
            r"\b(?:MA GD|SO GD|GD SO|GD|GIAO DICH|REF|REFUND|THAM CHIEU|TRACE|SO CT"
            r"|HOAN TIEN|HOAN TRA|TRA LAI)"
            r"(?:\s*(?:SO|NO))?[\s:.#]*(?=[A-Z0-9]*\d)([A-Z0-9]{6,20})\b",
            re.I | re.A,
        ),
        "{0}",
    ),
)
"""How a memo cites another transfer: ``FT…`` numbers, a Vietcombank app id (``MBVCB.699…``),
a NAPAS ``trace.ddmmyy.hhmmss``, a Vietcombank document number (``5213.45946``), or a
reference right after a word that announces one (``GD``, ``REF``, ``THAM CHIEU``, the refund
words): a token of 6-20 letters and digits with at least one digit."""


def cited_references(text: str) -> list[tuple[int, str]]:
    """(position, reference) of every transfer reference cited in `text`, in the forms of
    `MemoFacts.references` (``FT`` numbers without spaces), ordered by position."""
    found: dict[str, int] = {}
    taken: list[tuple[int, int]] = []
    for pattern, form in _CITED:
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue  # part of a reference of a better-known form
            taken.append(match.span())
            reference = form.format(match[1].replace(" ", "")).upper()
            found.setdefault(reference, match.start())
    return sorted(((position, ref) for ref, position in found.items()), key=lambda x: x[0])


def _clean_name(name: str | None) -> str | None:
    if not name:
        return None
    folded = fold(name)
    return folded if 1 < len(folded.split()) <= 7 and folded.replace(" ", "").isalpha() else None


def _counterparty_name(counterparty: str | None) -> str | None:
    if not counterparty:
        return None
    return _clean_name(_COUNTERPARTY_NOISE.sub("", _WS.sub(" ", counterparty).strip()))


def _leading_name(text: str, *, upper_only: bool) -> str | None:
    """The leading words of `text` when they read as a Vietnamese full name: a family name,
    then up to five more capitalised words, ending before a memo word."""
    words: list[str] = []
    for token in text.split():
        if not token.isalpha() or not (token.isupper() or (not upper_only and token.istitle())):
            break
        folded = token.upper() if token.isascii() else fold(token)
        if not folded.isascii() or not folded.isalpha():
            break  # a letter that folds to a digit, a quote or nothing
        if not words and folded not in FAMILY_NAMES:
            return None
        if words and folded in _NOT_NAME:
            break
        words.append(folded)
        if len(words) > 6:
            return None
    return " ".join(words) if len(words) >= 2 else None
