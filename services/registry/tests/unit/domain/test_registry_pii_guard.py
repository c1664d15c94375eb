"""The PII guard: what it finds in a story or a letter, what it lets through, what it reports."""

from __future__ import annotations

import pytest

from baotro_registry.domain.pii_guard import (
    KIND_NAMES_VI,
    LETTER_KINDS,
    PersonalMarkers,
    PiiKind,
    describe,
    find_personal_data,
)

AN = PersonalMarkers(
    full_name="Nguyễn Văn An",
    national_id="038216001234",
    guardian_name="Nguyễn Thị Bình",
    phones=("0912345678",),
    school="Trường Tiểu học Điện Biên",
    address="Số 12 ngõ 5 đường Bà Triệu, thôn Yên Lạc",
    place_names=("Phường Hạc Thành",),
    allowed_place_names=("Thanh Hóa",),
)
NOBODY = PersonalMarkers()


def found(text: str, markers: PersonalMarkers = AN) -> list[PiiKind]:
    return find_personal_data(text, markers)


# -- what passes ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "story",
    [
        "Em mồ côi cả cha lẫn mẹ, đang sống cùng bà ngoại đã già yếu ở tỉnh Thanh Hóa.",
        "Em cần 5.000.000 đồng học phí cho năm học 2026-2027.",
        "Em cần 1,500,000 đồng mỗi tháng; ca mổ tim dự kiến 120.000.000 đồng.",
        "Em được ăn no mỗi ngày nhờ sự giúp đỡ của các cô chú.",
        "Trường hợp của em rất khó khăn, mong nhận được sự chung tay.",
        "Em học lớp 5 ở trường tiểu học gần nhà và rất thích môn toán.",
        "Em vừa học xong tiểu học. Năm nay em lên lớp 6.",
        "Em chơi thân với bạn Lan cùng lớp.",
        "Xã hội cần quan tâm nhiều hơn tới các em.",
        "Em sống ở một xã miền núi. Năm nay em 9 tuổi.",
        "Nhà em ở thành phố Thanh Hóa.",
        "",
    ],
)
def test_a_story_about_the_situation_and_the_need_passes(story: str) -> None:
    assert found(story) == []


# -- the child's own data ------------------------------------------------------------------
@pytest.mark.parametrize(
    "story",
    [
        "Nguyễn Văn An năm nay 10 tuổi.",
        "NGUYỄN VĂN AN năm nay 10 tuổi.",
        "Nguyen Van An nam nay 10 tuoi.",
        "NGUYEN VAN AN NAM NAY 10 TUOI",
        "Bạn nhỏ Nguyen Van An trong câu chuyện có diacritics.",
        "Em Văn An rất ngoan.",
        "Em An rất ngoan.",
        "em An rất ngoan",
        "EM AN RAT NGOAN",
        "nguyễn  văn\nan",
    ],
)
def test_the_child_s_name_is_found_in_any_case_with_or_without_diacritics(story: str) -> None:
    assert PiiKind.CHILD_NAME in found(story)


def test_the_given_name_alone_needs_a_capital_and_the_same_diacritics() -> None:
    assert found("Em được ăn no.") == []  # ăn (eat) is not An
    assert found("em an tâm đi học") == []  # lower case in an accented text: a word
    assert found("Em Ân rất ngoan") == []  # another name
    assert found("Em An rất ngoan") == [PiiKind.CHILD_NAME]


def test_a_name_written_with_decomposed_unicode_is_still_found() -> None:
    decomposed = "Nguye\u0302\u0303n Va\u0306n An"
    assert PiiKind.CHILD_NAME in found(decomposed)


def test_the_guardian_s_name_and_given_name_are_found() -> None:
    assert found("Mẹ em là Nguyễn Thị Bình.") == [PiiKind.GUARDIAN_NAME]
    assert found("Mẹ Bình làm ruộng.") == [PiiKind.GUARDIAN_NAME]
    assert found("me em la NGUYEN THI BINH") == [PiiKind.GUARDIAN_NAME]


def test_the_child_s_school_by_its_distinctive_words() -> None:
    assert PiiKind.SCHOOL in found("Điện Biên là ngôi trường em yêu.")
    assert PiiKind.SCHOOL in found("Em học ở Dien Bien.")


def test_the_child_s_address_words_and_commune_are_found() -> None:
    assert PiiKind.ADDRESS in found("Nhà em gần Bà Triệu.")
    assert PiiKind.ADDRESS in found("Nhà em ở Yên Lạc.")
    assert PiiKind.ADDRESS in found("Em sống ở Hạc Thành.")
    assert PiiKind.ADDRESS in found("em song o hac thanh")


def test_the_province_may_be_named() -> None:
    assert found("Em sống ở Thanh Hóa.") == []
    assert found("Em sống ở tỉnh Thanh Hoá.") == []  # old-style accent placement


# -- numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Số định danh 038216001234.",
        "CCCD: 038 216 001 234",
        "CCCD: 038.216.001.234",
        "CCCD: 038-216-001-234",
        "Mã của em là 001216009999.",  # anyone's 12-digit number
    ],
)
def test_twelve_digit_identifiers_are_found_however_written(text: str) -> None:
    assert PiiKind.NATIONAL_ID in found(text, NOBODY)


def test_large_amounts_are_not_identifiers() -> None:
    assert found("Quỹ cần 100.000.000.000 đồng cho cả tỉnh.", NOBODY) == []


@pytest.mark.parametrize(
    "text",
    [
        "Gọi 0912345678",
        "Gọi 0912 345 678",
        "Gọi 0912.345.678",
        "Gọi 091-234-5678",
        "Gọi (+84) 912 345 678",
        "Gọi +84912345678",
        "Gọi 84 912 345 678",
        "Gọi bàn 0237 3852 123",
        "Gọi 0388888888 nhé",
    ],
)
def test_phone_like_numbers_are_found_however_written(text: str) -> None:
    assert PiiKind.PHONE in found(text, NOBODY)


def test_the_known_phone_without_its_leading_zero_is_found() -> None:
    assert found("liên hệ 912345678", AN) == [PiiKind.PHONE]
    assert found("liên hệ 912345678", NOBODY) == []


@pytest.mark.parametrize(
    "text", ["Em sinh năm 2016, học lớp 4.", "Cần 2.500.000 đồng.", "Ngày 09/03/2016."]
)
def test_years_dates_and_amounts_are_not_phones(text: str) -> None:
    assert found(text, NOBODY) == []


# -- contact -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Viết cho em: an.nguyen@gmail.com", PiiKind.EMAIL),
        ("Viết cho em: an.nguyen (at) gmail . com", PiiKind.EMAIL),
        ("Xem thêm https://example.org/em", PiiKind.LINK),
        ("Kết bạn Zalo với mẹ em", PiiKind.LINK),
        ("Trang facebook của lớp", PiiKind.LINK),
        ("www.truong-em.edu.vn", PiiKind.LINK),
    ],
)
def test_emails_links_and_social_accounts_are_found(text: str, kind: PiiKind) -> None:
    assert kind in found(text, NOBODY)


# -- generic places --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Nhà em ở thôn Đông.",
        "Nhà em ở xóm 3.",
        "Nhà em ở bản Mường Lát.",
        "Nhà em ở làng Hạ.",
        "Số nhà 25 gần chợ.",
        "Nhà em ở đường Lê Lợi.",
        "Nhà em ở phố Hàng Bạc.",
        "Nhà em thuộc xã Quảng Phú.",
        "Nhà em thuộc phường Đông Sơn.",
        "Nhà em ở tổ dân phố 4.",
        "Nhà em ở thị trấn Ngọc Lặc.",
        "Nha em o thon Dong",
        "NHA EM O XOM 3",
    ],
)
def test_village_street_and_commune_patterns_are_found(text: str) -> None:
    assert found(text, NOBODY) == [PiiKind.ADDRESS]


@pytest.mark.parametrize(
    "text",
    [
        "Em học trường Lê Lợi.",
        "Em học Trường Tiểu học Quang Trung.",
        "Em học trường THCS Nguyễn Du.",
        "Em học THPT Hàm Rồng.",
        "Em học trường tiểu học số 2.",
        "Em học trường mầm non Hoa Sen.",
        "Em hoc truong tieu hoc Quang Trung",
    ],
)
def test_school_patterns_are_found(text: str) -> None:
    assert PiiKind.SCHOOL in found(text, NOBODY)


@pytest.mark.parametrize(
    "text",
    [
        "Em chơi với bạn Lan.",  # bạn (friend), not bản (village)
        "Nhà em xa Trường.",  # xa (far), not xã
        "Con đường đến trường rất xa.",
        "Em đi đường dài. Sau đó về nhà.",
    ],
)
def test_look_alike_words_in_an_accented_text_are_not_places(text: str) -> None:
    assert found(text, NOBODY) == []


# -- letters and the report ----------------------------------------------------------------
def test_a_letter_may_use_first_names_but_no_contact_or_place() -> None:
    letter = "Chào An, cô rất vui khi nhận thư của con. Chúc con học giỏi!"
    assert find_personal_data(letter, AN, kinds=LETTER_KINDS) == []
    with_phone = letter + " Gọi cô số 0987 654 321 nhé."
    assert find_personal_data(with_phone, AN, kinds=LETTER_KINDS) == [PiiKind.PHONE]
    with_address = "Con ở thôn Yên Lạc, cô đến thăm nhé."
    assert find_personal_data(with_address, AN, kinds=LETTER_KINDS) == [PiiKind.ADDRESS]


def test_findings_are_ordered_deduplicated_and_described_without_the_data() -> None:
    text = "An học trường Điện Biên, gọi 0912345678 hoặc 0912345678, nhà ở thôn Yên Lạc."
    kinds = found(text)
    assert kinds == [PiiKind.CHILD_NAME, PiiKind.PHONE, PiiKind.SCHOOL, PiiKind.ADDRESS]
    message = describe(kinds)
    assert (
        message
        == "họ tên của trẻ, số điện thoại, tên trường học, " + KIND_NAMES_VI[PiiKind.ADDRESS]
    )
    for secret in ("An", "0912345678", "Điện Biên", "Yên Lạc"):
        assert secret not in message


def test_every_kind_has_a_vietnamese_name() -> None:
    assert set(KIND_NAMES_VI) == set(PiiKind)
