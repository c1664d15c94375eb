"""Bulk import of children from XLSX on PostgreSQL with the real broker: row-by-row reports,
one transaction (all or only the valid rows), events via the outbox, large files in the
background, the raw upload kept encrypted."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from sqlalchemy import text

from baotro_registry.domain.import_template import COLUMNS
from baotro_shared.testing.harness import RunningService, ServiceHarness

HAC_THANH = "14797"
QUANG_PHU = "16522"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [c.header for c in COLUMNS]
KEYS = [c.key for c in COLUMNS]

Headers = Callable[..., dict[str, str]]


def _row(**values: Any) -> list[Any]:
    return [values.get(key) for key in KEYS]


AN = _row(
    full_name="Nguyễn Văn An",
    date_of_birth=datetime(2016, 3, 9),
    sex="Nam",
    national_id="038216001234",
    commune_code=HAC_THANH,
    address="Số 12 ngõ 5 đường Bà Triệu",
    guardian_name="Nguyễn Thị Bình",
    guardian_phone=912345678,  # typed as a number: Excel dropped the leading zero
    groups="a",
)
HOA_2023 = _row(  # a 2023 list: the old code of Phường Điện Biên, with its district
    full_name="Lê Thị Hoa",
    date_of_birth="15/08/2015",
    sex="Nữ",
    commune_code="14767",
    old_district="TP Thanh Hóa",
    groups="d",
    at_risk="Trẻ em thuộc hộ nghèo, hộ cận nghèo",
)
CUONG_2023 = _row(  # the old name and district only; the ID as a number
    full_name="Trần Văn Cường",
    birth_year=2014,
    national_id=38214005678,
    old_commune_name="Phường Điện Biên",
    old_district="Thành phố Thanh Hóa",
    groups="a, i",
)
BAD_ID = _row(
    full_name="Phạm Thị Dung",
    date_of_birth="01/01/2017",
    national_id="99887",
    commune_code=HAC_THANH,
    groups="b",
)
UNKNOWN_COMMUNE = _row(
    full_name="Hoàng Văn Em", date_of_birth="02/02/2013", commune_code="99999", groups="a"
)
FUTURE_BIRTH = _row(
    full_name="Vũ Thị Phương", date_of_birth="01/01/2099", commune_code=HAC_THANH, groups="c"
)
AN_AGAIN = _row(  # the same child as AN, typed without diacritics further down the list
    full_name="NGUYEN VAN AN",
    date_of_birth=datetime(2016, 3, 9),
    commune_code=HAC_THANH,
    guardian_name="Nguyen Thi Binh",
    groups="a",
)
MIXED = [AN, HOA_2023, CUONG_2023, BAD_ID, UNKNOWN_COMMUNE, FUTURE_BIRTH, AN_AGAIN]
SECRETS = (
    "Nguyễn Văn An",
    "NGUYEN VAN AN",
    "Phạm Thị Dung",
    "038216001234",
    "38214005678",
    "99887",
    "912345678",
    "Bà Triệu",
    "Nguyễn Thị Bình",
)


def _xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def _upload(
    registry: RunningService,
    headers: dict[str, str],
    content: bytes,
    *,
    filename: str = "danh-sach-2023.xlsx",
    **form: str,
) -> Any:
    return await registry.client.post(
        "/v1/imports/children",
        files={"file": (filename, content, XLSX)},
        data=form,
        headers=headers,
    )


async def _count(registry: RunningService, sql: str) -> int:
    async with registry.runtime.engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


def _rejected(body: dict[str, Any]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for entry in body["rejected"]:
        found.setdefault(entry["row"], set()).add(entry["field"])
    return found


async def test_valid_only_imports_the_good_rows_and_reports_each_bad_one_in_vietnamese(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])

    response = await _upload(registry, worker, _xlsx(MIXED), mode="valid_only")

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/imports/{body['import_id']}"
    assert (body["status"], body["mode"], body["rows"], body["valid"], body["imported"]) == (
        "completed",
        "valid_only",
        7,
        3,
        3,
    )
    assert body["message"] == "Đã nhập 3/7 dòng; 4 dòng bị từ chối."
    assert _rejected(body) == {
        5: {"national_id"},
        6: {"commune_code"},
        7: {"date_of_birth"},
        8: {"duplicate"},
    }
    reasons = {e["row"]: e["reason"] for e in body["rejected"]}
    assert reasons[5] == "Mã định danh cá nhân phải gồm đúng 12 chữ số."
    assert reasons[8].startswith("Nhiều khả năng trùng với dòng 2 trong cùng tệp")
    assert {e["column"] for e in body["rejected"] if e["row"] == 5} == {"Mã định danh cá nhân"}
    [in_file] = body["duplicates"]
    assert (in_file["row"], in_file["other_row"], in_file["action"]) == (8, 2, "rejected")
    [converted] = body["converted_communes"]
    assert converted["old_code"] == "14767"
    assert converted["old_name"] == "Phường Điện Biên"
    assert (converted["new_code"], converted["new_name"]) == (HAC_THANH, "Phường Hạc Thành")
    assert converted["rows"] == [3, 4]
    statuses = {r["row"]: r["status"] for r in body["row_results"]}
    assert statuses == {
        2: "imported",
        3: "imported",
        4: "imported",
        5: "rejected",
        6: "rejected",
        7: "rejected",
        8: "rejected",
    }
    for secret in SECRETS:
        assert secret not in response.text, f"{secret!r} in the report"

    imported = [r["child_id"] for r in body["row_results"] if r["status"] == "imported"]
    an = await registry.client.get(f"/v1/children/{imported[0]}", headers=worker)
    personal = an.json()["personal"]
    assert personal["guardian_phone"] == "0912345678"
    assert personal["national_id"] == "038216001234"
    cuong = await registry.client.get(f"/v1/children/{imported[2]}", headers=worker)
    assert cuong.json()["personal"]["national_id"] == "038214005678"
    assert cuong.json()["commune_code"] == HAC_THANH
    assert cuong.json()["groups"] == ["a", "i"]

    async with registry.runtime.engine.connect() as conn:
        events = (await conn.execute(text("SELECT event_type, payload FROM outbox"))).all()
        raw_children = str((await conn.execute(text("SELECT * FROM children"))).all())
    assert [e for e, _ in events] == ["child.registered"] * 3
    for secret in SECRETS:
        wire = " ".join(bytes(p).decode() for _, p in events)
        assert secret not in wire
        assert secret not in raw_children

    again = await registry.client.get(f"/v1/imports/{body['import_id']}", headers=worker)
    assert again.status_code == 200
    assert again.json() == body


async def test_all_or_nothing_imports_nothing_when_one_row_is_bad_then_all_once_fixed(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])

    refused = await _upload(registry, worker, _xlsx([AN, HOA_2023, BAD_ID]))

    assert refused.status_code == 201
    body = refused.json()
    assert (body["mode"], body["valid"], body["imported"]) == ("all_or_nothing", 2, 0)
    assert body["message"].startswith("Không nhập dòng nào: 1 dòng lỗi")
    assert [r["status"] for r in body["row_results"]] == ["valid", "valid", "rejected"]
    assert await _count(registry, "SELECT count(*) FROM children") == 0
    assert await _count(registry, "SELECT count(*) FROM outbox") == 0

    fixed = await _upload(registry, worker, _xlsx([AN, HOA_2023, CUONG_2023]))

    assert fixed.json()["imported"] == 3
    assert fixed.json()["rejected"] == []
    assert await _count(registry, "SELECT count(*) FROM children") == 3
    assert await _count(registry, "SELECT count(*) FROM outbox") == 3


async def test_dry_run_checks_without_writing(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("supervisor")

    response = await _upload(registry, worker, _xlsx([AN, HOA_2023]), dry_run="true")

    body = response.json()
    assert (body["dry_run"], body["valid"], body["imported"]) == (True, 2, 0)
    assert body["message"] == "Kiểm tra thử: 2/2 dòng hợp lệ, 0 dòng lỗi; chưa nhập."
    assert await _count(registry, "SELECT count(*) FROM children") == 0


async def test_a_child_already_registered_is_a_likely_duplicate_never_merged(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    existing = await registry.client.post(
        "/v1/children",
        json={
            "full_name": "Nguyễn Văn An",
            "date_of_birth": "2016-03-09",
            "national_id": "038216001234",
            "commune_code": HAC_THANH,
            "groups": ["a"],
        },
        headers=worker,
    )
    assert existing.status_code == 201

    response = await _upload(registry, worker, _xlsx([AN, HOA_2023]), mode="valid_only")

    body = response.json()
    assert _rejected(body) == {2: {"duplicate"}}
    [duplicate] = body["duplicates"]
    assert duplicate["existing_child_id"] == existing.json()["id"]
    assert duplicate["level"] == "likely"
    assert "national_id" in duplicate["reasons"]
    assert body["imported"] == 1
    assert await _count(registry, "SELECT count(*) FROM children") == 2


async def test_rows_outside_a_case_workers_communes_are_refused_row_by_row(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    quang_phu_row = _row(
        full_name="Đỗ Văn Giang", date_of_birth="05/05/2012", commune_code=QUANG_PHU, groups="a"
    )

    response = await _upload(
        registry,
        auth_header("case_worker", [QUANG_PHU]),
        _xlsx([AN, quang_phu_row]),
        mode="valid_only",
    )

    body = response.json()
    assert _rejected(body) == {2: {"commune_code"}}
    assert "ngoài địa bàn" in body["rejected"][0]["reason"]
    assert body["imported"] == 1


async def test_only_case_workers_and_supervisors_import(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    content = _xlsx([AN])

    for role in ("fund_admin", "accountant", "auditor"):
        response = await _upload(registry, auth_header(role), content)
        assert response.status_code == 403, role
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await _upload(registry, {}, content)).status_code == 401
    assert await _count(registry, "SELECT count(*) FROM child_imports") == 0


async def test_a_malformed_file_is_refused_with_a_clear_message_and_kept(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    not_xlsx = "Họ và tên;Ngày sinh\nNguyễn Văn An;09/03/2016\n".encode()

    response = await _upload(registry, worker, not_xlsx, filename="danh-sach.csv")

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert "Excel (.xlsx)" in problem["detail"]
    assert problem["type"].endswith("invalid-import-file")
    kept = await registry.client.get(f"/v1/imports/{problem['import_id']}", headers=worker)
    assert kept.json()["status"] == "invalid_file"
    assert kept.json()["error"] == problem["detail"]

    no_header = await _upload(registry, worker, _xlsx([AN], headers=["a", "b", "c"]))
    assert no_header.status_code == 422
    assert "dòng tiêu đề" in no_header.json()["detail"]

    async with registry.runtime.engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT id, size_bytes, raw_enc FROM child_imports ORDER BY created_at")
            )
        ).all()
    assert rows[0].size_bytes == len(not_xlsx)
    assert all(r.raw_enc.startswith("dev1.") and "Nguy" not in r.raw_enc for r in rows)
    async with registry.runtime.uow() as uow:
        assert await uow.imports.raw_file(rows[0].id) == not_xlsx


async def test_a_case_worker_reads_only_their_own_imports(
    services: ServiceHarness, auth_header: Headers, make_token: Callable[..., str]
) -> None:
    registry = await services.start("registry")
    created = await _upload(registry, auth_header("case_worker", [HAC_THANH]), _xlsx([AN]))
    url = f"/v1/imports/{created.json()['import_id']}"
    colleague = {"Authorization": f"Bearer {make_token('case_worker', [HAC_THANH], 'other')}"}

    assert (await registry.client.get(url, headers=colleague)).status_code == 404
    assert (await registry.client.get(url, headers=auth_header("supervisor"))).status_code == 200
    assert (await registry.client.get(url, headers=auth_header("auditor"))).status_code == 200
    assert (await registry.client.get(url, headers=auth_header("fund_admin"))).status_code == 403
    missing = await registry.client.get(f"/v1/imports/{uuid.uuid4()}", headers=colleague)
    assert missing.status_code == 404


def _many(count: int) -> list[list[Any]]:
    letters = "bcdghklmnpqrstvx"
    rows = []
    for i in range(count):
        word = "".join(letters[(i >> s) & 15] for s in (0, 4, 8)).capitalize()
        rows.append(
            _row(
                full_name=f"Trẻ {word}a {word[::-1]}o",
                date_of_birth=date(2012, 1, 1) + timedelta(days=5 * i),
                commune_code=HAC_THANH,
                groups="a",
                guardian_phone=f"09{i:08d}",
            )
        )
    return rows


async def test_a_large_file_is_imported_in_the_background_with_visible_progress(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])

    response = await _upload(registry, worker, _xlsx(_many(620)), mode="valid_only")

    assert response.status_code == 202, response.text
    accepted = response.json()
    assert (accepted["status"], accepted["rows"], accepted["processed"]) == ("queued", 620, 0)
    seen: list[tuple[str, int]] = []
    deadline = asyncio.get_running_loop().time() + 120
    while True:
        state = (await registry.client.get(response.headers["location"], headers=worker)).json()
        seen.append((state["status"], state["processed"]))
        if state["status"] in ("completed", "failed"):
            break
        assert asyncio.get_running_loop().time() < deadline, seen
        await asyncio.sleep(0.05)
    assert state["status"] == "completed", state
    assert (state["rows"], state["processed"], state["imported"]) == (620, 620, 620)
    assert state["rejected"] == []
    processed = [p for _, p in seen]
    assert processed == sorted(processed)
    assert "processing" in {s for s, _ in seen}  # 620 rows take well over one poll
    assert await _count(registry, "SELECT count(*) FROM children") == 620
    assert await _count(registry, "SELECT count(*) FROM outbox") == 620


async def test_a_background_import_stopped_by_a_shutdown_is_marked_failed_and_imports_nothing(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    response = await _upload(registry, worker, _xlsx(_many(620)))
    assert response.status_code == 202

    await services.stop("registry")
    registry = await services.start("registry")

    state = (await registry.client.get(response.headers["location"], headers=worker)).json()
    assert state["status"] == "failed"
    assert state["imported"] == 0
    assert "gián đoạn" in state["error"]
    assert await _count(registry, "SELECT count(*) FROM children") == 0


async def test_the_template_downloads_and_a_filled_copy_imports(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")

    template = await registry.client.get("/v1/imports/children/template.xlsx")

    assert template.status_code == 200
    assert template.headers["content-type"] == XLSX
    assert "attachment" in template.headers["content-disposition"]
    workbook = load_workbook(BytesIO(template.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    guide = {row[0] for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert "poor_household" in guide  # the at-risk categories from the database
    for col, value in enumerate(AN, start=1):
        sheet.cell(row=2, column=col, value=value)
    filled = BytesIO()
    workbook.save(filled)

    response = await _upload(registry, auth_header("supervisor"), filled.getvalue())

    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 1
