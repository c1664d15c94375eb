"""SePay and Casso webhooks through the real app on PostgreSQL with the real broker: a signed
transfer becomes one bank transaction however often the provider retries it, refused requests
store nothing but are kept byte for byte (without their secrets), and the statement copy of a
notified transfer is the same transaction."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.shared_data import saoke_dir

Tokens = Callable[..., str]
WEBHOOKS = saoke_dir().parent / "webhooks"
API_KEY = "sepay-khoa-api-tich-hop"
HMAC_SECRET = "sepay-hmac-tich-hop"
CHECKSUM_KEY = "casso-checksum-tich-hop"
SECRETS = {
    "sepay_api_key": API_KEY,
    "sepay_hmac_secret": HMAC_SECRET,
    "casso_checksum_key": CHECKSUM_KEY,
}


def _sample(name: str) -> bytes:
    return (WEBHOOKS / name).read_bytes()


def _sepay_body(**changes: Any) -> bytes:
    document = json.loads(_sample("sepay-in.json"))
    document.update(changes)
    return json.dumps(document, ensure_ascii=False).encode()


def _casso_signed(document: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A body as Casso's JavaScript signer sends it: keys sorted, compact, UTF-8."""
    signed = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    stamp = str(int(time.time() * 1000))
    digest = hmac.new(
        CHECKSUM_KEY.encode(), f"{stamp}.{signed}".encode(), hashlib.sha512
    ).hexdigest()
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return body, {"X-Casso-Signature": f"t={stamp},v1={digest}", "Content-Type": "application/json"}


class Feed:
    """The bank-feed services on one side, the fund's accountant on the other."""

    def __init__(self, service: RunningService, make_token: Tokens) -> None:
        self.service = service
        self.client = service.client
        self.accountant = {"Authorization": f"Bearer {make_token('accountant', None)}"}

    async def sepay(self, body: bytes, headers: dict[str, str]) -> Any:
        return await self.client.post(
            "/v1/webhooks/sepay",
            content=body,
            headers={"Content-Type": "application/json", **headers},
        )

    async def transactions(self) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/bank-transactions", headers=self.accountant)
        assert response.status_code == 200, response.text
        body = response.json()
        items: list[dict[str, Any]] = body["items"] if isinstance(body, dict) else body
        return items

    async def rejected(self) -> list[tuple[str, str, bytes, dict[str, str]]]:
        async with self.service.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT kind, reason, raw, headers FROM rejected_inputs"
                        " ORDER BY received_at"
                    )
                )
            ).all()
        return [(r[0], r[1], bytes(r[2]), r[3]) for r in rows]


async def _feed(services: ServiceHarness, make_token: Tokens, **settings: Any) -> Feed:
    return Feed(await services.start("donations", **settings), make_token)


async def test_sepay_transfer_is_recorded_once_however_often_sepay_retries_it(
    services: ServiceHarness, make_token: Tokens
) -> None:
    feed = await _feed(services, make_token, **SECRETS)
    body = _sample("sepay-in.json")

    first = await feed.sepay(body, {"Authorization": f"Apikey {API_KEY}"})
    again = await feed.sepay(body, {"Authorization": f"Apikey {API_KEY}"})

    assert (first.status_code, first.json()) == (200, {"success": True})
    assert (again.status_code, again.json()) == (200, {"success": True})
    [transaction] = await feed.transactions()
    assert transaction["source"] == "sepay"
    assert transaction["amount"] == 500_000
    assert transaction["memo"] == (
        "NGUYEN THI MAI chuyen tien ung ho thang hanh dong vi tre em QBT7K3M9X2"
    )
    assert transaction["status"] in ("matched", "suggested", "unmatched")
    assert "kind" in transaction["match"]
    assert await feed.rejected() == []


async def test_sepay_with_a_wrong_key_stores_nothing_but_keeps_the_request_without_the_key(
    services: ServiceHarness, make_token: Tokens
) -> None:
    feed = await _feed(services, make_token, **SECRETS)
    body = _sample("sepay-in.json")

    refused = await feed.sepay(body, {"Authorization": f"Apikey {API_KEY}-sai"})

    assert refused.status_code == 401, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["detail"] == "Khóa API của webhook SePay không đúng."
    assert await feed.transactions() == []
    [(kind, reason, raw, headers)] = await feed.rejected()
    assert (kind, reason, raw) == ("webhook:sepay", refused.json()["detail"], body)
    assert headers["authorization"] == "[ẩn]"
    assert API_KEY not in json.dumps(headers)


async def test_signed_sepay_and_casso_transfers_are_recorded_and_bad_ones_kept(
    services: ServiceHarness, make_token: Tokens
) -> None:
    feed = await _feed(services, make_token, **SECRETS)
    sepay_body = _sepay_body(id=92705, referenceCode="FT26154000000001", transferAmount=75_000)
    stamp = str(int(time.time()))
    signature = hmac.new(
        HMAC_SECRET.encode(), stamp.encode() + b"." + sepay_body, hashlib.sha256
    ).hexdigest()
    casso_document = json.loads(_sample("casso-v2.json"))
    casso_body, casso_headers = _casso_signed(casso_document)
    unknown_account = _sepay_body(id=92706, accountNumber="0000111122223333")

    signed = await feed.sepay(
        sepay_body, {"X-SePay-Timestamp": stamp, "X-SePay-Signature": f"sha256={signature}"}
    )
    tampered = await feed.sepay(
        sepay_body.replace(b"75000", b"7500000"),
        {"X-SePay-Timestamp": stamp, "X-SePay-Signature": f"sha256={signature}"},
    )
    casso = await feed.client.post("/v1/webhooks/casso", content=casso_body, headers=casso_headers)
    casso_again = await feed.client.post(
        "/v1/webhooks/casso", content=casso_body, headers=casso_headers
    )
    bad_json = await feed.client.post(
        "/v1/webhooks/casso", content=b'{"error":0,"data":', headers=casso_headers
    )
    foreign = await feed.sepay(unknown_account, {"Authorization": f"Apikey {API_KEY}"})

    assert (signed.status_code, signed.json()) == (200, {"success": True})
    assert tampered.status_code == 401
    assert tampered.json()["detail"] == "Chữ ký HMAC của webhook SePay không đúng."
    assert (casso.status_code, casso.json()) == (200, {"success": True})
    assert casso_again.status_code == 200
    assert bad_json.status_code == 400
    assert bad_json.json()["detail"] == "Nội dung webhook không phải JSON hợp lệ (UTF-8)."
    assert foreign.status_code == 422
    assert "0000111122223333" in foreign.json()["detail"]
    recorded = {t["source"]: t for t in await feed.transactions()}
    assert set(recorded) == {"sepay", "casso"}
    assert recorded["sepay"]["amount"] == 75_000
    assert recorded["casso"]["amount"] == 20_000_000
    assert recorded["casso"]["memo"] == "CONG TY TNHH HONG DUC UNG HO QUY BAO TRO TRE EM TET 2027"
    kept = await feed.rejected()
    assert [(kind, raw) for kind, _, raw, _ in kept] == [
        ("webhook:sepay", sepay_body.replace(b"75000", b"7500000")),
        ("webhook:casso", b'{"error":0,"data":'),
        ("webhook:sepay", unknown_account),
    ]


async def test_without_configured_secrets_webhooks_are_never_accepted(
    services: ServiceHarness, make_token: Tokens
) -> None:
    feed = await _feed(services, make_token)
    body = _sample("sepay-in.json")

    sepay = await feed.sepay(body, {"Authorization": "Apikey bat-ky"})
    casso = await feed.client.post("/v1/webhooks/casso", content=_sample("casso-v2.json"))
    huge = await feed.sepay(b"{" + b" " * 300_000 + b"}", {})

    assert sepay.status_code == 503
    assert sepay.json()["detail"].startswith("Chưa cấu hình khóa xác thực webhook SePay")
    assert casso.status_code == 503
    assert casso.json()["detail"].startswith("Chưa cấu hình khóa xác thực webhook Casso")
    assert (huge.status_code, huge.json()["detail"]) == (413, "Nội dung webhook quá lớn.")
    assert await feed.transactions() == []
    kept = await feed.rejected()
    assert [(kind, len(raw)) for kind, _, raw, _ in kept] == [
        ("webhook:sepay", len(body)),
        ("webhook:casso", len(_sample("casso-v2.json"))),
        ("webhook:sepay", 256 * 1024),
    ]


STATEMENT = (
    "Ngày,Giờ,Số tham chiếu,Nội dung,Số tiền,Số dư\n"
    "03/06/2026,09:14:27,MBVCB.3278907687,"
    '"MBVCB.3278907687.NGUYEN THI MAI chuyen tien ung ho thang hanh dong vi tre em QBT7K3M9X2.'
    'CT tu 0011000123456 NGUYEN THI MAI toi 3500431101000909 QUY BAO TRO TRE EM",'
    "500000,184500000\n"
    "03/06/2026,10:02:00,FT26154000000777,LE VAN HUNG ung ho tre em,200000,184700000\n"
)


async def test_webhook_and_statement_copies_of_one_transfer_are_one_transaction(
    services: ServiceHarness, make_token: Tokens
) -> None:
    feed = await _feed(services, make_token, **SECRETS)

    notified = await feed.sepay(_sample("sepay-in.json"), {"Authorization": f"Apikey {API_KEY}"})
    imported = await feed.client.post(
        "/v1/statements",
        files={"file": ("agribank-0306.csv", STATEMENT.encode(), "text/csv")},
        data={"account": "AGRIBANK", "profile": "generic"},
        headers=feed.accountant,
    )

    assert notified.status_code == 200, notified.text
    assert imported.status_code in (200, 201, 202), imported.text
    transactions = await feed.transactions()
    assert sorted((t["source"], t["amount"]) for t in transactions) == [
        ("sepay", 500_000),
        ("statement", 200_000),
    ]


async def test_a_webhook_payer_named_like_a_donor_is_suggested_for_that_donor(
    services: ServiceHarness, make_token: Tokens
) -> None:
    feed = await _feed(services, make_token, **SECRETS)
    created = []
    for name in ("Nguyễn Thị Mai", "Trần Văn Bình"):
        response = await feed.client.post(
            "/v1/donors",
            json={"kind": "person", "display_name": name},
            headers=feed.accountant,
        )
        assert response.status_code == 201, response.text
        created.append(response.json()["id"])
    body = _sepay_body(id=92705, content="NGUYEN THI MAI chuyen tien ung ho", referenceCode=None)
    response = await feed.sepay(body, {"Authorization": f"Apikey {API_KEY}"})
    assert response.status_code == 200, response.text
    [transaction] = await feed.transactions()
    assert transaction["status"] == "suggested", transaction["match"]
    assert transaction["match"]["kind"] == "donor_name"
    assert transaction["match"]["donor_id"] == created[0]
