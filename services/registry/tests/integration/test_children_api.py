"""Children on PostgreSQL: encryption at rest, audited reads, duplicates, consent, scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from baotro_shared.testing.harness import RunningService, ServiceHarness

HAC_THANH = "14797"
QUANG_PHU = "16522"
AN: dict[str, Any] = {
    "full_name": "Nguyễn Văn An",
    "date_of_birth": "2016-03-09",
    "national_id": "038216001234",
    "address": "Số 12 ngõ 5 đường Bà Triệu, Phường Hạc Thành",
    "guardian_name": "Nguyễn Thị Bình",
    "guardian_phone": "0912 345 678",
    "school": "Trường Tiểu học Điện Biên",
    "health_notes": "Hen phế quản",
    "commune_code": HAC_THANH,
    "sex": "M",
    "groups": ["a"],
}
SECRETS = (
    "Nguyễn Văn An",
    "NGUYEN VAN AN",
    "038216001234",
    "0912345678",
    "Bà Triệu",
    "Nguyễn Thị Bình",
    "2016-03-09",
    "Điện Biên",
    "Hen phế quản",
)

Headers = Callable[..., dict[str, str]]


async def _register(registry: RunningService, headers: dict[str, str], **override: Any) -> Any:
    return await registry.client.post("/v1/children", json={**AN, **override}, headers=headers)


async def test_personal_fields_are_encrypted_at_rest_and_absent_from_events(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    response = await _register(registry, auth_header("case_worker", [HAC_THANH]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["personal"]["guardian_phone"] == "0912345678"
    assert body["birth_year"] == 2016

    async with registry.runtime.engine.connect() as conn:
        raw_children = str((await conn.execute(text("SELECT * FROM children"))).all())
        raw_outbox = (await conn.execute(text("SELECT payload FROM outbox"))).scalars().all()
    for secret in SECRETS:
        assert secret not in raw_children, f"{secret!r} stored in clear"
    assert "dev1." in raw_children  # key id kept beside each ciphertext
    [payload] = raw_outbox
    wire = bytes(payload).decode()
    assert '"type":"child.registered"' in wire
    assert '"age_band":"6-10"' in wire
    for secret in SECRETS:
        assert secret not in wire


async def test_reads_of_personal_data_are_audited_and_only_some_roles_see_them(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    created = (await _register(registry, auth_header("case_worker", [HAC_THANH]))).json()
    child_url = f"/v1/children/{created['id']}"

    worker = await registry.client.get(child_url, headers=auth_header("case_worker", [HAC_THANH]))
    assert worker.json()["personal"]["national_id"] == "038216001234"
    admin = await registry.client.get(child_url, headers=auth_header("fund_admin"))
    assert admin.status_code == 200
    assert admin.json()["personal"] is None
    assert admin.json()["groups"] == ["a"]
    accountant = await registry.client.get(child_url, headers=auth_header("accountant"))
    assert accountant.status_code == 403
    outsider = await registry.client.get(child_url, headers=auth_header("case_worker", [QUANG_PHU]))
    assert outsider.status_code == 404
    listed = await registry.client.get("/v1/children", headers=auth_header("supervisor"))
    assert listed.json()["items"][0]["personal"]["full_name"] == "Nguyễn Văn An"
    assert listed.json()["items"][0]["personal"]["national_id"] is None  # lists show less

    audit = await registry.client.get(
        "/v1/audit", params={"child_id": created["id"]}, headers=auth_header("auditor")
    )
    assert audit.status_code == 200
    actions = sorted((e["actor_role"], e["action"]) for e in audit.json()["items"])
    assert actions == [("case_worker", "read"), ("supervisor", "list")]
    assert (
        await registry.client.get("/v1/audit", headers=auth_header("case_worker"))
    ).status_code == 403


async def test_likely_duplicate_across_diacritics_needs_confirmation_and_is_never_merged(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    first = (await _register(registry, worker)).json()
    again = await _register(
        registry, worker, full_name="NGUYEN VAN AN", national_id=None, address=None
    )
    assert again.status_code == 409
    problem = again.json()
    assert problem["type"].endswith("likely-duplicate")
    [candidate] = problem["candidates"]
    assert candidate["child_id"] == first["id"]
    assert candidate["level"] == "likely"
    assert candidate["initials"] == "N. V. A."
    assert "Nguyễn" not in again.text

    confirmed = await _register(
        registry, worker, full_name="NGUYEN VAN AN", national_id=None, confirm_not_duplicate=True
    )
    assert confirmed.status_code == 201
    listed = await registry.client.get("/v1/children", headers=auth_header("fund_admin"))
    assert listed.json()["total"] == 2

    same_id_elsewhere = await _register(
        registry,
        auth_header("case_worker", [QUANG_PHU]),
        full_name="Lê Thị Hoa",
        commune_code=QUANG_PHU,
    )
    assert same_id_elsewhere.status_code == 409
    [by_id] = [c for c in same_id_elsewhere.json()["candidates"] if c["reasons"] == ["national_id"]]
    assert by_id["initials"] is None  # out of the caller's scope: no name at all


async def test_invalid_input_is_refused_in_vietnamese_and_nothing_is_written(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    bad_id = await _register(registry, worker, national_id="12345")
    assert bad_id.status_code == 422
    assert "12 chữ số" in bad_id.json()["detail"]
    bad_phone = await _register(registry, worker, guardian_phone="12")
    assert bad_phone.status_code == 422
    assert "Số điện thoại" in bad_phone.json()["detail"]
    assert "12" not in bad_phone.json()["detail"].replace("0912345678", "")
    outside = await _register(registry, worker, commune_code=QUANG_PHU)
    assert outside.status_code == 403
    async with registry.runtime.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM children"))).scalar_one() == 0


async def test_consent_withdrawal_is_announced_without_personal_data(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    child = (await _register(registry, worker)).json()
    given = await registry.client.post(
        f"/v1/children/{child['id']}/consents",
        json={"purpose": "public_appeal", "given_by": "guardian", "given_on": "2026-11-01"},
        headers=worker,
    )
    assert given.status_code == 201
    withdrawn = await registry.client.post(
        f"/v1/consents/{given.json()['id']}/withdraw", headers=worker
    )
    assert withdrawn.json()["active"] is False
    twice = await registry.client.post(
        f"/v1/consents/{given.json()['id']}/withdraw", headers=worker
    )
    assert twice.status_code == 409
    async with registry.runtime.engine.connect() as conn:
        types = (await conn.execute(text("SELECT event_type FROM outbox ORDER BY id"))).scalars()
        assert list(types) == ["child.registered", "consent.withdrawn"]


async def test_subgroups_must_be_known_and_belong_to_the_childs_groups(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    stray = await _register(registry, worker, subgroups=["c1"])
    assert stray.status_code == 422
    assert "không thuộc các nhóm đã chọn" in stray.json()["detail"]
    unknown = await _register(registry, worker, subgroups=["a9"])
    assert unknown.status_code == 422
    ok = await _register(registry, worker, subgroups=["A3"])
    assert ok.status_code == 201, ok.text
    assert ok.json()["subgroups"] == ["a3"]


async def test_an_old_commune_code_is_refused_with_its_new_unit_named(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    old = await _register(registry, auth_header("fund_admin"), commune_code="14767")
    assert old.status_code in (403, 422)
    worker = await _register(
        registry, auth_header("case_worker", [HAC_THANH]), commune_code="14767"
    )
    assert worker.status_code == 422
    detail = worker.json()["detail"]
    assert "mã cũ của Phường Điện Biên" in detail
    assert "Phường Hạc Thành: dùng mã 14797" in detail
