"""The case lifecycle on PostgreSQL with the real broker: stages, approvals, events, roles."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer

HAC_THANH = "14797"
QUANG_PHU = "16522"
SUMMARY = "Bà ngoại Lê Thị Cúc, 72 tuổi, nuôi cháu; nhà dột; cháu học lớp 3 trường Điện Biên."
TODAY = date.today().isoformat()

Token = Callable[..., str]


class Actors:
    """The people of one commune's case work, each with their own identity."""

    def __init__(self, make_token: Token) -> None:
        self.worker = bearer(make_token, "case_worker", [HAC_THANH], sub="can-bo-hac-thanh")
        self.worker_qp = bearer(make_token, "case_worker", [QUANG_PHU], sub="can-bo-quang-phu")
        self.supervisor = bearer(make_token, "supervisor", sub="giam-sat-tinh")
        self.supervisor_2 = bearer(make_token, "supervisor", sub="giam-sat-tinh-2")
        self.supervisor_qp = bearer(make_token, "supervisor", [QUANG_PHU], sub="giam-sat-quang-phu")
        self.auditor = bearer(make_token, "auditor", sub="kiem-toan")
        self.admin = bearer(make_token, "fund_admin", sub="quan-tri")
        self.accountant = bearer(make_token, "accountant", sub="ke-toan")


async def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def _open(registry: RunningService, headers: dict[str, str], **extra: Any) -> str:
    body = {"commune_code": HAC_THANH, "groups": ["a"], **extra}
    case = await _ok(await registry.client.post("/v1/cases", json=body, headers=headers), 201)
    return str(case["id"])


async def _to_services(registry: RunningService, who: Actors, case_id: str) -> dict[str, Any]:
    """Assessment, plan v1 submitted by the worker, approved by the supervisor."""
    c = registry.client
    await _ok(
        await c.post(
            f"/v1/cases/{case_id}/assessments",
            json={"risk_level": "high", "summary": SUMMARY},
            headers=who.worker,
        ),
        201,
    )
    plan = await _ok(
        await c.post(
            f"/v1/cases/{case_id}/plans",
            json={
                "items": [
                    {"kind": "tuition", "amount": 1_500_000, "funding_source": "fund"},
                    {
                        "kind": "health_insurance",
                        "amount": 700_000,
                        "funding_source": "state_budget",
                    },
                ]
            },
            headers=who.worker,
        ),
        201,
    )
    approval = await _ok(
        await c.post(f"/v1/cases/{case_id}/plans/{plan['id']}/submit", headers=who.worker), 201
    )
    await _ok(await c.post(f"/v1/approvals/{approval['id']}/approve", headers=who.supervisor))
    return dict(plan)


async def _outbox(registry: RunningService) -> list[dict[str, Any]]:
    outbox = registry.runtime.tables.outbox
    async with registry.runtime.sessions() as session:
        rows = (await session.execute(outbox.select().order_by(outbox.c.id))).mappings().all()
    return [dict(r) for r in rows]


def _data(row: dict[str, Any]) -> dict[str, Any]:
    payload = row["payload"]
    envelope = json.loads(payload if isinstance(payload, (str, bytes)) else bytes(payload))
    data: dict[str, Any] = envelope["data"]
    return data


async def test_a_case_goes_from_new_to_closed_and_every_step_is_announced(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    case_id = await _open(registry, who.worker)
    plan = await _to_services(registry, who, case_id)
    c = registry.client

    delivery = await _ok(
        await c.post(
            f"/v1/cases/{case_id}/deliveries",
            json={
                "kind": "tuition",
                "amount": 1_500_000,
                "delivered_on": TODAY,
                "plan_item_id": plan["items"][0]["id"],
            },
            headers=who.worker,
        ),
        201,
    )
    assert delivery["amount"] == 1_500_000
    closure = await _ok(
        await c.post(
            f"/v1/cases/{case_id}/closure",
            json={"reason_code": "goals_met", "comment": "Đã hoàn thành học kỳ"},
            headers=who.worker,
        ),
        201,
    )
    detail = await _ok(await c.get(f"/v1/cases/{case_id}", headers=who.auditor))
    assert [a["kind"] for a in detail["pending_approvals"]] == ["closure"]
    assert detail["stage"] == "services"
    assert detail["current_plan"]["version"] == 1
    assert detail["current_plan"]["total_amount"] == 2_200_000
    assert detail["latest_risk_level"] == "high"
    assert detail["delivered_total"] == 1_500_000

    decided = await _ok(
        await c.post(
            f"/v1/approvals/{closure['id']}/approve",
            json={"comment": "Đồng ý"},
            headers=who.supervisor,
        )
    )
    assert decided["status"] == "approved"
    closed = await _ok(await c.get(f"/v1/cases/{case_id}", headers=who.worker))
    assert (closed["status"], closed["stage"]) == ("closed", "closed")
    assert closed["closed_at"] is not None
    assert closed["pending_approvals"] == []

    rows = await _outbox(registry)
    assert [r["event_type"] for r in rows] == [
        "case.opened",
        "case.stage_changed",
        "case.stage_changed",
        "case.stage_changed",
        "support.planned",
        "support.delivered",
        "case.stage_changed",
        "case.closed",
    ]
    assert all(r["key"] == case_id for r in rows)
    stages = [
        (_data(r)["from_stage"], _data(r)["to_stage"], _data(r)["status"])
        for r in rows
        if r["event_type"] == "case.stage_changed"
    ]
    assert stages == [
        ("new", "assessment", "open"),
        ("assessment", "case_plan", "open"),
        ("case_plan", "services", "open"),
        ("services", "closed", "closed"),
    ]
    planned = _data(rows[4])
    assert planned["version_number"] == 1
    assert planned["total_amount"] == 2_200_000
    assert planned["groups"] == ["a"]
    assert _data(rows[-1])["reason_code"] == "goals_met"
    wire = " ".join(str(r["payload"]) for r in rows)
    for personal in ("Lê Thị Cúc", "Điện Biên", "can-bo-hac-thanh", "giam-sat", "Đồng ý"):
        assert personal not in wire


async def test_a_closed_case_refuses_work_until_reopened(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    case_id = await _open(registry, who.worker)
    await _to_services(registry, who, case_id)
    c = registry.client
    closure = await _ok(
        await c.post(
            f"/v1/cases/{case_id}/closure", json={"reason_code": "other"}, headers=who.worker
        ),
        201,
    )
    await _ok(await c.post(f"/v1/approvals/{closure['id']}/approve", headers=who.supervisor))

    late = await c.post(
        f"/v1/cases/{case_id}/deliveries",
        json={"kind": "tet_gift", "amount": 500_000, "delivered_on": TODAY},
        headers=who.worker,
    )
    assert late.status_code == 409
    assert late.headers["content-type"].startswith("application/problem+json")
    assert "hồ sơ đã đóng" in late.json()["detail"]
    again = await c.post(
        f"/v1/cases/{case_id}/closure", json={"reason_code": "other"}, headers=who.worker
    )
    assert again.status_code == 409

    reopened = await _ok(await c.post(f"/v1/cases/{case_id}/reopen", headers=who.worker))
    assert (reopened["status"], reopened["stage"]) == ("open", "reopened")
    twice = await c.post(f"/v1/cases/{case_id}/reopen", headers=who.worker)
    assert twice.status_code == 409
    last = (await _outbox(registry))[-1]
    assert last["event_type"] == "case.stage_changed"
    assert (_data(last)["to_stage"], _data(last)["status"]) == ("reopened", "open")


async def test_no_one_approves_their_own_request_or_their_own_plan(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    c = registry.client
    case_id = await _open(registry, who.supervisor)
    await c.post(
        f"/v1/cases/{case_id}/assessments",
        json={"risk_level": "low", "summary": "Ổn định"},
        headers=who.supervisor,
    )
    plan = await _ok(
        await c.post(
            f"/v1/cases/{case_id}/plans",
            json={"items": [{"kind": "nutrition", "amount": 300_000, "funding_source": "fund"}]},
            headers=who.supervisor,
        ),
        201,
    )
    approval = await _ok(
        await c.post(f"/v1/cases/{case_id}/plans/{plan['id']}/submit", headers=who.supervisor),
        201,
    )

    own = await c.post(f"/v1/approvals/{approval['id']}/approve", headers=who.supervisor)
    assert own.status_code == 403
    assert "tự duyệt" in own.json()["detail"]
    worker = await c.post(f"/v1/approvals/{approval['id']}/approve", headers=who.worker)
    assert worker.status_code == 403
    other = await _ok(
        await c.post(f"/v1/approvals/{approval['id']}/approve", headers=who.supervisor_2)
    )
    assert other["decided_by"] == "giam-sat-tinh-2"
    assert (await _ok(await c.get(f"/v1/cases/{case_id}", headers=who.admin)))["stage"] == (
        "services"
    )


async def test_a_supervisor_decides_only_in_their_area_and_rejections_need_a_reason(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    c = registry.client
    case_id = await _open(registry, who.worker)
    closure = await _ok(
        await c.post(
            f"/v1/cases/{case_id}/closure",
            json={"reason_code": "moved_out_of_province"},
            headers=who.worker,
        ),
        201,
    )
    url = f"/v1/approvals/{closure['id']}"

    assert (await c.post(f"{url}/approve", headers=who.supervisor_qp)).status_code == 404
    queue_qp = await _ok(await c.get("/v1/approvals", headers=who.supervisor_qp))
    assert queue_qp == []
    queue = await _ok(await c.get("/v1/approvals", headers=who.supervisor))
    assert [a["id"] for a in queue] == [closure["id"]]
    no_reason = await c.post(f"{url}/reject", json={"comment": " "}, headers=who.supervisor)
    assert no_reason.status_code == 422
    rejected = await _ok(
        await c.post(f"{url}/reject", json={"comment": "Chưa đủ giấy tờ"}, headers=who.supervisor)
    )
    assert rejected["status"] == "rejected"
    detail = await _ok(await c.get(f"/v1/cases/{case_id}", headers=who.worker))
    assert detail["status"] == "open"
    assert detail["approvals"][0]["decision_comment"] == "Chưa đủ giấy tờ"
    assert (await c.post(f"{url}/approve", headers=who.supervisor_2)).status_code == 409


async def test_roles_and_area_on_the_lifecycle_endpoints(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    c = registry.client
    case_id = await _open(registry, who.worker)
    assessment = {"risk_level": "medium", "summary": "Cần theo dõi"}
    url = f"/v1/cases/{case_id}/assessments"

    for reader in (who.auditor, who.admin, who.worker, who.supervisor):
        assert (await c.get(f"/v1/cases/{case_id}/plans", headers=reader)).status_code == 200
    for non_writer in (who.auditor, who.admin, who.accountant):
        assert (await c.post(url, json=assessment, headers=non_writer)).status_code == 403
    assert (await c.get(f"/v1/cases/{case_id}", headers=who.accountant)).status_code == 403
    assert (await c.post(url, json=assessment, headers=who.worker_qp)).status_code == 404
    assert (await c.get(url, headers=who.worker_qp)).status_code == 404
    assert (await c.post(url, json=assessment)).status_code == 401
    assert (await c.post(url, json=assessment, headers=who.supervisor)).status_code == 201
    bad = await c.post(url, json={"risk_level": "extreme", "summary": "x"}, headers=who.worker)
    assert bad.status_code == 422
    early_plan = await c.post(
        f"/v1/cases/{case_id}/plans",
        json={"items": [{"kind": "tuition", "amount": 1.5, "funding_source": "fund"}]},
        headers=who.worker,
    )
    assert early_plan.status_code == 422, "money is an integer number of đồng"


async def test_assessment_summaries_are_encrypted_and_their_reads_audited(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    c = registry.client
    child = await _ok(
        await c.post(
            "/v1/children",
            json={
                "full_name": "Lê Văn Dũng",
                "date_of_birth": (date.today() - timedelta(days=365 * 9 + 30)).isoformat(),
                "commune_code": HAC_THANH,
                "groups": ["a"],
            },
            headers=who.worker,
        ),
        201,
    )
    case_id = await _open(registry, who.worker, child_id=child["id"])
    await _ok(
        await c.post(
            f"/v1/cases/{case_id}/assessments",
            json={"risk_level": "critical", "summary": SUMMARY},
            headers=who.worker,
        ),
        201,
    )

    async with registry.runtime.engine.connect() as conn:
        raw = str((await conn.execute(text("SELECT * FROM case_assessments"))).all())
    assert "Lê Thị Cúc" not in raw
    assert "Điện Biên" not in raw

    read = await _ok(await c.get(f"/v1/cases/{case_id}/assessments", headers=who.worker))
    assert read[0]["summary"] == SUMMARY
    assert read[0]["risk_level"] == "critical"
    hidden = await _ok(await c.get(f"/v1/cases/{case_id}/assessments", headers=who.admin))
    assert hidden[0]["summary"] is None
    audit = await _ok(
        await c.get("/v1/audit", params={"child_id": child["id"]}, headers=who.auditor)
    )
    reads = [e for e in audit["items"] if "case_assessment.summary" in e["fields"]]
    assert [(e["actor_role"], e["action"]) for e in reads] == [("case_worker", "read")]
    opened = next(r for r in await _outbox(registry) if r["event_type"] == "case.opened")
    assert _data(opened)["age_band"] == "6-10"
    assert "Lê Văn Dũng" not in str(opened["payload"])


async def test_a_case_opens_only_for_a_child_in_scope_and_in_the_childs_commune(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    c = registry.client
    child = await _ok(
        await c.post(
            "/v1/children",
            json={
                "full_name": "Phạm Thị Hoa",
                "birth_year": 2014,
                "commune_code": QUANG_PHU,
                "groups": ["b"],
            },
            headers=who.worker_qp,
        ),
        201,
    )

    elsewhere = await c.post(
        "/v1/cases",
        json={"commune_code": HAC_THANH, "groups": ["b"], "child_id": child["id"]},
        headers=who.worker,
    )
    assert elsewhere.status_code == 422
    assert elsewhere.json()["errors"][0]["field"] == "child_id"
    wrong_commune = await c.post(
        "/v1/cases",
        json={"commune_code": HAC_THANH, "groups": ["b"], "child_id": child["id"]},
        headers=who.supervisor,
    )
    assert wrong_commune.status_code == 422
    assert "phải trùng" in wrong_commune.json()["detail"]
    assert [r["event_type"] for r in await _outbox(registry)] == ["child.registered"]
    await _open(registry, who.worker_qp, commune_code=QUANG_PHU, child_id=child["id"])


async def test_plan_revisions_are_new_versions_and_the_newest_approved_one_applies(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    c = registry.client
    case_id = await _open(registry, who.worker)
    first = await _to_services(registry, who, case_id)
    second = await _ok(
        await c.post(
            f"/v1/cases/{case_id}/plans",
            json={"items": [{"kind": "surgery", "amount": 45_000_000, "funding_source": "appeal"}]},
            headers=who.worker,
        ),
        201,
    )
    assert second["version"] == 2
    pending = await _ok(
        await c.post(f"/v1/cases/{case_id}/plans/{second['id']}/submit", headers=who.worker), 201
    )
    blocked = await c.post(
        f"/v1/cases/{case_id}/plans",
        json={"items": [{"kind": "other", "amount": 0, "funding_source": "other"}]},
        headers=who.worker,
    )
    assert blocked.status_code == 409
    stale = await c.post(f"/v1/cases/{case_id}/plans/{first['id']}/submit", headers=who.worker)
    assert stale.status_code == 409
    await _ok(await c.post(f"/v1/approvals/{pending['id']}/approve", headers=who.supervisor_2))

    versions = await _ok(await c.get(f"/v1/cases/{case_id}/plans", headers=who.worker))
    assert [(v["version"], v["status"]) for v in versions] == [(2, "approved"), (1, "superseded")]
    assert versions[1]["items"] == first["items"]
    detail = await _ok(await c.get(f"/v1/cases/{case_id}", headers=who.worker))
    assert detail["current_plan"]["id"] == second["id"]
    mismatched = await c.post(
        f"/v1/cases/{case_id}/deliveries",
        json={
            "kind": "surgery",
            "amount": 1,
            "delivered_on": TODAY,
            "plan_item_id": first["items"][0]["id"],
        },
        headers=who.worker,
    )
    assert mismatched.status_code == 422, "the superseded version's items are not in force"
    types = [r["event_type"] for r in await _outbox(registry)]
    assert types.count("support.planned") == 2
    assert types.count("case.stage_changed") == 3, "the revision kept the stage"


async def test_transfer_needs_both_communes_and_moves_the_case(
    services: ServiceHarness, make_token: Token
) -> None:
    registry = await services.start("registry")
    who = Actors(make_token)
    c = registry.client
    case_id = await _open(registry, who.worker)
    await c.post(
        f"/v1/cases/{case_id}/assessments",
        json={"risk_level": "medium", "summary": "Gia đình chuyển nhà"},
        headers=who.worker,
    )
    url = f"/v1/cases/{case_id}/transfer"

    refused = await c.post(url, json={"to_commune_code": QUANG_PHU}, headers=who.worker)
    assert refused.status_code == 403
    assert "cả xã/phường chuyển đi và xã/phường nhận" in refused.json()["detail"]
    same = await c.post(url, json={"to_commune_code": HAC_THANH}, headers=who.supervisor)
    assert same.status_code == 422
    moved = await _ok(
        await c.post(url, json={"to_commune_code": QUANG_PHU}, headers=who.supervisor)
    )
    assert (moved["commune_code"], moved["status"], moved["stage"]) == (
        QUANG_PHU,
        "open",
        "assessment",
    )

    assert (await c.get(f"/v1/cases/{case_id}", headers=who.worker)).status_code == 404
    assert (await c.get(f"/v1/cases/{case_id}", headers=who.worker_qp)).status_code == 200
    last = (await _outbox(registry))[-1]
    assert last["event_type"] == "case.stage_changed"
    assert _data(last) | {"changed_at": None} == {
        "case_id": case_id,
        "commune_code": QUANG_PHU,
        "from_stage": "assessment",
        "to_stage": "assessment",
        "status": "open",
        "changed_at": None,
    }
