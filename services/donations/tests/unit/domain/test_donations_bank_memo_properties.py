"""Properties of the memo normaliser: `baotro_shared.text.fold`/`compact` and
`bank_memo.read_memo`, on arbitrary text and on memos built in the banks' formats.

The diacritics oracle is independent of `unidecode`: Unicode decomposition with the combining
marks dropped, and Đ/đ mapped by hand (NFD leaves them whole, design/domain-vn.md).
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from baotro_donations.domain.bank_memo import MemoFacts, MemoSource, read_memo
from baotro_shared.text import compact, fold

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
VIETNAMESE = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "0123456789 .,-/:"
WHITESPACE = st.text(alphabet=" \t\n\r\u00a0\u2028", min_size=1, max_size=4)
SEPARATORS = st.text(alphabet=" \t\n\r-._#", min_size=1, max_size=3)
"""What line-wrapping inserts and what donors type inside a code (banks strip -_#)."""

vietnamese_text = st.text(alphabet=VIETNAMESE, max_size=60)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
FAMILY += ["Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Trịnh", "Lương", "Quách"]
GIVEN = ["Văn", "Thị", "Đức", "Hằng", "Ngọc", "Thảo", "Minh", "Quốc", "Hùng", "Phương", "Anh"]
GIVEN += ["Dũng", "Tuấn", "Yến", "Hương", "Lộc", "Đạt", "Khoa", "Trâm", "Ánh", "Ưu", "Thơ"]
"""Given names that do not fold to a memo word of `_NOT_NAME` ("Ưng" → UNG, "Ơn" → ON): a
name ends at those by design."""


@st.composite
def person_names(draw: st.DrawFn, max_given: int = 4) -> str:
    words = [draw(st.sampled_from(FAMILY))]
    words += draw(st.lists(st.sampled_from(GIVEN), min_size=1, max_size=max_given))
    return " ".join(words)


def written(name: str, style: str) -> str:
    """A name as donors and banks write it."""
    if style == "title":
        return name
    if style == "upper":
        return name.upper()
    return fold(name)


STYLES = st.sampled_from(["title", "upper", "folded"])


def without_diacritics(text: str) -> str:
    """The oracle: decomposed, combining marks dropped, Đ/đ → D/d."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ---------------------------------------------------------------- fold and compact


@given(st.text())
def test_fold_is_idempotent_and_gives_single_spaced_upper_case_ascii(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert folded == folded.upper()
    assert folded == " ".join(folded.split())


@given(vietnamese_text)
@example("Đỗ Đức ĐẠT đi đâu")
@example("Nguyễn  Văn\nĐức")
def test_fold_removes_every_vietnamese_diacritic_including_d_bar(text: str) -> None:
    expected = " ".join(without_diacritics(text).upper().split())
    assert fold(text) == expected
    assert not set(fold(text)) & set("ĐđÐ")


@given(vietnamese_text)
def test_fold_ignores_letter_case(text: str) -> None:
    assert fold(text.lower()) == fold(text) == fold(text.upper())


@given(st.lists(st.text(alphabet=VIETNAMESE_LETTERS, min_size=1), max_size=8), st.data())
def test_fold_ignores_how_words_are_spaced(words: list[str], data: st.DataObject) -> None:
    spaced = "".join(w + data.draw(WHITESPACE) for w in words)
    assert fold(data.draw(WHITESPACE) + spaced) == fold(" ".join(words))


@given(st.text())
def test_compact_keeps_only_upper_case_ascii_letters_and_digits(text: str) -> None:
    compacted = compact(text)
    assert re.fullmatch(r"[A-Z0-9]*", compacted)
    assert compacted == compact(fold(text)) == compact(compacted)


@given(st.text(), st.text(), SEPARATORS)
@example("TH7K3", "M9X2", "\n")
@example("th k7k", "2m-9", " - ")
def test_compact_ignores_inserted_breaks_spaces_and_stripped_symbols(
    head: str, tail: str, separator: str
) -> None:
    assert compact(head + separator + tail) == compact(head + tail)


@given(vietnamese_text)
def test_compact_ignores_case_and_diacritics(text: str) -> None:
    assert compact(text.lower()) == compact(without_diacritics(text).upper())


# ---------------------------------------------------------------- read_memo

memo_fragments = st.sampled_from(
    [
        "MBVCB.",
        "CT tu ",
        " toi ",
        "0011001932418",
        "020097040509011046122024",
        "JDC5013867.",
        "272986.010924.101858.",
        "CT nhanh 247 den: ",
        "Chuyen tien den tu NAPAS Noi dung: ",
        "PARTNER.DIRECT_DEBITS_VCB.ZLP.",
        " (CT1111)",
        "; thoi gian GD:01092024 10:46:12",
        "FT24245 123456789",
        "Vietcombank:0011001932418:",
        "NGUYEN VAN A",
        "Đỗ Thị Hằng",
        "ung ho",
        ".",
        " ",
        "\n",
        "-",
        "_",
    ]
)
MEMO_ALPHABET = VIETNAMESE + "".join(chr(c) for c in range(0x20, 0x7F)) + "\n\t"
"""What bank memos and counter-account columns are written in: ASCII and Vietnamese."""
bank_like_memos = st.lists(
    memo_fragments | st.text(alphabet=MEMO_ALPHABET, max_size=8), max_size=12
).map("".join)
realistic_text = st.text(alphabet=MEMO_ALPHABET) | bank_like_memos


def assert_well_formed(facts: MemoFacts) -> None:
    """What holds for any input: text single-spaced without a dot at either end, a folded
    (ASCII, upper case) payer name, digit runs for the account and BIN."""
    assert facts.text == " ".join(facts.text.split())
    assert not facts.text.startswith(".")
    assert not facts.text.endswith(".")
    if facts.payer_name is not None:
        assert facts.payer_name.isascii()
        assert facts.payer_name == facts.payer_name.upper()
    if facts.sender_account is not None:
        assert re.fullmatch(r"\d{6,19}", facts.sender_account)
    if facts.sender_bank_bin is not None:
        assert re.fullmatch(r"\d{6}", facts.sender_bank_bin)
    if facts.bank_reference is not None:
        assert facts.bank_reference.isalnum()


@given(st.text() | bank_like_memos, st.none() | st.text())
def test_read_memo_never_raises_and_every_field_is_well_formed(
    memo: str, counterparty: str | None
) -> None:
    assert_well_formed(read_memo(memo, counterparty))


@given(realistic_text, st.none() | st.text(alphabet=MEMO_ALPHABET))
def test_on_memo_alphabets_names_are_words_of_letters_and_accounts_ascii_digits(
    memo: str, counterparty: str | None
) -> None:
    facts = read_memo(memo, counterparty)
    if facts.payer_name is not None:
        assert re.fullmatch(r"[A-Z]+( [A-Z]+){1,6}", facts.payer_name), facts.payer_name
    if facts.sender_account is not None:
        assert re.fullmatch(r"[0-9]{6,19}", facts.sender_account)
    if facts.bank_reference is not None:
        assert re.fullmatch(r"[0-9A-Za-z]+", facts.bank_reference)


@pytest.mark.parametrize(
    ("memo", "field"),
    [
        ("NGUYEN VANʼ chuyen tien", "payer_name"),  # U+02BC → "NGUYEN VAN'"
        ("NGUYEN VAN Ǝ chuyen tien", "payer_name"),  # → "NGUYEN VAN 3"
        ("NGUYEN Ɂ VAN chuyen tien", "payer_name"),  # → "NGUYEN  VAN" (two spaces)
        ("CT tu ١٢٣٤٥٦٧ NGUYEN VAN A toi 0011001932418", "sender_account"),  # Arabic digits
    ],
)
def test_names_and_accounts_stay_ascii_on_any_alphabet(memo: str, field: str) -> None:
    value = getattr(read_memo(memo), field)
    pattern = r"[A-Z]+( [A-Z]+){1,6}" if field == "payer_name" else r"[0-9]{6,19}"
    assert value is None or re.fullmatch(pattern, value), value


@given(st.text() | bank_like_memos, st.data())
def test_read_memo_ignores_line_breaks_and_extra_spaces_between_words(
    memo: str, data: st.DataObject
) -> None:
    words = memo.split()
    respaced = data.draw(WHITESPACE) + "".join(w + data.draw(WHITESPACE) for w in words)
    assert read_memo(respaced) == read_memo(" ".join(words)) == read_memo(memo)


@given(person_names(max_given=6), STYLES)
def test_counterparty_name_is_the_payer_folded(name: str, style: str) -> None:
    facts = read_memo("ung ho quy bao tro tre em", counterparty=written(name, style))
    assert facts.payer_name == fold(name)


@given(person_names(), STYLES, st.sampled_from(["chuyen tien", "ung ho tre em", "CK ung ho"]))
def test_leading_name_is_found_with_or_without_diacritics(name: str, style: str, rest: str) -> None:
    facts = read_memo(f"{written(name, style)} {rest}")
    assert facts.payer_name == fold(name)
    assert facts.source is MemoSource.PLAIN


account_numbers = st.text(alphabet="0123456789", min_size=6, max_size=19)
donor_words = st.lists(
    st.text(alphabet="abcdeghiklmnopqrsuvxy", min_size=1, max_size=8), min_size=1, max_size=6
).map(" ".join)


@given(
    st.text(alphabet="0123456789", min_size=6, max_size=12),
    donor_words,
    account_numbers,
    person_names(),
    account_numbers,
)
def test_vietcombank_internal_memo_gives_reference_account_and_name(
    reference: str, words: str, sender: str, name: str, receiver: str
) -> None:
    memo = f"MBVCB.{reference}.{words}.CT tu {sender} {fold(name)} toi {receiver} QUY BAO TRO"
    facts = read_memo(memo)
    assert facts.source is MemoSource.VCB_INTERNAL
    assert (facts.bank_reference, facts.sender_account) == (reference, sender)
    assert (facts.payer_name, facts.text) == (fold(name), words)


@given(
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(),
    st.times(),
    person_names(),
    STYLES,
)
def test_napas_memo_gives_trace_and_the_donors_own_words(
    trace: str, day: object, moment: object, name: str, style: str
) -> None:
    stamp = f"{day:%d%m%y}.{moment:%H%M%S}"
    own_words = f"{written(name, style)} chuyen tien ung ho"
    facts = read_memo(f"{trace}.{stamp}.{own_words}")
    assert facts.source is MemoSource.NAPAS
    assert (facts.bank_reference, facts.text) == (trace, own_words)
    assert facts.payer_name == fold(name)
