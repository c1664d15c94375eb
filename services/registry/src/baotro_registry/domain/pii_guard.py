"""Finds personal data in free text meant for the public (appeal stories) or a sponsor (letters).

Pure functions, no I/O. A finding names only the *kind* of data found, never the data itself,
so the caller can refuse the text without echoing it back.

Two sources of knowledge:
- the child's own data (`PersonalMarkers`): name (also folded, also the given name alone),
  national ID, guardian's name and phone, school, address words, commune name;
- generic patterns: 12-digit IDs, phone-like numbers, e-mail addresses, links, "trường …",
  "thôn/xóm/bản …", "số nhà", "đường …", "xã/phường …".

Folding (diacritics removed, Đ→D) catches "NGUYEN VAN AN" for "Nguyễn Văn An"; to avoid
reading "ăn" (to eat) as the name "An", a word written *with* diacritics only matches the same
word with the same diacritics; a word written without any matches every accented form.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from unidecode import unidecode

from baotro_registry.domain.children import Child


class PiiKind(enum.StrEnum):
    CHILD_NAME = "child_name"
    GUARDIAN_NAME = "guardian_name"
    NATIONAL_ID = "national_id"
    PHONE = "phone"
    EMAIL = "email"
    LINK = "link"
    SCHOOL = "school"
    ADDRESS = "address"


KIND_NAMES_VI: dict[PiiKind, str] = {
    PiiKind.CHILD_NAME: "họ tên của trẻ",
    PiiKind.GUARDIAN_NAME: "tên người giám hộ",
    PiiKind.NATIONAL_ID: "số định danh cá nhân/căn cước",
    PiiKind.PHONE: "số điện thoại",
    PiiKind.EMAIL: "địa chỉ email",
    PiiKind.LINK: "đường dẫn hoặc tài khoản mạng xã hội",
    PiiKind.SCHOOL: "tên trường học",
    PiiKind.ADDRESS: "địa chỉ (thôn, xóm, bản, đường, xã/phường …)",
}

PUBLIC_TEXT_KINDS = frozenset(PiiKind)
"""An appeal's story: nothing that identifies or locates the child."""

LETTER_KINDS = frozenset(
    {
        PiiKind.NATIONAL_ID,
        PiiKind.PHONE,
        PiiKind.EMAIL,
        PiiKind.LINK,
        PiiKind.SCHOOL,
        PiiKind.ADDRESS,
    }
)
"""A sponsorship letter may use first names, but never a contact detail or a place, either way."""


@dataclass(frozen=True)
class PersonalMarkers:
    """What is known about one child, to look for in a text (all optional but the name)."""

    full_name: str = ""
    national_id: str | None = None
    guardian_name: str | None = None
    phones: tuple[str, ...] = ()
    school: str | None = None
    address: str | None = None
    place_names: tuple[str, ...] = ()
    """Commune, village … names that would locate the child (the province is allowed)."""
    allowed_place_names: tuple[str, ...] = ()
    """Place names that may appear (the province), never reported even inside an address."""


def markers_of(
    child: Child, *, place_names: tuple[str, ...], province_name: str
) -> PersonalMarkers:
    """What to look for in a text about this child (its personal data must be loaded)."""
    p = child.personal
    return PersonalMarkers(
        full_name=p.full_name,
        national_id=p.national_id,
        guardian_name=p.guardian_name,
        phones=tuple(x for x in (p.guardian_phone,) if x),
        school=p.school,
        address=p.address,
        place_names=place_names,
        allowed_place_names=(province_name,),
    )


@dataclass(frozen=True)
class Word:
    text: str
    """NFC, as written."""
    folded: str
    """No diacritics, upper case."""
    capitalised: bool
    accented: bool
    after_break: bool
    """Punctuation (end of sentence, comma …) separates it from the previous word."""


@dataclass(frozen=True)
class Text:
    words: list[Word]
    plain: bool
    """Typed without diacritics: a bare word may then stand for any accented form."""


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold_word(word: str) -> str:
    return unidecode(word).upper()


def parse(text: str) -> Text:
    """The words (letters and digits) of a text, with their folded forms."""
    text = _nfc(text)
    words: list[Word] = []
    previous_end = 0
    for m in re.finditer(r"\w+", text):
        word = m.group()
        words.append(
            Word(
                text=word,
                folded=fold_word(word),
                capitalised=word[0].isupper(),
                accented=unidecode(word) != word,
                after_break=bool(re.search(r"[.!?;:,()\n]", text[previous_end : m.start()])),
            )
        )
        previous_end = m.end()
    accented = sum(w.accented for w in words)
    return Text(words, plain=accented <= len(words) // 20)


def _same_word(text: Text, written: Word, marker: str, *, in_sequence: bool = False) -> bool:
    """`written` is `marker`, in any case; without diacritics when the text has none (or
    inside a longer sequence: "Nguyen Van An" in an accented text still names the child)."""
    if written.folded != fold_word(marker):
        return False
    if written.text.lower() == _nfc(marker).lower():
        return True
    return not written.accented and (text.plain or in_sequence)


def _contains_sequence(text: Text, marker_words: list[str]) -> bool:
    n = len(marker_words)
    words = text.words
    if n == 0:
        return False
    for i in range(len(words) - n + 1):
        if all(
            _same_word(text, words[i + k], marker_words[k], in_sequence=n > 1) for k in range(n)
        ):
            return True
    return False


def _contains_capitalised(text: Text, marker: str) -> bool:
    """A single name-like word: only counts when written with a capital (names are)."""
    return any(w.capitalised and _same_word(text, w, marker) for w in text.words)


def _marker_words(text: str) -> list[str]:
    return [m.group() for m in re.finditer(r"\w+", _nfc(text))]


def _mentions_name(text: Text, name: str) -> bool:
    """The full name, its last two words, or the given name alone (capitalised)."""
    parts = _marker_words(name)
    if not parts:
        return False
    if _contains_sequence(text, parts) or (
        len(parts) >= 2 and _contains_sequence(text, parts[-2:])
    ):
        return True
    return _contains_capitalised(text, parts[-1])


# -- numbers -------------------------------------------------------------------------------
_SEP = r"[\s.\-()]"
_PHONE = re.compile(rf"(?<![\d+])(?:\+?84{_SEP}*[1-9]|0{_SEP}*[1-9])(?:{_SEP}*\d){{8,9}}(?!\d)")
"""Vietnamese numbers, mobile (10 digits) or landline (11), with +84/84 or 0, any separators."""
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[\s.\-]?\d)*(?!\d)")
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*$")
"""`1.500.000` or `1,500,000`: an amount of money, not an identifier."""


def _digit_runs(raw: str) -> list[tuple[str, str]]:
    """(as written, digits only) for each run of digits joined by single separators."""
    return [(m.group(), re.sub(r"\D", "", m.group())) for m in _DIGIT_RUN.finditer(raw)]


def _has_national_id(raw: str, known: str | None) -> bool:
    for written, digits in _digit_runs(raw):
        if known and known in digits:
            return True
        if len(digits) >= 12 and not _THOUSANDS.match(written.strip()):
            # 12 digits (mã định danh cá nhân / CCCD), or a longer run that could hide one
            return True
    return False


def _has_phone(raw: str, known: Iterable[str]) -> bool:
    if _PHONE.search(raw):
        return True
    tails = [re.sub(r"\D", "", p)[-9:] for p in known if len(re.sub(r"\D", "", p)) >= 9]
    return any(tail in digits for _, digits in _digit_runs(raw) for tail in tails)


# -- contact -------------------------------------------------------------------------------
_EMAIL = re.compile(r"[\w.+\-]+\s*(?:@|\(at\)|\[at\])\s*[\w\-]+(?:\s*\.\s*[\w\-]+)+", re.IGNORECASE)
_LINK = re.compile(
    r"(?:https?://|www\.|\b[\w\-]+\.(?:com|vn|net|org|me|ly|io)\b|"
    r"\b(?:facebook|fb|zalo|tiktok|instagram|messenger|telegram|viber|youtube)\b)",
    re.IGNORECASE,
)

# -- places --------------------------------------------------------------------------------
_ADDRESS_KEYWORDS: dict[str, tuple[str, ...]] = {
    "THON": ("thôn",),
    "XOM": ("xóm",),
    "BAN": ("bản",),
    "LANG": ("làng",),
    "AP": ("ấp",),
    "NGO": ("ngõ",),
    "NGACH": ("ngách",),
    "HEM": ("hẻm",),
    "KIET": ("kiệt",),
    "DUONG": ("đường",),
    "PHO": ("phố",),
    "XA": ("xã",),
    "PHUONG": ("phường",),
    "HUYEN": ("huyện",),
    "QUAN": ("quận",),
    "TO": ("tổ",),
    "KHU": ("khu",),
    "DOI": ("đội",),
}
"""Folded keyword → its accented form: `bạn` (friend) is not `bản` (village) in an accented text."""
_ADDRESS_PHRASES: tuple[tuple[str, ...], ...] = (
    ("SO", "NHA"),
    ("THI", "TRAN"),
    ("THI", "XA"),
    ("THANH", "PHO"),
    ("TO", "DAN", "PHO"),
    ("KHU", "PHO"),
)
_SCHOOL_TYPES: tuple[tuple[str, ...], ...] = (
    ("TRUNG", "HOC", "CO", "SO"),
    ("TRUNG", "HOC", "PHO", "THONG"),
    ("TIEU", "HOC"),
    ("MAM", "NON"),
    ("MAU", "GIAO"),
    ("THCS",),
    ("THPT",),
    ("PTDTBT",),
    ("PTDTNT",),
    ("PT", "DTNT"),
    ("PT", "DTBT"),
)
_GENERIC_PHRASES = _ADDRESS_PHRASES + _SCHOOL_TYPES
_GENERIC_WORDS = frozenset({*_ADDRESS_KEYWORDS, "SO", "NHA", "TINH", "TRUONG", "LOP"})


def _keyword_at(text: Text, i: int) -> bool:
    w = text.words[i]
    accented_forms = _ADDRESS_KEYWORDS.get(w.folded)
    if accented_forms is None:
        return False
    return w.text.lower() in accented_forms or (text.plain and not w.accented)


def _phrase_at(words: list[Word], i: int, phrase: tuple[str, ...]) -> bool:
    return i + len(phrase) <= len(words) and all(
        words[i + k].folded == phrase[k] for k in range(len(phrase))
    )


def _names_a_place(text: Text, j: int, allowed: list[list[str]]) -> bool:
    """The word at `j` starts a proper name or a number (`thôn Đông`, `xóm 3`) in the same
    sentence, and is not the province (which may be named)."""
    if j >= len(text.words):
        return False
    w = text.words[j]
    if w.after_break:
        return False
    if w.text.isdigit():
        return True
    if not w.capitalised:
        return False
    return not any(_starts_with(text, j, a) for a in allowed if a)


def _starts_with(text: Text, j: int, marker_words: list[str]) -> bool:
    window = text.words[j : j + len(marker_words)]
    return len(window) == len(marker_words) and all(
        _same_word(text, w, m, in_sequence=True) for w, m in zip(window, marker_words, strict=True)
    )


def _has_address_pattern(text: Text, allowed: list[list[str]]) -> bool:
    for i in range(len(text.words)):
        for phrase in _ADDRESS_PHRASES:
            if _phrase_at(text.words, i, phrase) and _names_a_place(text, i + len(phrase), allowed):
                return True
        if _keyword_at(text, i) and _names_a_place(text, i + 1, allowed):
            return True
    return False


def _has_school_pattern(text: Text) -> bool:
    """`trường Điện Biên`, `trường tiểu học Điện Biên`, `THCS Lê Lợi`, `trường tiểu học số 2`;
    not `trường hợp` nor `trường tiểu học gần nhà`."""
    words = text.words
    for i in range(len(words)):
        j = i + 1 if words[i].folded == "TRUONG" else i
        school_type = next((t for t in _SCHOOL_TYPES if _phrase_at(words, j, t)), None)
        if school_type is not None:
            j += len(school_type)
        elif j == i:
            continue
        if j < len(words) and not words[j].after_break:
            if words[j].capitalised or words[j].text.isdigit():
                return True
            if words[j].folded == "SO" and j + 1 < len(words) and words[j + 1].text.isdigit():
                return True
    return False


def _distinctive_parts(place: str, allowed: list[list[str]]) -> list[list[str]]:
    """`Số 12 ngõ 5 đường Bà Triệu, Phường Hạc Thành` → [["Bà", "Triệu"], ["Hạc", "Thành"]]:
    the words that name a place, without generic words, numbers and allowed places."""
    parts: list[list[str]] = []
    for chunk in re.split(r"[,;/\n()]", _nfc(place)):
        chunk_words = _marker_words(chunk)
        folded = [fold_word(w) for w in chunk_words]
        current: list[str] = []
        i = 0
        while i < len(chunk_words):
            phrase = next((p for p in _GENERIC_PHRASES if tuple(folded[i : i + len(p)]) == p), None)
            step = len(phrase) if phrase else 1
            if phrase or folded[i] in _GENERIC_WORDS or chunk_words[i].isdigit():
                if current:
                    parts.append(current)
                current = []
            else:
                current.append(chunk_words[i])
            i += step
        if current:
            parts.append(current)
    allowed_folded = {" ".join(fold_word(w) for w in a) for a in allowed}
    return [p for p in parts if " ".join(fold_word(w) for w in p) not in allowed_folded]


def _mentions_place(text: Text, place: str, allowed: list[list[str]]) -> bool:
    for part in _distinctive_parts(place, allowed):
        if len(part) >= 2 and _contains_sequence(text, part):
            return True
        if len(part) == 1 and len(fold_word(part[0])) >= 3 and _contains_capitalised(text, part[0]):
            return True
    return False


def find_personal_data(
    text: str, markers: PersonalMarkers, *, kinds: frozenset[PiiKind] = PUBLIC_TEXT_KINDS
) -> list[PiiKind]:
    """The kinds of personal data found in `text` (empty when none), in a stable order."""
    raw = _nfc(text)
    parsed = parse(raw)
    allowed = [_marker_words(a) for a in markers.allowed_place_names]
    found: set[PiiKind] = set()
    if markers.full_name and _mentions_name(parsed, markers.full_name):
        found.add(PiiKind.CHILD_NAME)
    if markers.guardian_name and _mentions_name(parsed, markers.guardian_name):
        found.add(PiiKind.GUARDIAN_NAME)
    if _has_national_id(raw, markers.national_id):
        found.add(PiiKind.NATIONAL_ID)
    if _has_phone(raw, markers.phones):
        found.add(PiiKind.PHONE)
    if _EMAIL.search(raw):
        found.add(PiiKind.EMAIL)
    if _LINK.search(raw):
        found.add(PiiKind.LINK)
    if _has_school_pattern(parsed) or (
        markers.school is not None and _mentions_place(parsed, markers.school, allowed)
    ):
        found.add(PiiKind.SCHOOL)
    places = [p for p in (markers.address, *markers.place_names) if p]
    if _has_address_pattern(parsed, allowed) or any(
        _mentions_place(parsed, p, allowed) for p in places
    ):
        found.add(PiiKind.ADDRESS)
    return [k for k in PiiKind if k in found and k in kinds]


def describe(found: Iterable[PiiKind]) -> str:
    """Vietnamese list of the kinds found (never the data): `số điện thoại, tên trường học`."""
    return ", ".join(KIND_NAMES_VI[k] for k in found)
