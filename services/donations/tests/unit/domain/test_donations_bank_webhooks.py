"""SePay and Casso webhooks: authentication (API key, HMAC-SHA256 with a timestamp, Casso's
HMAC-SHA512 over sorted JSON in every escaping) and the transfers they carry, on the samples
in ../shared/data/webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest

from baotro_donations.domain.bank_statement import Direction
from baotro_donations.domain.bank_webhooks import (
    WebhookRefusedError,
    load_json,
    parse_casso,
    parse_sepay,
    verify_casso,
    verify_sepay,
)
from baotro_shared.testing.shared_data import saoke_dir

WEBHOOKS = saoke_dir().parent / "webhooks"
NOW = 1_780_000_000.0
TOLERANCE = 300
API_KEY = "sepay-khoa-api-9f2c"
SECRET = "sepay-hmac-bi-mat"
CHECKSUM = "casso-checksum-7Qx"


def _sample(name: str) -> bytes:
    return Path(WEBHOOKS / name).read_bytes()


def _sepay_signed(body: bytes, *, secret: str = SECRET, at: float = NOW) -> dict[str, str]:
    stamp = str(int(at))
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-SePay-Timestamp": stamp, "X-SePay-Signature": f"sha256={digest}"}


def _verify_sepay(
    headers: dict[str, str],
    body: bytes = b"{}",
    *,
    api_key: str | None = API_KEY,
    secret: str | None = SECRET,
) -> None:
    verify_sepay(
        headers, body, api_key=api_key, hmac_secret=secret, tolerance_seconds=TOLERANCE, now=NOW
    )


def _refusal(call: Any, *args: Any, **kwargs: Any) -> WebhookRefusedError:
    with pytest.raises(WebhookRefusedError) as caught:
        call(*args, **kwargs)
    return caught.value


# ---------------------------------------------------------------- SePay authentication


def test_sepay_api_key_is_accepted_in_any_scheme_case() -> None:
    _verify_sepay({"Authorization": f"Apikey {API_KEY}"})
    _verify_sepay({"authorization": f"apikey {API_KEY}"}, secret=None)


@pytest.mark.parametrize(
    "authorization",
    [f"Apikey {API_KEY}x", f"Apikey {API_KEY[:-1]}", f"Bearer {API_KEY}", "Apikey ", API_KEY],
)
def test_sepay_wrong_api_key_is_refused_401(authorization: str) -> None:
    refusal = _refusal(_verify_sepay, {"Authorization": authorization})
    assert refusal.status == 401
    assert refusal.message == "Khóa API của webhook SePay không đúng."


def test_sepay_without_credentials_is_refused_401() -> None:
    refusal = _refusal(_verify_sepay, {}, secret=None)
    assert (refusal.status, refusal.message) == (
        401,
        "Webhook SePay thiếu thông tin xác thực (Authorization: Apikey …).",
    )


def test_sepay_without_configured_secret_is_never_accepted() -> None:
    refusal = _refusal(
        _verify_sepay, {"Authorization": f"Apikey {API_KEY}"}, api_key=None, secret=None
    )
    assert refusal.status == 503
    assert "Chưa cấu hình" in refusal.message


def test_sepay_hmac_signature_over_timestamp_and_raw_body_is_accepted() -> None:
    body = _sample("sepay-in.json")
    _verify_sepay(_sepay_signed(body), body, api_key=None)
    bare = _sepay_signed(body)
    bare["X-SePay-Signature"] = bare["X-SePay-Signature"].removeprefix("sha256=").upper()
    _verify_sepay(bare, body)
    _verify_sepay(_sepay_signed(body, at=NOW - TOLERANCE + 1), body)


def test_sepay_hmac_with_a_wrong_secret_or_a_changed_body_is_refused() -> None:
    body = _sample("sepay-in.json")
    wrong_secret = _refusal(_verify_sepay, _sepay_signed(body, secret="khac"), body)
    changed = _refusal(
        _verify_sepay, _sepay_signed(body), body.replace(b"500000", b"5000000"), api_key=None
    )
    for refusal in (wrong_secret, changed):
        assert (refusal.status, refusal.message) == (
            401,
            "Chữ ký HMAC của webhook SePay không đúng.",
        )


@pytest.mark.parametrize(
    ("at", "word"), [(NOW - TOLERANCE - 1, "quá cũ"), (NOW + TOLERANCE + 1, "ở tương lai")]
)
def test_sepay_hmac_outside_the_time_window_is_refused(at: float, word: str) -> None:
    body = _sample("sepay-in.json")
    refusal = _refusal(_verify_sepay, _sepay_signed(body, at=at), body)
    assert refusal.status == 401
    assert word in refusal.message


def test_sepay_hmac_without_a_timestamp_is_refused() -> None:
    body = _sample("sepay-in.json")
    headers = _sepay_signed(body)
    del headers["X-SePay-Timestamp"]
    refusal = _refusal(_verify_sepay, headers, body)
    assert refusal.status == 401
    assert "X-SePay-Timestamp" in refusal.message


# ---------------------------------------------------------------- Casso authentication

CASSO_PUBLISHED_BODY: dict[str, Any] = {
    "error": 0,
    "data": {
        "id": 0,
        "reference": "MA_GIAO_DICH_THU_NGHIEM",
        "description": "giao dich thu nghiem",
        "amount": 599000,
        "runningBalance": 25000000,
        "transactionDateTime": "2024-10-03 15:06:37",
        "accountNumber": "88888888",
        "bankName": "VPBank",
        "bankAbbreviation": "VPB",
        "virtualAccountNumber": "",
        "virtualAccountName": "",
        "counterAccountName": "NGUYEN VAN A",
        "counterAccountNumber": "8888888888",
        "counterAccountBankId": "970415",
        "counterAccountBankName": "VietinBank",
    },
}
"""Casso's own sample (github.com/CassoHQ/casso-webhook-v2-verify-signature) with its key and
signature: a vector computed by Casso, not by us."""
CASSO_PUBLISHED_KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
CASSO_PUBLISHED_SIGNATURE = (
    "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868"
    "fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
)


def _casso_signature(
    text: str, *, key: str = CHECKSUM, at_ms: int = int(NOW * 1000), label: str = "v1"
) -> str:
    digest = hmac.new(key.encode(), f"{at_ms}.{text}".encode(), hashlib.sha512).hexdigest()
    return f"t={at_ms},{label}={digest}"


def _verify_casso(signature: str | None, document: Any, *, key: str | None = CHECKSUM) -> None:
    headers = {"X-Casso-Signature": signature} if signature is not None else {}
    verify_casso(headers, document, checksum_key=key, tolerance_seconds=TOLERANCE, now=NOW)


def test_casso_published_signature_verifies() -> None:
    verify_casso(
        {"X-Casso-Signature": CASSO_PUBLISHED_SIGNATURE},
        CASSO_PUBLISHED_BODY,
        checksum_key=CASSO_PUBLISHED_KEY,
        tolerance_seconds=TOLERANCE,
        now=1727948258.788 + 10,
    )


def test_casso_published_signature_replayed_later_is_refused() -> None:
    refusal = _refusal(
        verify_casso,
        {"X-Casso-Signature": CASSO_PUBLISHED_SIGNATURE},
        CASSO_PUBLISHED_BODY,
        checksum_key=CASSO_PUBLISHED_KEY,
        tolerance_seconds=TOLERANCE,
        now=NOW,
    )
    assert refusal.status == 401
    assert "quá cũ" in refusal.message


VIETNAMESE_BODY: dict[str, Any] = {
    "error": 0,
    "data": {
        "id": 77,
        "description": "Đỗ Thị Hằng ủng hộ quỹ/tháng 6 — TH7K3M9X2",
        "counterAccountName": "ĐỖ THỊ HẰNG",
        "nested": {"z": "a/b", "a": ["Ư/ơ", {"y": 1, "b": "đ"}]},
        "amount": 250000,
    },
}


def _signer_texts(document: Any) -> dict[str, str]:
    """How signers in different languages write the sorted body."""
    python = json.dumps(document, sort_keys=True, separators=(",", ":"))
    javascript = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {
        "python (\\u escapes, / kept)": python,
        "javascript (UTF-8, / kept)": javascript,
        "php default (\\u escapes, \\/)": python.replace("/", "\\/"),
        "php unescaped unicode (UTF-8, \\/)": javascript.replace("/", "\\/"),
    }


@pytest.mark.parametrize("variant", list(_signer_texts(VIETNAMESE_BODY)))
def test_casso_signature_is_accepted_in_every_json_escaping(variant: str) -> None:
    text = _signer_texts(VIETNAMESE_BODY)[variant]
    assert "/" in json.loads(text)["data"]["description"]
    _verify_casso(_casso_signature(text), VIETNAMESE_BODY)


def test_casso_signature_does_not_depend_on_the_transport_bytes() -> None:
    sorted_text = json.dumps(VIETNAMESE_BODY, sort_keys=True, separators=(",", ":"))
    sent = json.dumps(
        {"data": dict(reversed(VIETNAMESE_BODY["data"].items())), "error": 0}, indent=2
    ).encode()
    _verify_casso(_casso_signature(sorted_text), load_json(sent))


@pytest.mark.parametrize(
    ("signature", "document", "reason"),
    [
        (
            _casso_signature(json.dumps(VIETNAMESE_BODY, sort_keys=True), key="khac"),
            VIETNAMESE_BODY,
            "Chữ ký webhook Casso không đúng.",
        ),
        (
            _casso_signature(json.dumps(VIETNAMESE_BODY, sort_keys=True, separators=(",", ":"))),
            {**VIETNAMESE_BODY, "data": {**VIETNAMESE_BODY["data"], "amount": 2500000}},
            "Chữ ký webhook Casso không đúng.",
        ),
        (
            _casso_signature(json.dumps(VIETNAMESE_BODY, sort_keys=True, separators=(",", ":")))[
                :-2
            ]
            + "00",
            VIETNAMESE_BODY,
            "Chữ ký webhook Casso không đúng.",
        ),
        (
            _casso_signature(
                json.dumps(VIETNAMESE_BODY, sort_keys=True, separators=(",", ":")), label="v2"
            ),
            VIETNAMESE_BODY,
            "Chữ ký webhook Casso sai dạng (cần t=<ms>,v1=<hex>).",
        ),
        ("v1=abc", VIETNAMESE_BODY, "Chữ ký webhook Casso sai dạng (cần t=<ms>,v1=<hex>)."),
        (None, VIETNAMESE_BODY, "Webhook Casso thiếu chữ ký (X-Casso-Signature)."),
    ],
    ids=["wrong-key", "changed-body", "wrong-signature", "unknown-version", "no-t", "missing"],
)
def test_casso_bad_signatures_are_refused_401(
    signature: str | None, document: Any, reason: str
) -> None:
    refusal = _refusal(_verify_casso, signature, document)
    assert (refusal.status, refusal.message) == (401, reason)


@pytest.mark.parametrize(
    ("shift_s", "word"), [(-TOLERANCE - 1, "quá cũ"), (TOLERANCE + 1, "ở tương lai")]
)
def test_casso_signature_outside_the_time_window_is_refused(shift_s: int, word: str) -> None:
    text = json.dumps(VIETNAMESE_BODY, sort_keys=True, separators=(",", ":"))
    at_ms = int((NOW + shift_s) * 1000)
    refusal = _refusal(_verify_casso, _casso_signature(text, at_ms=at_ms), VIETNAMESE_BODY)
    assert refusal.status == 401
    assert word in refusal.message
    _verify_casso(_casso_signature(text, at_ms=int((NOW - TOLERANCE + 1) * 1000)), VIETNAMESE_BODY)


def test_casso_without_configured_key_is_never_accepted() -> None:
    text = json.dumps(VIETNAMESE_BODY, sort_keys=True, separators=(",", ":"))
    refusal = _refusal(_verify_casso, _casso_signature(text), VIETNAMESE_BODY, key=None)
    assert refusal.status == 503


# ---------------------------------------------------------------- parsing


def test_sepay_sample_becomes_one_credit_line_of_the_agribank_account() -> None:
    body = _sample("sepay-in.json")
    transaction = parse_sepay(body)
    line = transaction.line
    assert (transaction.source, transaction.source_id) == ("sepay", "92704")
    assert transaction.account_number == "3500431101000909"
    assert (line.booked_on, line.booked_at) == (date(2026, 6, 3), time(9, 14, 27))
    assert (line.amount, line.direction, line.balance) == (500_000, Direction.CREDIT, 184_500_000)
    assert line.memo == "NGUYEN THI MAI chuyen tien ung ho thang hanh dong vi tre em QBT7K3M9X2"
    assert line.bank_reference == "MBVCB.3278907687"
    assert (line.counterparty, line.counter_account, line.currency) == (None, None, "VND")
    assert json.loads(line.raw) == json.loads(body)


def test_casso_sample_becomes_one_credit_line_with_its_counter_account() -> None:
    [transaction] = parse_casso(load_json(_sample("casso-v2.json")))
    line = transaction.line
    assert (transaction.source, transaction.source_id) == ("casso", "4581127")
    assert transaction.account_number == "3500431101000909"
    assert (line.booked_on, line.booked_at) == (date(2026, 12, 28), time(15, 2, 11))
    assert (line.amount, line.direction, line.balance) == (
        20_000_000,
        Direction.CREDIT,
        204_500_000,
    )
    assert line.memo == "CONG TY TNHH HONG DUC UNG HO QUY BAO TRO TRE EM TET 2027"
    assert line.bank_reference == "FT26154029841133"
    assert (line.counterparty, line.counter_account) == ("CONG TY TNHH HONG DUC", "0011004123456")
    raw = json.loads(line.raw)
    assert raw["id"] == 4581127
    assert "Ngân hàng Nông nghiệp" in line.raw


def _sepay(**changes: Any) -> bytes:
    document = json.loads(_sample("sepay-in.json"))
    for key, value in changes.items():
        if value is ...:
            del document[key]
        else:
            document[key] = value
    return json.dumps(document).encode()


def test_sepay_money_out_is_a_debit_and_the_description_stands_in_for_a_missing_content() -> None:
    line = parse_sepay(_sepay(transferType="out", content=None, description="THU PHI SMS")).line
    assert (line.direction, line.amount, line.memo) == (Direction.DEBIT, 500_000, "THU PHI SMS")


@pytest.mark.parametrize("amount", [500000.0, "500000", 500000])
def test_sepay_whole_amounts_in_any_json_spelling_are_read(amount: Any) -> None:
    assert parse_sepay(_sepay(transferAmount=amount)).line.amount == 500_000


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1.000,5", "Số tiền «1.000,5» không phải một số nguyên đồng (không nhận phần lẻ)."),
        ("500.000", "Số tiền «500.000» không phải một số nguyên đồng (không nhận phần lẻ)."),
        (1000.5, "Số tiền «1000.5» không phải một số nguyên đồng (không nhận phần lẻ)."),
        (True, "Số tiền «True» không phải một số nguyên đồng (không nhận phần lẻ)."),
        (-5, "Số tiền giao dịch phải lớn hơn 0 (nhận được -5)."),
        (0, "Số tiền giao dịch phải lớn hơn 0 (nhận được 0)."),
        (..., "Thiếu số tiền giao dịch (transferAmount)."),
        (None, "Thiếu số tiền giao dịch (transferAmount)."),
    ],
)
def test_sepay_bad_amounts_are_refused_with_a_vietnamese_reason(amount: Any, reason: str) -> None:
    refusal = _refusal(parse_sepay, _sepay(transferAmount=amount))
    assert (refusal.status, refusal.field, refusal.message) == (422, "transferAmount", reason)


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        (
            {"transactionDate": "03/06/2026 09:14"},
            "transactionDate",
            "Thời điểm «03/06/2026 09:14» không đọc được (cần dạng YYYY-MM-DD HH:MM:SS).",
        ),
        (
            {"transferType": "sideways"},
            "transferType",
            "Loại giao dịch «sideways» không hợp lệ (cần in hoặc out).",
        ),
        ({"accountNumber": ""}, "accountNumber", "Thiếu trường accountNumber."),
        ({"id": ...}, "id", "Thiếu hoặc sai mã giao dịch id của nhà cung cấp."),
        (
            {"accumulated": "184.500.000"},
            "accumulated",
            "Số dư «184.500.000» không phải một số nguyên đồng.",
        ),
        ({"content": {"x": 1}}, "content", "Trường content phải là chuỗi ký tự."),
    ],
)
def test_sepay_unreadable_fields_are_refused_422(
    changes: dict[str, Any], field: str, reason: str
) -> None:
    refusal = _refusal(parse_sepay, _sepay(**changes))
    assert (refusal.status, refusal.field, refusal.message) == (422, field, reason)


@pytest.mark.parametrize(
    "body", [b"", b"{", b'{"id": 1,}', b"\xff\xfe{}", b'{"transferAmount": NaN}', b"[1, 2]", b'"x"']
)
def test_bad_json_is_refused_400(body: bytes) -> None:
    refusal = _refusal(parse_sepay, body)
    assert refusal.status == 400
    assert "JSON" in refusal.message


def _casso(data: Any, **top: Any) -> Any:
    return {"error": 0, "data": data, **top}


def test_casso_negative_amount_is_money_out_and_an_older_list_with_v1_names_is_read() -> None:
    older = [
        {
            "id": 11,
            "tid": "FT26001",
            "description": "HOAN TIEN",
            "amount": -5,
            "cusum_balance": 95,
            "when": "2026-01-02 03:04:05",
            "subAccId": "3500431101000909",
            "corresponsive_name": "TRAN VAN B",
            "corresponsive_account": "0123456789",
        },
        {
            "id": 12,
            "description": "ung ho",
            "amount": 100,
            "when": "2026-01-02 03:05:00",
            "bank_sub_acc_id": "3500431101000909",
        },
    ]
    out, into = parse_casso(_casso(older))
    assert (out.source_id, out.account_number) == ("11", "3500431101000909")
    assert (out.line.direction, out.line.amount, out.line.balance) == (Direction.DEBIT, 5, 95)
    assert (out.line.bank_reference, out.line.counterparty) == ("FT26001", "TRAN VAN B")
    assert (out.line.counter_account, out.line.line_no) == ("0123456789", 1)
    assert (into.line.direction, into.line.amount, into.line.line_no) == (Direction.CREDIT, 100, 2)
    assert into.line.counter_account is None


def test_casso_test_delivery_and_empty_data_carry_no_transfer() -> None:
    assert parse_casso(CASSO_PUBLISHED_BODY) == []
    assert parse_casso({"error": 0, "data": []}) == []
    assert parse_casso({"error": 0}) == []


@pytest.mark.parametrize(
    ("document", "status", "field", "reason"),
    [
        ([1], 400, None, "Nội dung webhook Casso phải là một đối tượng JSON."),
        (_casso({}, error=1), 422, "error", "Casso báo lỗi 1: không có giao dịch."),
        (_casso(["x"]), 422, "data", "Mỗi giao dịch Casso phải là một đối tượng JSON."),
        (
            _casso({"id": 5, "amount": "1.000,5", "transactionDateTime": "2026-01-01 00:00:00"}),
            422,
            "data.amount",
            "Số tiền «1.000,5» không phải một số nguyên đồng (không nhận phần lẻ).",
        ),
        (
            _casso([{"id": 5, "amount": 0, "accountNumber": "1"}]),
            422,
            "data.0.amount",
            "Số tiền giao dịch phải lớn hơn 0 (nhận được 0).",
        ),
        (
            _casso({"id": 5, "amount": 10, "transactionDateTime": "2026-01-01 00:00:00"}),
            422,
            "data.accountNumber",
            "Thiếu trường accountNumber.",
        ),
    ],
)
def test_casso_unreadable_deliveries_are_refused(
    document: Any, status: int, field: str | None, reason: str
) -> None:
    refusal = _refusal(parse_casso, document)
    assert (refusal.status, refusal.field, refusal.message) == (status, field, reason)


@pytest.mark.parametrize("body", [b'{"content": "ung ho\\u0000"}', b'{"a": [{"b\\u0000": 1}]}'])
def test_a_webhook_text_holding_a_nul_character_is_refused_422(body: bytes) -> None:
    with pytest.raises(WebhookRefusedError) as refused:
        load_json(body)

    assert refused.value.status == 422
    assert "NUL" in refused.value.message
