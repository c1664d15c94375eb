"""Reference data: legal groups, the province's communes, old→new resolution, at-risk list."""

from __future__ import annotations

from collections.abc import Callable

from baotro_shared.testing.harness import ServiceHarness

Headers = Callable[..., dict[str, str]]
HAC_THANH = "14797"


async def test_legal_groups_and_communes_are_public(services: ServiceHarness) -> None:
    registry = await services.start("registry")

    groups = (await registry.client.get("/v1/reference/groups")).json()
    communes = (await registry.client.get("/v1/reference/communes")).json()

    assert [g["code"] for g in groups] == [
        "a",
        "b",
        "c",
        "d",
        "đ",
        "e",
        "g",
        "h",
        "i",
        "k",
        "l",
        "m",
        "n",
        "o",
    ]
    assert {g["code"] for g in groups if g["sensitive"]} == {"đ", "e", "g", "l", "m"}
    assert groups[0]["name_vi"] == "Trẻ em mồ côi cả cha và mẹ"
    assert len(communes) == 166
    assert {"code": HAC_THANH, "name": "Phường Hạc Thành"} in communes


async def test_old_codes_and_names_resolve_to_the_new_communes(services: ServiceHarness) -> None:
    registry = await services.start("registry")
    client = registry.client

    by_code = await client.get("/v1/reference/communes/resolve", params={"q": "14767"})
    by_name = await client.get(
        "/v1/reference/communes/resolve",
        params={"q": "phuong dien bien", "district": "TP Thanh Hoa"},
    )
    current = await client.get("/v1/reference/communes/resolve", params={"q": HAC_THANH})
    ambiguous = await client.get(
        "/v1/reference/communes/resolve", params={"q": "Xã Quang Trung", "legacy": "true"}
    )
    unknown = await client.get("/v1/reference/communes/resolve", params={"q": "Xã Không Có"})

    assert by_code.status_code == 200
    assert by_code.json() == {
        "code": HAC_THANH,
        "name": "Phường Hạc Thành",
        "converted": True,
        "old_code": "14767",
        "old_name": "Phường Điện Biên",
        "old_district_name": "Thành phố Thanh Hóa",
        "other_codes": [],
    }
    assert by_name.json()["old_code"] == "14767"
    assert current.json()["converted"] is False
    assert ambiguous.status_code == 409
    assert {c["old_district_name"] for c in ambiguous.json()["candidates"]} == {
        "Thị xã Bỉm Sơn",
        "Huyện Ngọc Lặc",
    }
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")


async def test_the_fund_admin_adds_renames_and_deactivates_at_risk_categories(
    services: ServiceHarness, auth_header: Headers
) -> None:
    registry = await services.start("registry")
    client = registry.client
    admin = auth_header("fund_admin")

    initial = (await client.get("/v1/reference/at-risk")).json()
    added = await client.put(
        "/v1/reference/at-risk/online_abuse_risk",
        json={"name_vi": "Trẻ em có nguy cơ bị xâm hại trên môi trường mạng"},
        headers=admin,
    )
    renamed = await client.put(
        "/v1/reference/at-risk/online_abuse_risk",
        json={"name_vi": "Trẻ em có nguy cơ bị xâm hại   trên mạng"},
        headers=admin,
    )
    deactivated = await client.put(
        "/v1/reference/at-risk/poor_household",
        json={"name_vi": "Trẻ em thuộc hộ nghèo, hộ cận nghèo", "active": False},
        headers=admin,
    )

    assert len(initial) == 10
    assert added.status_code == 201
    assert renamed.status_code == 200
    assert renamed.json() == {
        "code": "online_abuse_risk",
        "name_vi": "Trẻ em có nguy cơ bị xâm hại trên mạng",
        "active": True,
    }
    assert deactivated.json()["active"] is False
    active = {c["code"] for c in (await client.get("/v1/reference/at-risk")).json()}
    everything = (
        await client.get("/v1/reference/at-risk", params={"include_inactive": "true"})
    ).json()
    assert "online_abuse_risk" in active
    assert "poor_household" not in active
    assert len(everything) == 11

    refused = await client.put(
        "/v1/reference/at-risk/x",
        json={"name_vi": "Tên hợp lệ"},
        headers=auth_header("case_worker", [HAC_THANH]),
    )
    assert refused.status_code == 403
    bad_code = await client.put(
        "/v1/reference/at-risk/Có Dấu", json={"name_vi": "Tên hợp lệ"}, headers=admin
    )
    assert bad_code.status_code == 422
    assert "chữ thường không dấu" in bad_code.json()["detail"]


async def test_subgroups_are_listed_and_the_fund_can_add_one(
    services: ServiceHarness, auth_header: Callable[..., dict[str, str]]
) -> None:
    registry = await services.start("registry")
    listed = (await registry.client.get("/v1/reference/subgroups")).json()
    assert {"a1", "b2", "c4"} <= {s["code"] for s in listed}
    body = {"group_code": "c", "name_vi": "Cha hoặc mẹ mất tích, người còn lại không chăm sóc"}
    refused = await registry.client.put(
        "/v1/reference/subgroups/c5", json=body, headers=auth_header("case_worker", ["14797"])
    )
    assert refused.status_code == 403
    added = await registry.client.put(
        "/v1/reference/subgroups/c5", json=body, headers=auth_header("fund_admin")
    )
    assert added.status_code == 201, added.text
    wrong_group = await registry.client.put(
        "/v1/reference/subgroups/z1",
        json={**body, "group_code": "z"},
        headers=auth_header("fund_admin"),
    )
    assert wrong_group.status_code == 422
    child = await registry.client.post(
        "/v1/children",
        json={
            "full_name": "Vũ Văn Tú",
            "birth_year": 2016,
            "commune_code": "14797",
            "groups": ["c"],
            "subgroups": ["c5"],
        },
        headers=auth_header("supervisor"),
    )
    assert child.status_code == 201, child.text
