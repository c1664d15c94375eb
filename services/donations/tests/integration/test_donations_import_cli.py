"""`baotro donations import` as the accountant runs it: the installed `baotro` command in a
process of its own, its database and funds from the environment (DONATIONS_*), on a slice of
the real Vietcombank statement with a campaign's keyword rule set up beforehand: the summary
in Vietnamese agrees with what is in the database, a second run finds only duplicates, and
unreadable files and unknown accounts are refused with the reason and a non-zero exit."""

from __future__ import annotations

import asyncio
import gzip
import os
import re
import sys
import uuid
from pathlib import Path
from typing import Any

from services.donations.tests.integration.keyword_fund import (
    FUND,
    open_campaign_with_keyword_rule,
)
from sqlalchemy import text

from baotro_donations.bootstrap import build_runtime
from baotro_donations.settings import DonationsSettings
from baotro_shared.testing.postgres import PostgresDatabases
from baotro_shared.testing.shared_data import saoke_dir

BAOTRO = Path(sys.executable).with_name("baotro")
LINES = 300


def _statement(tmp_path: Path) -> Path:
    """The header and the first 300 lines of the real statement, then two broken lines."""
    path = next(saoke_dir().glob("Vietcombank-*.csv.gz"))
    rows = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()[: LINES + 1]
    rows += [
        "1,32/13/2024,5213.99999,,50.000,,ngay khong co that",
        '1,01/09/2024,5213.99998,,"1.000,5",,so tien le',
    ]
    out = tmp_path / "Vietcombank-0011001932418-dau.csv"
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return out


async def _fund_with_keyword_rule(url: str) -> DonationsSettings:
    """A migrated database whose fund has a campaign and the keyword rule «UNG HO» to it."""
    settings = DonationsSettings(database_url=url, funds=[FUND])
    runtime = build_runtime(settings)
    try:
        await runtime.migrate()
        await open_campaign_with_keyword_rule(runtime.uow, settings, "ung ho")
    finally:
        await runtime.engine.dispose()
    return settings


async def _baotro(url: str, *args: str) -> tuple[int, str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DONATIONS_")}
    environment["DONATIONS_DATABASE_URL"] = url
    environment["DONATIONS_FUNDS"] = f"[{FUND.model_dump_json()}]"
    process = await asyncio.create_subprocess_exec(
        str(BAOTRO),
        *args,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=180)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _figures(summary: str) -> dict[str, int]:
    """Label → number of the summary's lines "  Label : 1.234"."""
    return {
        label.strip(): int(value.replace(".", ""))
        for label, value in re.findall(r"^  (\S[^:\n]*?)\s+: ([\d.]+)$", summary, re.M)
    }


async def _database(url: str) -> dict[str, Any]:
    runtime = build_runtime(DonationsSettings(database_url=url, funds=[FUND]))
    try:
        async with runtime.engine.connect() as conn:
            counted = await conn.execute(
                text("SELECT status, count(*) FROM bank_transactions GROUP BY 1")
            )
            statuses: dict[str, int] = {status: count for status, count in counted}
            donations = (await conn.execute(text("SELECT count(*) FROM donations"))).scalar_one()
            kept = await conn.execute(
                text("SELECT status, raw FROM statement_imports ORDER BY created_at")
            )
            imports = [(status, bytes(raw)) for status, raw in kept]
    finally:
        await runtime.engine.dispose()
    return {"statuses": statuses, "donations": donations, "imports": imports}


async def test_import_prints_the_summary_of_what_is_in_the_books_and_again_only_duplicates(
    postgres: PostgresDatabases, tmp_path: Path
) -> None:
    url = await postgres.create(f"test_import_cli_{uuid.uuid4().hex[:8]}")
    await _fund_with_keyword_rule(url)
    statement = _statement(tmp_path)

    code, out, err = await _baotro(
        url, "donations", "import", str(statement), "--account", "0011001932418"
    )

    assert code == 0, err
    assert out.startswith(
        f"Sao kê {statement.name} (csv, mẫu vietcombank) của tài khoản 0011.0019.32418 "
        "(Ban Cứu trợ Trung ương)\n"
    ), out
    first = _figures(out)
    stored = await _database(url)
    statuses = stored["statuses"]
    assert first["Số dòng"] == LINES + 2
    assert first["Đã nhập"] == LINES == sum(statuses.values())
    assert first["Trùng (đã có từ trước)"] == 0
    assert first["Tự động khớp"] == statuses.get("matched", 0) == stored["donations"]
    assert first["Tự động khớp"] >= 40  # «UNG HO»: 48 of the first 300 memos
    assert first["Gợi ý (chờ kế toán xác nhận)"] == statuses.get("suggested", 0)
    assert first["Chưa khớp"] == statuses.get("unmatched", 0) > 0
    assert first["Bỏ qua (phí ngân hàng)"] == statuses.get("ignored", 0)
    assert first["Bị từ chối"] == 2
    assert "    dòng 302: Ngày «32/13/2024» không đọc được (cần dạng dd/mm/yyyy).\n" in out
    assert "    dòng 303: Số tiền «1.000,5» có phần lẻ dưới một đồng." in out
    assert f"{LINES}/{LINES} dòng" in err  # the progress bar, driven by the import's progress

    code, out, err = await _baotro(url, "donations", "import", str(statement), "--account", "vcb")

    assert code == 0, err
    again = _figures(out)
    assert again["Số dòng"] == LINES + 2
    assert again["Đã nhập"] == 0
    assert again["Trùng (đã có từ trước)"] == LINES
    assert again["Tự động khớp"] == again["Chưa khớp"] == 0
    assert again["Bị từ chối"] == 2
    after = await _database(url)
    assert after["statuses"] == statuses
    assert after["donations"] == stored["donations"]


async def test_an_unreadable_file_is_refused_with_its_reason_and_kept(
    postgres: PostgresDatabases, tmp_path: Path
) -> None:
    url = await postgres.create(f"test_import_cli_{uuid.uuid4().hex[:8]}")
    await _fund_with_keyword_rule(url)
    garbage = tmp_path / "sao-ke.csv"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n not a statement at all,,,\n")

    code, out, err = await _baotro(url, "donations", "import", str(garbage), "--account", "VCB")

    assert code == 1
    assert out == ""
    assert (
        "Không nhập được sao-ke.csv: Không tìm thấy dòng tiêu đề (cần các cột ngày, nội dung "
        "và số tiền) trong 40 dòng đầu của tệp.\n"
    ) in err
    stored = await _database(url)
    assert stored["statuses"] == {}
    assert stored["imports"] == [("failed", garbage.read_bytes())]


async def test_an_account_of_no_fund_or_a_missing_file_is_refused(
    postgres: PostgresDatabases, tmp_path: Path
) -> None:
    url = await postgres.create(f"test_import_cli_{uuid.uuid4().hex[:8]}")
    statement = _statement(tmp_path)

    code, out, err = await _baotro(
        url, "donations", "import", str(statement), "--account", "3500.431.101.000.909"
    )
    assert (code, out) == (1, "")
    assert err == (
        "Tài khoản «3500.431.101.000.909» không phải tài khoản của quỹ. Các tài khoản đã cấu "
        "hình: VCB (0011.0019.32418).\n"
    )

    code, out, err = await _baotro(
        url, "donations", "import", str(tmp_path / "khong-co.csv"), "--account", "VCB"
    )
    assert (code, out) == (1, "")
    assert err == f"Không có tệp {tmp_path / 'khong-co.csv'}.\n"
