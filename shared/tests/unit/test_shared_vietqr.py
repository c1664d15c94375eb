"""VietQR payloads: the public example, the CRC, memos, accounts, the parser and QR images."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baotro_shared.vietqr import (
    AGRIBANK_BIN,
    VIETINBANK_BIN,
    VietQR,
    VietQRError,
    _qr,
    build_payload,
    crc16_ccitt_false,
    fold_memo,
    normalise_account,
    parse_payload,
    qr_png,
    qr_svg,
)

PUBLIC_EXAMPLE = (
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA"
    "530370454061200005802VN62170813ung ho lu lut6304C15C"
)


def signed(fields: str) -> str:
    """`fields` followed by field 63 with the right CRC."""
    body = fields + "6304"
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def test_builds_the_public_vietinbank_example_exactly() -> None:
    payload = build_payload(VIETINBANK_BIN, "0011001932418", amount=120_000, memo="ung ho lu lut")
    assert payload == PUBLIC_EXAMPLE


def test_parses_the_public_vietinbank_example() -> None:
    assert parse_payload(PUBLIC_EXAMPLE) == VietQR(
        bank_bin="970415", account="0011001932418", amount=120_000, memo="ung ho lu lut"
    )


def test_crc_is_ccitt_false() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1  # the catalogue's check value
    assert crc16_ccitt_false(b"") == 0xFFFF


def test_bank_bins() -> None:
    assert AGRIBANK_BIN == "970405"
    assert VIETINBANK_BIN == "970415"


def test_a_payload_without_amount_is_static_and_has_no_field_54() -> None:
    payload = build_payload(AGRIBANK_BIN, "3500.431.101.000.909")
    assert payload.startswith("000201010211")
    assert "0116" + "3500431101000909" in payload
    assert "5802VN" in payload
    assert "54" not in payload.split("5303704")[1][:2]
    assert parse_payload(payload) == VietQR(bank_bin="970405", account="3500431101000909")


def test_the_memo_is_folded_to_ascii_keeping_its_case() -> None:
    payload = build_payload(
        AGRIBANK_BIN, "3500431101000909", amount=50_000, memo="Ủng hộ Quỹ đỡ đầu"
    )
    assert parse_payload(payload).memo == "Ung ho Quy do dau"
    assert "62210817Ung ho Quy do dau6304" in payload


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ĐỖ THỊ HƯƠNG", "DO THI HUONG"),
        ("  ủng   hộ\nlũ lụt ", "ung ho lu lut"),
        ("THD7K2M9QB", "THD7K2M9QB"),
        ("Tết 2026!", "Tet 2026!"),
    ],
)
def test_fold_memo(raw: str, folded: str) -> None:
    assert fold_memo(raw) == folded


@pytest.mark.parametrize("memo", ["ủng hộ 🌧", "捐款", "a" * 26, "Ủng hộ quỹ bảo trợ trẻ em tỉnh"])
def test_memos_that_cannot_be_folded_or_are_too_long_are_refused_not_cut(memo: str) -> None:
    with pytest.raises(VietQRError, match="Nội dung chuyển khoản"):
        build_payload(AGRIBANK_BIN, "3500431101000909", memo=memo)


def test_a_blank_memo_leaves_field_62_out() -> None:
    payload = build_payload(AGRIBANK_BIN, "3500431101000909", amount=10_000, memo="   ")
    assert "6200" not in payload
    assert "62" not in payload.split("5802VN")[1][:2]


@pytest.mark.parametrize(
    ("raw", "digits"),
    [("3500.431.101.000.909", "3500431101000909"), (" 0011 0019 32418 ", "0011001932418")],
)
def test_account_numbers_from_configuration_keep_digits_only(raw: str, digits: str) -> None:
    assert normalise_account(raw) == digits


@pytest.mark.parametrize("account", ["", "...", "1" * 20])
def test_impossible_account_numbers_are_refused(account: str) -> None:
    with pytest.raises(VietQRError, match="Số tài khoản"):
        build_payload(AGRIBANK_BIN, account)


@pytest.mark.parametrize("bank_bin", ["97040", "9704050", "97O405", ""])
def test_a_bin_must_have_six_digits(bank_bin: str) -> None:
    with pytest.raises(VietQRError, match="BIN"):
        build_payload(bank_bin, "3500431101000909")


@pytest.mark.parametrize("amount", [0, -1, 10**13, True])
def test_amounts_must_be_positive_whole_dong_of_at_most_13_digits(amount: int) -> None:
    with pytest.raises(VietQRError, match="Số tiền"):
        build_payload(AGRIBANK_BIN, "3500431101000909", amount=amount)


def test_the_largest_amount_fits() -> None:
    payload = build_payload(AGRIBANK_BIN, "3500431101000909", amount=10**13 - 1)
    assert parse_payload(payload).amount == 10**13 - 1


@given(
    bank_bin=st.text(alphabet="0123456789", min_size=6, max_size=6),
    account=st.text(alphabet="0123456789", min_size=1, max_size=19),
    amount=st.one_of(st.none(), st.integers(min_value=1, max_value=10**13 - 1)),
    memo=st.one_of(
        st.none(),
        st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=25),
    ),
)
def test_built_payloads_parse_back_to_the_same_fields(
    bank_bin: str, account: str, amount: int | None, memo: str | None
) -> None:
    payload = build_payload(bank_bin, account, amount=amount, memo=memo)
    assert parse_payload(payload) == VietQR(
        bank_bin=bank_bin, account=account, amount=amount, memo=memo or None
    )


@given(position=st.integers(min_value=0, max_value=len(PUBLIC_EXAMPLE) - 5), data=st.data())
def test_any_changed_character_is_refused(position: int, data: st.DataObject) -> None:
    original = PUBLIC_EXAMPLE[position]
    replacement = data.draw(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E).filter(lambda c: c != original)
    )
    tampered = PUBLIC_EXAMPLE[:position] + replacement + PUBLIC_EXAMPLE[position + 1 :]
    with pytest.raises(VietQRError):
        parse_payload(tampered)


def test_a_wrong_crc_is_refused_with_the_expected_value() -> None:
    with pytest.raises(VietQRError, match="C15C"):
        parse_payload(PUBLIC_EXAMPLE[:-4] + "C15D")


def test_a_lower_case_crc_is_accepted() -> None:
    assert parse_payload(PUBLIC_EXAMPLE[:-4] + "c15c").amount == 120_000


def test_unknown_fields_such_as_the_merchant_name_are_ignored() -> None:
    fields = PUBLIC_EXAMPLE[:-8].replace("5802VN", "5802VN5908QUY BTTE6009THANH HOA")
    assert parse_payload(signed(fields)).account == "0011001932418"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "thiếu mã kiểm tra"),
        ("hello", "thiếu mã kiểm tra"),
        (PUBLIC_EXAMPLE[:-8], "thiếu mã kiểm tra"),
        (signed("000201010212385"), "trường 38 khai báo 56 ký tự nhưng bị cắt cụt"),
        (signed("000201010212000201"), "trường 00 xuất hiện hai lần"),
        (signed("000201010212" + "3804xx12" + "5303704" + "5802VN"), "trường 38. cần 2 chữ số"),
        (signed("0002010102125303704xx"), "trường gốc cần 2 chữ số"),
        (signed("000202010212"), "phiên bản"),
        (signed("000201010213"), "trường 01"),
        (signed("000201010212" + "5303704" + "5802VN"), "trường 38"),
        (signed("000201" + "9910ab"), "phải đứng cuối"),
    ],
)
def test_malformed_payloads_are_refused_with_a_clear_error(payload: str, message: str) -> None:
    with pytest.raises(VietQRError, match=message):
        parse_payload(payload)


def _replace_and_resign(old: str, new: str) -> str:
    return signed(PUBLIC_EXAMPLE[:-8].replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("0010A000000727", "0010A000000999", "A000000727"),
        ("0208QRIBFTTA", "0208QRIBFTTC", "tài khoản"),
        ("5303704", "5303840", "704"),
        ("5802VN", "5802US", "VN"),
        ("5406120000", "540612000a", "số tiền"),
        ("5406120000", "54010", "số tiền"),
        # A five-digit BIN, the enclosing lengths 38 and 38.01 kept right.
        ("38570010A00000072701270006970415", "38560010A0000007270126000597041", "38.01.00"),
    ],
)
def test_payloads_that_are_not_vnd_transfers_to_an_account_are_refused(
    old: str, new: str, message: str
) -> None:
    with pytest.raises(VietQRError, match=message):
        parse_payload(_replace_and_resign(old, new))


def test_qr_images_use_error_correction_m() -> None:
    assert _qr(PUBLIC_EXAMPLE).error == "M"
    assert not _qr(PUBLIC_EXAMPLE).is_micro


def test_qr_svg_is_an_svg_document() -> None:
    svg = qr_svg(PUBLIC_EXAMPLE)
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg


def test_qr_png_is_a_png_image() -> None:
    png = qr_png(PUBLIC_EXAMPLE)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 200
