"""Bank statements through the real service (PostgreSQL, broker): slices of the real
Vietcombank statement imported, re-imported, overlapped and imported twice at once; a planted
statement with payment codes typed the way people type them, a known donor's account, a bank
fee and a refund; the review queue's decisions and the rules they teach; malformed files."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import text

from baotro_donations.service_layer import bank_feed_handlers as feeds
from baotro_donations.settings import (
    THANH_HOA_PROVINCE_FUND,
    BankAccountConfig,
    DonationsSettings,
)
from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.shared_data import saoke_dir, vietcombank_lines, vietcombank_slice

Header = Callable[..., dict[str, str]]
AGRIBANK = "3500.431.101.000.909"


VCB = vietcombank_lines()
_slice = vietcombank_slice


class Desk:
    def __init__(self, service: RunningService, auth_header: Header) -> None:
        self.service = service
        self.client = service.client
        self.accountant = auth_header("accountant", sub="ke-toan@quy")
        self.auditor = auth_header("auditor", sub="kiem-toan@quy")

    async def upload(
        self, data: bytes, *, account: str = "AGRIBANK", name: str = "saoke.csv", **form: str
    ) -> tuple[int, dict[str, Any]]:
        response = await self.client.post(
            "/v1/statements",
            files={"file": (name, data, "text/csv")},
            data={"account": account, **form},
            headers=self.accountant,
        )
        return response.status_code, response.json()

    async def imported(self, data: bytes, **kwargs: str) -> dict[str, Any]:
        code, body = await self.upload(data, **kwargs)
        assert code == 201, body
        return body

    async def post(self, path: str, body: dict[str, Any], expect: int = 201) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=self.accountant)
        assert response.status_code == expect, response.text
        result: dict[str, Any] = response.json()
        return result

    async def queue(self, **params: Any) -> dict[str, Any]:
        response = await self.client.get(
            "/v1/bank-transactions", params={"limit": 500, **params}, headers=self.auditor
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def scalar(self, statement: str, **params: Any) -> Any:
        async with self.service.runtime.engine.connect() as conn:
            return (await conn.execute(text(statement), params)).scalar_one()

    async def events(self, event_type: str) -> list[dict[str, Any]]:
        async with self.service.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"),
                    {"t": event_type},
                )
            ).all()
        return [json.loads(bytes(row[0]).decode())["data"] for row in rows]


async def _desk(services: ServiceHarness, auth_header: Header, **overrides: Any) -> Desk:
    return Desk(await services.start("donations", **overrides), auth_header)


async def _campaign(desk: Desk, name: str = "Tháng hành động vì trẻ em 2024") -> str:
    campaign = await desk.post(
        "/v1/campaigns",
        {
            "name": name,
            "kind": "action_month",
            "starts_on": "2024-06-01",
            "ends_on": "2024-12-31",
        },
    )
    return str(campaign["id"])


async def _keyword_rule(desk: Desk, words: str, campaign: str) -> None:
    """Memos holding `words` go to `campaign`."""
    await desk.post(
        "/v1/reconciliation-rules",
        {"kind": "keyword", "memo_words": words, "target_kind": "campaign", "target_id": campaign},
    )


async def test_real_statement_slice_is_imported_once_matched_by_keyword_and_posted(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    campaign = await _campaign(desk)
    await _keyword_rule(desk, "ủng hộ", campaign)
    first = await desk.imported(_slice(1, 1200))
    assert first["status"] == "done"
    assert first["profile"] == "vietcombank"
    assert first["lines"] == 1200
    assert first["rejected"] == []
    assert first["imported"] == 1200
    assert first["duplicates"] == 0
    counted = first["matched"] + first["suggested"] + first["unmatched"] + first["ignored"]
    assert counted == 1200
    assert first["matched"] > 100, first
    # Every automatic match is a donation in the ledger with its event; nothing else is.
    assert await desk.scalar("SELECT count(*) FROM donations") == first["matched"]
    received = await desk.events("donation.received")
    assert len(received) == first["matched"]
    assert {e["campaign_id"] for e in received} == {campaign}
    assert all(e["channel"] == "bank" for e in received)
    receipts = sorted(e["receipt_number"] for e in received)
    assert len(set(receipts)) == len(receipts)
    # No public memo shows an account number.
    assert not any(
        any(run.isdigit() and len(run) >= 9 for run in (e["public_memo"] or "").split())
        for e in received
    )
    matched = await desk.queue(status="matched", limit=5)
    reason = matched["items"][0]["match"]["reason"]
    assert "ỦNG HỘ" in reason.upper() or "UNG HO" in reason
    assert matched["items"][0]["donation_ids"]

    again = await desk.imported(_slice(1, 1200))
    assert (again["imported"], again["duplicates"]) == (0, 1200)
    assert await desk.scalar("SELECT count(*) FROM bank_transactions") == 1200
    assert await desk.scalar("SELECT count(*) FROM donations") == first["matched"]

    overlapping = await desk.imported(_slice(801, 1600))
    assert overlapping["duplicates"] == 400
    assert overlapping["imported"] == 400
    assert await desk.scalar("SELECT count(*) FROM bank_transactions") == 1600
    raw = await desk.scalar("SELECT raw FROM bank_transactions WHERE line_no = 2 LIMIT 1")
    assert raw
    assert "," in raw


async def test_a_file_imported_whole_before_is_all_duplicates_without_matching_again(
    services: ServiceHarness, auth_header: Header, monkeypatch: Any
) -> None:
    desk = await _desk(services, auth_header)
    settings = desk.service.runtime.settings
    assert isinstance(settings, DonationsSettings)
    data = _slice(1, 300)
    first = await desk.imported(data)
    # Cut off half-way: its file is not "imported whole", the next import reads every line.
    cut = await feeds.start_import(
        desk.service.runtime.uow, _slice(1, 200), settings=settings, account="AGRIBANK",
        filename=None, actor="ke-toan@quy",
    )  # fmt: skip
    await services.stop("donations")
    desk = await _desk(services, auth_header)
    again_cut = await desk.imported(_slice(1, 200))
    assert (again_cut["imported"], again_cut["duplicates"]) == (0, 200)
    body = (await desk.client.get(f"/v1/statements/{cut}", headers=desk.auditor)).json()
    assert body["status"] == "failed"
    # The file imported whole: nothing is matched or written but the import's record.
    read_lines = 0

    async def no_lines(*args: Any, **kwargs: Any) -> None:
        nonlocal read_lines
        read_lines += 1

    monkeypatch.setattr(feeds, "_import_lines", no_lines)
    keys = await desk.scalar("SELECT count(*) FROM bank_transaction_keys")
    again = await desk.imported(data)
    assert read_lines == 0
    assert again["status"] == "done"
    assert (again["lines"], again["imported"], again["duplicates"]) == (300, 0, 300)
    assert again["done_lines"] == 300
    assert await desk.scalar("SELECT count(*) FROM bank_transactions") == first["imported"]
    assert await desk.scalar("SELECT count(*) FROM bank_transaction_keys") == keys
    # Read another way (another profile), the same bytes would be other lines.
    digest = hashlib.sha256(data).hexdigest()
    async with desk.service.runtime.uow() as uow:
        known = uow.bank_feeds.imported_whole_before
        named = {"fund_code": "TH", "bank_account": "AGRIBANK", "other_than": uuid.uuid4()}
        assert await known(digest, **named, read_as=(first["format"], first["profile"]))
        assert not await known(digest, **named, read_as=(first["format"], "generic"))


async def test_two_overlapping_imports_at_once_give_the_same_result_as_one(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    results = await asyncio.gather(desk.imported(_slice(1, 900)), desk.imported(_slice(301, 1200)))
    assert sum(r["imported"] for r in results) == 1200
    assert sum(r["duplicates"] for r in results) == 600
    assert await desk.scalar("SELECT count(*) FROM bank_transactions") == 1200
    assert (
        await desk.scalar("SELECT count(DISTINCT transaction_id) FROM bank_transaction_keys")
        == 1200
    )


async def test_large_statement_runs_in_the_background_with_progress(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header, import_inline_bytes=10_000)
    code, started = await desk.upload(_slice(1, 5000))
    assert code == 202, started
    assert started["status"] == "processing"
    seen = []
    for _ in range(600):
        response = await desk.client.get(
            f"/v1/statements/{started['import_id']}", headers=desk.auditor
        )
        body = response.json()
        seen.append(body["done_lines"])
        if body["status"] != "processing":
            break
        await asyncio.sleep(0.1)
    assert body["status"] == "done", body
    assert body["imported"] == 5000
    assert body["done_lines"] == 5000
    assert seen == sorted(seen)


PLANTED_HEADER = "Ngày,Số tham chiếu,Nội dung,Ghi nợ,Ghi có\n"


async def _code(desk: Desk, kind: str, target: str) -> str:
    issued = await desk.post("/v1/payment-codes", {"target_kind": kind, "target_id": target})
    return str(issued["code"])


async def test_planted_codes_accounts_fees_and_refunds(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    campaign = await _campaign(desk)
    donor = await desk.post(
        "/v1/donors",
        {
            "kind": "enterprise",
            "display_name": "Công ty TNHH Hồng Đức",
            "bank_accounts": [{"number": "0011004123456", "bank_bin": "970436"}],
        },
    )
    code = await _code(desk, "campaign", campaign)
    typed = " ".join([code[:3].lower(), code[3:6], code[6:].lower()])
    lines = [
        f'02/09/2024,FT24246000000001,"NGUYEN VAN AN chuyen tien ung ho {typed}",,"500.000"',
        f'02/09/2024,FT24246000000002,"MBVCB.123456789.{code}.TRAN THI B",,"1.000.000"',
        '02/09/2024,FT24246000000003,"CT tu 0011004123456 CONG TY TNHH HONG DUC toi '
        '3500431101000909",,"20.000.000"',
        '02/09/2024,FT24246000000004,"xin cam on",,"50.000"',
        '03/09/2024,FT24247000000005,"THU PHI DICH VU SMS BANKING",11.000,',
        '03/09/2024,FT24247000000006,"HOAN TIEN GD FT24246000000002 SAI THONG TIN",1.000.000,',
        '03/09/2024,FT24247000000007,"ung ho",,"1.000,5"',
    ]
    result = await desk.imported(
        (PLANTED_HEADER + "\n".join(lines) + "\n").encode(), profile="generic"
    )
    assert result["lines"] == 7, result
    assert result["imported"] == 6, result
    assert [r["line"] for r in result["rejected"]] == [8]
    assert "1.000,5" in result["rejected"][0]["reason"]
    items = {i["bank_reference"]: i for i in (await desk.queue())["items"]}
    by_code = items["FT24246000000001"]
    assert by_code["status"] == "matched"
    assert by_code["match"]["kind"] == "payment_code"
    assert by_code["match"]["target_id"] == campaign
    assert items["FT24246000000002"]["match"]["code"] == code
    by_account = items["FT24246000000003"]
    assert by_account["match"]["kind"] == "sender_account"
    assert by_account["match"]["donor_id"] == donor["id"]
    assert "0011004123456" not in by_account["match"]["reason"]
    assert items["FT24246000000004"]["status"] == "unmatched"
    assert items["FT24247000000005"]["status"] == "ignored"
    refund = items["FT24247000000006"]
    assert refund["match"]["kind"] == "refund", refund
    assert refund["status"] == "matched", refund["match"]
    reversed_ = await desk.events("donation.reversed")
    assert [e["amount"] for e in reversed_] == [1_000_000]
    assert reversed_[0]["donation_id"] == items["FT24246000000002"]["donation_ids"][0]
    # The thank-you event names the donor (not anonymous) and never the account number.
    received = await desk.events("donation.received")
    assert len(received) == 3
    assert all("0011004123456" not in json.dumps(e) for e in received)


async def test_review_decisions_record_split_ignore_and_teach_rules(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    campaign = await _campaign(desk)
    lines = [
        '05/09/2024,FT24249000000001,"MBVCB.555.CT tu 0451000111222 LE VAN CUONG ung ho tre em"'
        ',,"300.000"',
        '05/09/2024,FT24249000000002,"chuyen tien gia dinh",,"2.000.000"',
        '05/09/2024,FT24249000000003,"nham tai khoan",,"70.000"',
        '05/09/2024,FT24249000000004,"PHAM THI DUNG gui qua",,"150.000"',
    ]
    await desk.imported((PLANTED_HEADER + "\n".join(lines) + "\n").encode(), profile="generic")
    queue = {i["bank_reference"]: i for i in (await desk.queue(status="unmatched"))["items"]}
    assert len(queue) == 4

    def decide(ref: str, body: dict[str, Any], expect: int = 200) -> Any:
        return desk.post(f"/v1/bank-transactions/{queue[ref]['id']}/decision", body, expect)

    assigned = await decide(
        "FT24249000000001",
        {
            "action": "create_donor",
            "donor": {"kind": "person", "display_name": "Lê Văn Cường"},
            "target_kind": "campaign",
            "target_id": campaign,
            "save_rule": "sender_account",
        },
    )
    assert assigned["status"] == "matched"
    assert len(assigned["donation_ids"]) == 1
    wrong = await decide(
        "FT24249000000002",
        {"action": "split", "parts": [{"amount": 1_000_000}, {"amount": 900_000}]},
        expect=422,
    )
    assert "Tổng các phần (1.900.000 đồng)" in wrong["detail"]
    split = await decide(
        "FT24249000000002",
        {
            "action": "split",
            "parts": [
                {"amount": 1_500_000, "target_kind": "campaign", "target_id": campaign},
                {"amount": 500_000},
            ],
        },
    )
    assert len(split["donation_ids"]) == 2
    ignored = await decide(
        "FT24249000000003", {"action": "ignore", "note": "Chuyển nhầm, sẽ trả lại"}
    )
    assert ignored["status"] == "ignored"
    assert ignored["decided_by"] == "ke-toan@quy"
    again = await decide("FT24249000000001", {"action": "ignore"}, expect=409)
    assert "đã được ghi sổ" in again["detail"]
    assert await desk.scalar("SELECT count(*) FROM donations") == 3

    # The saved rule matches the same sender's next transfer automatically.
    later = '20/09/2024,FT24264000000009,"MBVCB.777.CT tu 0451000111222 LE VAN CUONG",,"400.000"'
    result = await desk.imported((PLANTED_HEADER + later + "\n").encode(), profile="generic")
    assert result["matched"] == 1
    matched = (await desk.queue(status="matched"))["items"]
    learned = next(i for i in matched if i["bank_reference"] == "FT24264000000009")
    assert learned["match"]["kind"] == "learned_rule"
    created_donor = await desk.scalar(
        "SELECT donor_id FROM donations WHERE id = :id",
        id=uuid.UUID(assigned["donation_ids"][0]),
    )
    assert created_donor is not None
    assert learned["match"]["donor_id"] == str(created_donor)
    [donation_id] = learned["donation_ids"]
    learned_donor = await desk.scalar(
        "SELECT donor_id FROM donations WHERE id = :id", id=uuid.UUID(donation_id)
    )
    assert learned_donor == created_donor


async def test_malformed_files_are_refused_and_kept(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    code, body = await desk.upload(b"\x00\x01 this is not a statement \xff")
    assert code == 422
    assert "sao kê" in body["detail"].lower() or "không" in body["detail"].lower()
    status_, raw = (
        await desk.scalar("SELECT status FROM statement_imports"),
        await desk.scalar("SELECT raw FROM statement_imports"),
    )
    assert status_ == "failed"
    assert bytes(raw).startswith(b"\x00\x01")
    code, body = await desk.upload(_slice(1, 10), account="9999999999")
    assert code == 422
    assert "không phải tài khoản của quỹ" in body["detail"]
    code, body = await desk.upload(_slice(1, 10), profile="no-such-bank")
    assert code == 422
    assert "no-such-bank" in body["detail"]
    assert await desk.scalar("SELECT count(*) FROM bank_transactions") == 0
    forbidden = await desk.client.post(
        "/v1/statements",
        files={"file": ("s.csv", _slice(1, 10), "text/csv")},
        data={"account": "AGRIBANK"},
        headers=auth_header("case_worker"),
    )
    assert forbidden.status_code == 403


REAL_ACCOUNTS_FUND = THANH_HOA_PROVINCE_FUND.model_copy(
    update={
        "bank_accounts": [
            BankAccountConfig(key="VCB", bank_name="Vietcombank", number="0011001932418"),
            BankAccountConfig(key="AGRIBANK", bank_name="Agribank", number="1500201113838"),
            BankAccountConfig(key="VIETINBANK", bank_name="VietinBank", number="111602391111"),
        ]
    }
)
"""The accounts of the shared statements (the Fatherland Front's), for tests that import
them where the statement names its account."""


def _real_slice(bank: str, count: int) -> bytes:
    path = next(saoke_dir().glob(f"{bank}-*.csv.gz"))
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines(keepends=True)
    return "".join(lines[: count + 1]).encode()


async def test_every_real_bank_profile_imports_and_reimports(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header, funds=[REAL_ACCOUNTS_FUND])
    accounts = REAL_ACCOUNTS_FUND.bank_accounts
    expected = {"Vietcombank": "vietcombank", "Agribank": "agribank", "Vietinbank": "vietinbank"}
    total = 0
    for (bank, profile), account in zip(expected.items(), accounts, strict=True):
        # Agribank's and VietinBank's exports share one layout: the account's bank tells
        # them apart.
        named = {"account": account.number}
        result = await desk.imported(_real_slice(bank, 800), name=f"{bank}.csv", **named)
        assert result["profile"] == profile, result
        assert (
            result["imported"] + len(result["rejected"]) + result["duplicates"] == result["lines"]
        )
        assert result["imported"] >= 0.95 * result["lines"] > 300, result
        total += result["imported"]
        again = await desk.imported(_real_slice(bank, 800), name=f"{bank}.csv", **named)
        assert again["imported"] == 0, again
        assert again["duplicates"] == result["imported"]
    assert await desk.scalar("SELECT count(*) FROM bank_transactions") == total


def _mt940(csv_lines: Sequence[str]) -> bytes:
    """The same Vietcombank transactions as an MT940 statement (the bank's other export)."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO("\n".join(csv_lines))))
    out = [":20:STMT1", ":25:0011001932418", ":28C:1/1", ":60F:C240901VND0,"]
    for number, row in enumerate(rows, start=1):
        day, month, year = row["TNXDate"].split("/")
        credit = row["Credit"].replace(".", "")
        debit = row["Debit"].replace(".", "")
        mark, amount = ("C", credit) if credit else ("D", debit)
        out.append(f":61:{year[2:]}{month}{day}{mark}{amount},NTRFREF{number}")
        memo = row["TransactionDetails"]
        out.append(":86:" + "\n".join(memo[i : i + 65] for i in range(0, len(memo), 65)))
    out.append(":62F:C240910VND0,")
    return ("\r\n".join(out) + "\r\n").encode()


async def test_the_mt940_copy_of_an_imported_csv_adds_nothing(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header, funds=[REAL_ACCOUNTS_FUND])
    first = await desk.imported(_slice(1, 400), account="VCB")
    assert first["imported"] == 400
    copy = await desk.imported(_mt940(VCB[: 400 + 1]), name="saoke.sta", account="VCB")
    assert copy["format"] == "mt940", copy
    assert copy["lines"] == 400
    assert (copy["imported"], copy["duplicates"]) == (0, 400), copy
    assert await desk.scalar("SELECT count(*) FROM bank_transactions") == 400


async def test_a_code_of_a_long_ended_campaign_is_only_suggested(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    campaign = await desk.post(
        "/v1/campaigns",
        {"name": "Tết 2024", "kind": "tet", "starts_on": "2024-01-01", "ends_on": "2024-02-29"},
    )
    code = await _code(desk, "campaign", str(campaign["id"]))
    lines = [
        f'20/03/2024,FT24080000000001,"ung ho tet {code}",,"200.000"',
        f'02/09/2024,FT24246000000001,"ung ho tet {code}",,"300.000"',
    ]
    result = await desk.imported(
        (PLANTED_HEADER + "\n".join(lines) + "\n").encode(), profile="generic"
    )
    assert (result["matched"], result["suggested"]) == (1, 1), result
    late = (await desk.queue(status="suggested"))["items"][0]
    assert late["amount"] == 300_000
    assert "hết hiệu lực" in late["match"]["reason"]


async def test_an_import_cut_off_by_a_restart_is_marked_failed_at_start(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    settings = desk.service.runtime.settings
    assert isinstance(settings, DonationsSettings)
    started = await feeds.start_import(
        desk.service.runtime.uow,
        _slice(1, 5),
        settings=settings,
        account="AGRIBANK",
        filename="saoke.csv",
        actor="ke-toan@quy",
    )
    await services.stop("donations")
    desk = await _desk(services, auth_header)  # a new process, the same database
    response = await desk.client.get(f"/v1/statements/{started}", headers=desk.auditor)
    body = response.json()
    assert body["status"] == "failed"
    assert "khởi động lại" in body["message"]


async def test_a_payer_named_like_a_known_donor_is_suggested_never_recorded(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    donor = await desk.post("/v1/donors", {"kind": "person", "display_name": "Phạm Thị Dung"})
    await desk.post(
        "/v1/donors", {"kind": "person", "display_name": "Phạm Thị Dung Ẩn", "anonymous": True}
    )
    lines = ['06/09/2024,FT24250000000001,"PHAM THI DUNG chuyen tien ung ho",,"150.000"']
    result = await desk.imported(
        (PLANTED_HEADER + "\n".join(lines) + "\n").encode(), profile="generic"
    )
    assert (result["matched"], result["suggested"]) == (0, 1), result
    suggested = (await desk.queue(status="suggested"))["items"][0]
    assert suggested["match"]["kind"] == "donor_name"
    assert suggested["match"]["donor_id"] == donor["id"]
    assert suggested["donation_ids"] == []
    assert await desk.scalar("SELECT count(*) FROM donations") == 0


async def test_one_bank_transaction_is_read_by_id(
    services: ServiceHarness, auth_header: Header
) -> None:
    desk = await _desk(services, auth_header)
    await desk.imported(_slice(1, 3))
    first = (await desk.queue())["items"][0]
    one = await desk.client.get(f"/v1/bank-transactions/{first['id']}", headers=desk.auditor)
    assert one.status_code == 200
    assert one.json() == first
    missing = await desk.client.get(f"/v1/bank-transactions/{uuid.uuid4()}", headers=desk.auditor)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Không tìm thấy giao dịch ngân hàng này."
    refused = await desk.client.get(
        f"/v1/bank-transactions/{first['id']}", headers=auth_header("case_worker")
    )
    assert refused.status_code == 403


async def _imported_rows(desk: Desk, account: str, *slices: bytes) -> list[tuple[Any, ...]]:
    """Import the slices in turn into `account`; its bank transactions then, in statement
    order, as the import left them (without their random ids)."""
    for data in slices:
        await desk.imported(data, account=account)
    async with desk.service.runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT t.line_no, t.status, t.match_kind, t.match_confidence, t.match_reason,"
                " t.match_target_id, t.payer_name, t.sender_account, t.codes,"
                " t.cited_references, t.bank_reference, d.amount, d.public_memo,"
                " (SELECT count(*) FROM bank_transaction_keys k WHERE k.transaction_id = t.id)"
                " FROM bank_transactions t JOIN statement_imports i ON i.id = t.import_id"
                " LEFT JOIN donations d ON d.id::text = t.donation_ids->>0"
                " WHERE t.bank_account = :account ORDER BY i.created_at, t.line_no"
            ),
            {"account": account},
        )
        return [tuple(row) for row in rows]


async def test_a_large_statement_read_in_a_worker_process_imports_as_read_in_a_thread(
    services: ServiceHarness, auth_header: Header, monkeypatch: Any
) -> None:
    desk = await _desk(services, auth_header)
    campaign = await _campaign(desk)
    await _keyword_rule(desk, "lu lut", campaign)
    slices = (_slice(1, 1000), _slice(701, 1600), _slice(1, 1600), _slice(1, 1600))
    monkeypatch.setattr(feeds, "BATCH_LINES", 300)
    in_thread = await _imported_rows(desk, "AGRIBANK", *slices)
    monkeypatch.setattr(feeds, "WORKER_LINES", 1)
    in_worker = await _imported_rows(desk, "KBNN", *slices)
    assert len(in_thread) == 1600
    assert in_worker == in_thread
    assert {row[1] for row in in_thread} >= {"matched", "unmatched"}
