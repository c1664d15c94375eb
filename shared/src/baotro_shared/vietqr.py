"""VietQR (NAPAS, EMVCo merchant-presented QR): the payload builder, its parser, QR images.

Every field is TLV: ``ID(2) LEN(2) VALUE``, the length in characters, two digits.

====  =====================================================================================
00    payload format indicator ``01``
01    point of initiation: ``11`` static (no amount), ``12`` with an amount
38    ``00`` GUID ``A000000727`` (NAPAS), ``01`` { ``00`` bank BIN, ``01`` account },
      ``02`` service ``QRIBFTTA`` (transfer to an account)
53    currency ``704`` (VND)
54    amount in whole đồng, digits only
58    country ``VN``
62    additional data: ``08`` purpose of transaction, our memo (≤ 25 ASCII characters)
63    CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over everything up to and including
      ``6304``, four upper-case hex digits
====  =====================================================================================
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import segno

AGRIBANK_BIN = "970405"
VIETINBANK_BIN = "970415"
NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MEMO_MAX_LENGTH = 25
ACCOUNT_MAX_LENGTH = 19
AMOUNT_MAX_DIGITS = 13
"""EMVCo allows 13 characters in field 54."""

_STATIC = "11"
_WITH_AMOUNT = "12"
_CRC_TAG = "6304"


class VietQRError(ValueError):
    """A payload cannot be built or parsed; `message` is Vietnamese, safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class VietQR:
    """What a VietQR transfer payload says: the receiving account, the amount and the memo."""

    bank_bin: str
    account: str
    amount: int | None = None
    memo: str | None = None


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def normalise_account(raw: str) -> str:
    """The account number as digits: configuration may write ``3500.431.101.000.909``."""
    digits = "".join(symbol for symbol in raw if symbol.isascii() and symbol.isdigit())
    if not 1 <= len(digits) <= ACCOUNT_MAX_LENGTH:
        raise VietQRError(f"Số tài khoản «{raw}» phải có từ 1 đến {ACCOUNT_MAX_LENGTH} chữ số.")
    return digits


def fold_memo(text: str) -> str:
    """The memo without diacritics (Đ/đ included), single spaces; refuses what cannot fold.

    Memos keep their case: ``Ủng hộ lũ lụt`` becomes ``Ung ho lu lut``.
    """
    replaced = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", replaced)
    folded = " ".join(
        "".join(symbol for symbol in decomposed if not unicodedata.combining(symbol)).split()
    )
    unsupported = sorted({symbol for symbol in folded if not " " <= symbol <= "~"})
    if unsupported:
        raise VietQRError(
            "Nội dung chuyển khoản chỉ được chứa chữ, số và dấu câu thông thường; "
            f"không dùng được: {' '.join(unsupported)}"
        )
    if len(folded) > MEMO_MAX_LENGTH:
        raise VietQRError(
            f"Nội dung chuyển khoản dài {len(folded)} ký tự, tối đa {MEMO_MAX_LENGTH} ký tự."
        )
    return folded


def build_payload(
    bank_bin: str, account: str, *, amount: int | None = None, memo: str | None = None
) -> str:
    """The VietQR payload for a transfer to `account` at the bank `bank_bin`.

    Without `amount` the code is static (the donor types the amount). The memo is folded to
    ASCII; one longer than 25 characters is refused, never cut (it may carry a payment code).
    """
    if len(bank_bin) != 6 or not bank_bin.isascii() or not bank_bin.isdigit():
        raise VietQRError(f"Mã ngân hàng (BIN) «{bank_bin}» phải gồm đúng 6 chữ số.")
    digits = normalise_account(account)
    receiver = _tlv("00", bank_bin) + _tlv("01", digits)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", receiver) + _tlv("02", SERVICE_TO_ACCOUNT)
    parts = [
        _tlv("00", "01"),
        _tlv("01", _STATIC if amount is None else _WITH_AMOUNT),
        _tlv("38", merchant),
        _tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        parts.append(_tlv("54", _amount_text(amount)))
    parts.append(_tlv("58", COUNTRY_VN))
    folded = fold_memo(memo) if memo is not None else ""
    if folded:
        parts.append(_tlv("62", _tlv("08", folded)))
    body = "".join(parts) + _CRC_TAG
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def parse_payload(payload: str) -> VietQR:
    """The fields of a VietQR transfer payload; refuses a bad CRC or a malformed payload.

    Fields other than those in the module docstring (merchant name, city, …) are checked for
    well-formedness and otherwise ignored.
    """
    text = payload.strip()
    if len(text) < 8 or text[-8:-4] != _CRC_TAG:
        raise VietQRError("Mã QR không hợp lệ: thiếu mã kiểm tra CRC (trường 63) ở cuối.")
    expected = crc16_ccitt_false(text[:-4].encode("utf-8"))
    written = text[-4:]
    if (
        not all(symbol in "0123456789abcdefABCDEF" for symbol in written)
        or int(written, 16) != expected
    ):
        raise VietQRError(
            f"Mã QR không hợp lệ: mã kiểm tra CRC {written} sai (đúng là {expected:04X}); "
            "nội dung có thể đã bị sửa hoặc quét lỗi."
        )
    fields = _fields(text, "")
    if list(fields)[-1] != "63":
        raise VietQRError("Mã QR không hợp lệ: trường 63 (CRC) phải đứng cuối.")
    if fields.get("00") != "01":
        raise VietQRError("Mã QR không hợp lệ: trường 00 (phiên bản) phải là 01.")
    if fields.get("01", _STATIC) not in {_STATIC, _WITH_AMOUNT}:
        raise VietQRError("Mã QR không hợp lệ: trường 01 phải là 11 (tĩnh) hoặc 12 (có số tiền).")
    if "38" not in fields:
        raise VietQRError("Mã QR không phải VietQR: thiếu trường 38 (thông tin người nhận).")
    merchant = _fields(fields["38"], "38.")
    if merchant.get("00", "").upper() != NAPAS_GUID:
        raise VietQRError(f"Mã QR không phải VietQR: trường 38.00 phải là {NAPAS_GUID}.")
    if merchant.get("02", "").upper() != SERVICE_TO_ACCOUNT:
        raise VietQRError(
            f"Mã QR không hỗ trợ: chỉ nhận chuyển khoản đến tài khoản ({SERVICE_TO_ACCOUNT})."
        )
    receiver = _fields(merchant.get("01", ""), "38.01.")
    bank_bin = receiver.get("00", "")
    account = receiver.get("01", "")
    if len(bank_bin) != 6 or not bank_bin.isascii() or not bank_bin.isdigit():
        raise VietQRError("Mã QR không hợp lệ: mã ngân hàng (38.01.00) phải gồm 6 chữ số.")
    if not 1 <= len(account) <= ACCOUNT_MAX_LENGTH or not account.isascii():
        raise VietQRError("Mã QR không hợp lệ: thiếu số tài khoản (38.01.01) hoặc quá dài.")
    if fields.get("53") != CURRENCY_VND:
        raise VietQRError("Mã QR không hợp lệ: đơn vị tiền (trường 53) phải là 704 (VND).")
    if fields.get("58") != COUNTRY_VN:
        raise VietQRError("Mã QR không hợp lệ: mã quốc gia (trường 58) phải là VN.")
    amount: int | None = None
    if "54" in fields:
        raw_amount = fields["54"]
        if not raw_amount.isascii() or not raw_amount.isdigit() or int(raw_amount) <= 0:
            raise VietQRError(
                f"Mã QR không hợp lệ: số tiền «{raw_amount}» phải là số đồng nguyên dương."
            )
        amount = int(raw_amount)
    memo: str | None = None
    if "62" in fields:
        memo = _fields(fields["62"], "62.").get("08")
    return VietQR(bank_bin=bank_bin, account=account, amount=amount, memo=memo)


def qr_svg(payload: str, *, scale: int = 4) -> str:
    """An SVG document of the QR code (error correction M, a 4-module quiet zone)."""
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="svg", scale=scale, border=4, xmldecl=False)
    return buffer.getvalue().decode("utf-8")


def qr_png(payload: str, *, scale: int = 8) -> bytes:
    """A PNG image of the QR code (error correction M, a 4-module quiet zone)."""
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _qr(payload: str) -> segno.QRCode:
    # boost_error=False keeps level M exactly as specified instead of segno's silent upgrade.
    return segno.make_qr(payload, error="m", boost_error=False)


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQRError(f"Trường {tag} của mã QR dài quá 99 ký tự.")
    return f"{tag}{len(value):02d}{value}"


def _fields(text: str, where: str) -> dict[str, str]:
    """The TLV fields of `text`; `where` names the enclosing field in error messages."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if len(header) < 4 or not header.isascii() or not header.isdigit():
            raise VietQRError(
                f"Mã QR không hợp lệ: ở vị trí {position} của trường {where or 'gốc'} cần "
                "2 chữ số mã trường và 2 chữ số độ dài."
            )
        tag, length = header[:2], int(header[2:])
        value = text[position + 4 : position + 4 + length]
        if len(value) < length:
            raise VietQRError(
                f"Mã QR không hợp lệ: trường {where}{tag} khai báo {length} ký tự nhưng bị cắt cụt."
            )
        if tag in fields:
            raise VietQRError(f"Mã QR không hợp lệ: trường {where}{tag} xuất hiện hai lần.")
        fields[tag] = value
        position += 4 + length
    return fields


def _amount_text(amount: int) -> str:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise VietQRError("Số tiền phải là số đồng nguyên dương.")
    text = str(amount)
    if len(text) > AMOUNT_MAX_DIGITS:
        raise VietQRError(f"Số tiền quá lớn: tối đa {AMOUNT_MAX_DIGITS} chữ số.")
    return text
