"""Registry case API on PostgreSQL with the real broker: validation, auth and scope."""

from __future__ import annotations

from collections.abc import Callable

from baotro_shared.testing.harness import ServiceHarness

HAC_THANH = "14797"
QUANG_PHU = "16522"


async def test_opens_a_case_and_writes_case_opened_to_the_outbox(
    services: ServiceHarness, auth_header: Callable[..., dict[str, str]]
) -> None:
    registry = await services.start("registry")
    response = await registry.client.post(
        "/v1/cases",
        json={"commune_code": HAC_THANH, "groups": ["a", "Đ", "a"]},
        headers=auth_header("case_worker", [HAC_THANH]),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["groups"] == ["a", "đ"]
    assert body["commune_name"] == "Phường Hạc Thành"
    assert body["stage"] == "new"
    assert body["status"] == "open"

    outbox = registry.runtime.tables.outbox
    async with registry.runtime.sessions() as session:
        rows = (await session.execute(outbox.select())).mappings().all()
    assert [r["event_type"] for r in rows] == ["case.opened"]
    assert rows[0]["key"] == body["id"]


async def test_unknown_commune_is_refused_with_a_vietnamese_message(
    services: ServiceHarness, auth_header: Callable[..., dict[str, str]]
) -> None:
    registry = await services.start("registry")
    response = await registry.client.post(
        "/v1/cases",
        json={"commune_code": "00001", "groups": ["a"]},
        headers=auth_header("fund_admin"),
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert "không thuộc Thanh Hóa" in problem["detail"]
    assert problem["errors"][0]["field"] == "commune_code"


async def test_unknown_group_code_is_refused_and_nothing_is_written(
    services: ServiceHarness, auth_header: Callable[..., dict[str, str]]
) -> None:
    registry = await services.start("registry")
    response = await registry.client.post(
        "/v1/cases",
        json={"commune_code": HAC_THANH, "groups": ["a", "f"]},
        headers=auth_header("fund_admin"),
    )
    assert response.status_code == 422
    assert "'f'" in response.json()["detail"]
    async with registry.runtime.sessions() as session:
        count = len((await session.execute(registry.runtime.tables.outbox.select())).all())
    assert count == 0


async def test_missing_token_is_401_and_wrong_role_is_403(
    services: ServiceHarness, auth_header: Callable[..., dict[str, str]]
) -> None:
    registry = await services.start("registry")
    payload = {"commune_code": HAC_THANH, "groups": ["a"]}
    missing = await registry.client.post("/v1/cases", json=payload)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    forged = await registry.client.post(
        "/v1/cases", json=payload, headers={"Authorization": "Bearer not.a.token"}
    )
    assert forged.status_code == 401
    auditor = await registry.client.post("/v1/cases", json=payload, headers=auth_header("auditor"))
    assert auditor.status_code == 403
    accountant = await registry.client.get("/v1/cases", headers=auth_header("accountant"))
    assert accountant.status_code == 403


async def test_case_worker_cannot_create_or_read_outside_their_communes(
    services: ServiceHarness, auth_header: Callable[..., dict[str, str]]
) -> None:
    registry = await services.start("registry")
    worker = auth_header("case_worker", [HAC_THANH])
    outside = await registry.client.post(
        "/v1/cases", json={"commune_code": QUANG_PHU, "groups": ["b"]}, headers=worker
    )
    assert outside.status_code == 403

    other = await registry.client.post(
        "/v1/cases",
        json={"commune_code": QUANG_PHU, "groups": ["b"]},
        headers=auth_header("case_worker", [QUANG_PHU]),
    )
    assert other.status_code == 201
    other_id = other.json()["id"]
    own = await registry.client.post(
        "/v1/cases", json={"commune_code": HAC_THANH, "groups": ["c"]}, headers=worker
    )
    assert own.status_code == 201

    assert (await registry.client.get(f"/v1/cases/{other_id}", headers=worker)).status_code == 404
    listed = (await registry.client.get("/v1/cases", headers=worker)).json()
    assert [c["commune_code"] for c in listed["items"]] == [HAC_THANH]
    assert listed["total"] == 1
    province = (await registry.client.get("/v1/cases", headers=auth_header("supervisor"))).json()
    assert province["total"] == 2
