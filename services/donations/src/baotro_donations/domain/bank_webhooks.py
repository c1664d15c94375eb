"""Webhooks of the bank-feed aggregators SePay and Casso (v2): who sent them, and the
transfers they carry as `StatementLine`s.

Authentication, as the providers publish it:

- SePay, API key: ``Authorization: Apikey <key>``, compared in constant time.
- SePay, HMAC-SHA256: ``X-SePay-Timestamp: <unix seconds>`` and
  ``X-SePay-Signature: sha256=<hex>``, the hex being HMAC-SHA256(secret,
  ``<timestamp> + "." + <raw body>``). SePay's security page tells to refuse timestamps
  more than 5 minutes off. The signed string and the ``sha256=`` prefix are what several
  independent integrations agree on: the HMAC section of SePay's own page could not be read
  in full; a bare hex signature is accepted too.
- Casso v2: ``X-Casso-Signature: t=<unix ms>,v1=<hex>``, the hex being HMAC-SHA512(checksum
  key, ``t + "." + JSON(body with keys sorted)``) over compact JSON (CassoHQ's published
  samples; their test vector is in the tests). The signer re-serialises the body, so the
  bytes depend on its language: "/" and non-ASCII letters are escaped by PHP, neither by
  JavaScript, only non-ASCII by Python. All four spellings are tried.

Amounts are whole đồng: a float with a fraction, a string such as "1.000,5", zero or a
missing amount is refused with a Vietnamese reason, never guessed. SePay says the direction
in ``transferType``; Casso signs the amount (negative = money out). Dates are
"YYYY-MM-DD HH:MM:SS", Vietnam time.

Pure: the caller passes the clock (`now`, unix seconds) and the secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from baotro_donations.domain.bank_statement import Direction, StatementLine
from baotro_shared.text import holds_nul

Source = Literal["sepay", "casso"]


class WebhookRefusedError(Exception):
    """A webhook that is not accepted: HTTP status, Vietnamese message, the field at fault."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@dataclass(frozen=True)
class WebhookTransaction:
    source: Source
    source_id: str
    """The provider's id of the transaction: SePay and Casso retry, dedupe on it."""
    account_number: str
    """The fund's account that received (or paid) the money, as the provider wrote it."""
    line: StatementLine


# ---------------------------------------------------------------- authentication

SEPAY_TIMESTAMP = "x-sepay-timestamp"
SEPAY_SIGNATURE = "x-sepay-signature"
CASSO_SIGNATURE = "x-casso-signature"

NOT_CONFIGURED = (
    "Chưa cấu hình khóa xác thực webhook {provider}: không thể nhận giao dịch chưa xác thực."
)


def not_configured(provider: str) -> WebhookRefusedError:
    """503: no secret to check the provider's requests with."""
    return WebhookRefusedError(503, NOT_CONFIGURED.format(provider=provider))


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Header `name` in any letter case."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _check_window(moment_s: float, now: float, tolerance_seconds: int) -> None:
    if abs(now - moment_s) > tolerance_seconds:
        when = "quá cũ" if moment_s < now else "ở tương lai"
        raise WebhookRefusedError(
            401,
            f"Thời điểm ký webhook {when} (lệch quá {tolerance_seconds} giây so với giờ máy chủ).",
        )


def verify_sepay(
    headers: Mapping[str, str],
    body: bytes,
    *,
    api_key: str | None,
    hmac_secret: str | None,
    tolerance_seconds: int,
    now: float,
) -> None:
    """Accept the request when one configured method verifies; raise `WebhookRefusedError`
    (503 when nothing is configured, 401 otherwise)."""
    if not api_key and not hmac_secret:
        raise not_configured("SePay")
    authorization = _header(headers, "authorization")
    signature = _header(headers, SEPAY_SIGNATURE)
    if api_key and authorization:
        scheme, _, presented = authorization.strip().partition(" ")
        if scheme.lower() == "apikey" and _same(presented.strip(), api_key):
            return
        if not (hmac_secret and signature):
            raise WebhookRefusedError(401, "Khóa API của webhook SePay không đúng.")
    if hmac_secret and signature:
        _verify_sepay_signature(headers, body, signature, hmac_secret, tolerance_seconds, now)
        return
    raise WebhookRefusedError(
        401,
        "Webhook SePay thiếu thông tin xác thực "
        + ("(Authorization: Apikey …)." if api_key else "(chữ ký X-SePay-Signature)."),
    )


def _verify_sepay_signature(
    headers: Mapping[str, str],
    body: bytes,
    signature: str,
    secret: str,
    tolerance_seconds: int,
    now: float,
) -> None:
    stamp = (_header(headers, SEPAY_TIMESTAMP) or "").strip()
    if not stamp.isascii() or not stamp.isdigit():
        raise WebhookRefusedError(
            401, "Webhook SePay thiếu hoặc sai thời điểm ký (X-SePay-Timestamp)."
        )
    seconds = int(stamp)
    # Seconds per SePay; a 13-digit value is read as milliseconds rather than refused.
    _check_window(seconds / 1000 if seconds > 10**11 else seconds, now, tolerance_seconds)
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    presented = signature.strip()
    if presented.lower().startswith("sha256="):
        presented = presented[len("sha256=") :]
    if not _same(presented.strip().lower(), expected):
        raise WebhookRefusedError(401, "Chữ ký HMAC của webhook SePay không đúng.")


_CASSO_PART = re.compile(r"^\s*(?P<key>[a-z0-9]+)\s*=\s*(?P<value>\S+?)\s*$", re.I)


def verify_casso(
    headers: Mapping[str, str],
    body: Any,
    *,
    checksum_key: str | None,
    tolerance_seconds: int,
    now: float,
) -> None:
    """Check ``X-Casso-Signature`` against `body`, the parsed JSON document."""
    if not checksum_key:
        raise not_configured("Casso")
    header = _header(headers, CASSO_SIGNATURE)
    if not header:
        raise WebhookRefusedError(401, "Webhook Casso thiếu chữ ký (X-Casso-Signature).")
    stamp: str | None = None
    signatures: list[str] = []
    for part in header.split(","):
        match = _CASSO_PART.match(part)
        if match and match["key"].lower() == "t":
            stamp = match["value"]
        elif match and match["key"].lower() == "v1":
            signatures.append(match["value"].lower())
    if stamp is None or not stamp.isascii() or not stamp.isdigit() or not signatures:
        raise WebhookRefusedError(401, "Chữ ký webhook Casso sai dạng (cần t=<ms>,v1=<hex>).")
    _check_window(int(stamp) / 1000, now, tolerance_seconds)
    key = checksum_key.encode()
    for text in casso_signed_texts(body):
        expected = hmac.new(key, f"{stamp}.{text}".encode(), hashlib.sha512).hexdigest()
        if any(_same(given, expected) for given in signatures):
            return
    raise WebhookRefusedError(401, "Chữ ký webhook Casso không đúng.")


def casso_signed_texts(body: Any) -> Iterator[str]:
    """The JSON texts Casso's signers produce for `body`: keys sorted at every level,
    compact separators, with and without escaping of non-ASCII letters and of "/"."""
    for ensure_ascii in (False, True):
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=ensure_ascii)
        yield text
        if "/" in text:
            # "/" only occurs inside JSON strings, so escaping it everywhere is what PHP does.
            yield text.replace("/", "\\/")


# ---------------------------------------------------------------- parsing


def load_json(body: bytes) -> Any:
    """The JSON document of a webhook body; 400 when it is not UTF-8 JSON, 422 when a text
    in it holds a NUL character (no bank writes one; it cannot be stored as text)."""
    try:
        document = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookRefusedError(400, "Nội dung webhook không phải JSON hợp lệ (UTF-8).") from exc
    if holds_nul(body, json=True):
        raise WebhookRefusedError(422, "Nội dung webhook chứa ký tự rỗng (NUL, mã 0).")
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_sepay(body: bytes) -> WebhookTransaction:
    """The one transaction of a SePay webhook."""
    document = load_json(body)
    if not isinstance(document, dict):
        raise WebhookRefusedError(400, "Nội dung webhook SePay phải là một đối tượng JSON.")
    fields = _Fields(document)
    transfer_type = fields.required_text("transferType")
    if transfer_type not in ("in", "out"):
        raise WebhookRefusedError(
            422, f"Loại giao dịch «{transfer_type}» không hợp lệ (cần in hoặc out).", "transferType"
        )
    memo = fields.text("content") or fields.text("description") or ""
    booked_on, booked_at = fields.moment("transactionDate")
    line = StatementLine(
        line_no=1,
        booked_on=booked_on,
        booked_at=booked_at,
        amount=fields.amount("transferAmount"),
        direction=Direction.DEBIT if transfer_type == "out" else Direction.CREDIT,
        memo=memo,
        raw=body.decode("utf-8"),
        bank_reference=fields.text("referenceCode"),
        balance=fields.balance("accumulated"),
    )
    return WebhookTransaction(
        source="sepay",
        source_id=fields.identifier("id"),
        account_number=fields.required_text("accountNumber"),
        line=line,
    )


CASSO_TEST_ID = "0"
"""Casso's published sample transaction has id 0 (real ones have positive ids): a signed
delivery of it is answered but carries no transfer. Casso's "gọi thử" button sends a test
transaction and wants a 2xx before the webhook can be saved; we assume it is that sample
(its account, 88888888, is not one of the fund's and would be refused)."""


def parse_casso(document: Any) -> list[WebhookTransaction]:
    """The transactions of a Casso webhook (`document` is the parsed body): v2 sends one
    object in ``data``; older versions sent a list, with v1 field names."""
    if not isinstance(document, dict):
        raise WebhookRefusedError(400, "Nội dung webhook Casso phải là một đối tượng JSON.")
    error = document.get("error", 0)
    if error not in (0, "0"):
        raise WebhookRefusedError(422, f"Casso báo lỗi {error!r}: không có giao dịch.", "error")
    data = document.get("data")
    items = data if isinstance(data, list) else [] if data is None else [data]
    transactions = []
    for index, item in enumerate(items):
        prefix = f"data.{index}." if isinstance(data, list) else "data."
        if not isinstance(item, dict):
            raise WebhookRefusedError(
                422, "Mỗi giao dịch Casso phải là một đối tượng JSON.", "data"
            )
        if str(item.get("id")) != CASSO_TEST_ID:
            transactions.append(_casso_transaction(item, index + 1, prefix))
    return transactions


def _casso_transaction(item: dict[str, Any], line_no: int, prefix: str) -> WebhookTransaction:
    fields = _Fields(item, prefix)
    signed = fields.amount("amount", signed=True)
    booked_on, booked_at = fields.moment(("transactionDateTime", "when"))
    counter_account = fields.text(("counterAccountNumber", "corresponsive_account"))
    line = StatementLine(
        line_no=line_no,
        booked_on=booked_on,
        booked_at=booked_at,
        amount=abs(signed),
        direction=Direction.DEBIT if signed < 0 else Direction.CREDIT,
        memo=fields.text("description") or "",
        raw=json.dumps(item, ensure_ascii=False),
        bank_reference=fields.text(("reference", "tid")),
        balance=fields.balance(("runningBalance", "cusum_balance")),
        counterparty=fields.text(("counterAccountName", "corresponsive_name")),
        counter_account=counter_account,
    )
    return WebhookTransaction(
        source="casso",
        source_id=fields.identifier("id"),
        account_number=fields.required_text(("accountNumber", "subAccId", "bank_sub_acc_id")),
        line=line,
    )


Names = str | tuple[str, ...]


class _Fields:
    """Reads typed fields of one JSON object, refusing with the field's name."""

    def __init__(self, document: dict[str, Any], prefix: str = "") -> None:
        self.document = document
        self.prefix = prefix

    def _get(self, names: Names) -> tuple[str, Any]:
        candidates = (names,) if isinstance(names, str) else names
        for name in candidates:
            value = self.document.get(name)
            if value is not None and value != "":
                return name, value
        return candidates[0], None

    def _refuse(self, name: str, message: str) -> WebhookRefusedError:
        return WebhookRefusedError(422, message, self.prefix + name)

    def text(self, names: Names) -> str | None:
        name, value = self._get(names)
        if isinstance(value, bool) or not isinstance(value, str | int | None):
            raise self._refuse(name, f"Trường {name} phải là chuỗi ký tự.")
        return (str(value).strip() if value is not None else "") or None

    def required_text(self, names: Names) -> str:
        text = self.text(names)
        if text is None:
            raise self._refuse(self._get(names)[0], f"Thiếu trường {self._get(names)[0]}.")
        return text

    def identifier(self, name: str) -> str:
        _, value = self._get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise self._refuse(name, f"Thiếu hoặc sai mã giao dịch {name} của nhà cung cấp.")

    def amount(self, names: Names, *, signed: bool = False) -> int:
        name, value = self._get(names)
        if value is None:
            raise self._refuse(name, f"Thiếu số tiền giao dịch ({name}).")
        amount = _whole_dong(value)
        if amount is None:
            raise self._refuse(
                name, f"Số tiền «{value}» không phải một số nguyên đồng (không nhận phần lẻ)."
            )
        if amount == 0 or (amount < 0 and not signed):
            raise self._refuse(name, f"Số tiền giao dịch phải lớn hơn 0 (nhận được {amount}).")
        return amount

    def balance(self, names: Names) -> int | None:
        name, value = self._get(names)
        if value is None:
            return None
        balance = _whole_dong(value)
        if balance is None:
            raise self._refuse(name, f"Số dư «{value}» không phải một số nguyên đồng.")
        return balance

    def moment(self, names: Names) -> tuple[date, time]:
        name, value = self._get(names)
        if value is None:
            raise self._refuse(name, f"Thiếu thời điểm giao dịch ({name}).")
        try:
            moment = datetime.strptime(str(value).strip(), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise self._refuse(
                name, f"Thời điểm «{value}» không đọc được (cần dạng YYYY-MM-DD HH:MM:SS)."
            ) from None
        return moment.date(), moment.time()


_INTEGER_TEXT = re.compile(r"^-?[0-9]+$")


def _whole_dong(value: Any) -> int | None:
    """An int from a JSON number or a plain digit string; None for anything else, fractions
    of a đồng included (a float like 500000.0 is whole and accepted)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INTEGER_TEXT.match(value.strip()):
        return int(value.strip())
    return None
