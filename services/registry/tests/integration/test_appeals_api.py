"""Public appeals on PostgreSQL with the real broker: drafted from a case, anonymised, approved
by another person, shown on the portal, and taken off when the consent is withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import bearer

HAC_THANH = "14797"
QUANG_PHU = "16522"
CHILD: dict[str, Any] = {
    "full_name": "Lê Văn Khánh",
    "date_of_birth": "2016-03-09",
    "national_id": "038216004321",
    "address": "Số 7 ngõ 3 đường Trần Phú, thôn Yên Lạc",
    "guardian_name": "Lê Thị Hồng",
    "guardian_phone": "0987 111 222",
    "school": "Trường Tiểu học Điện Biên",
    "commune_code": HAC_THANH,
    "sex": "M",
    "groups": ["a"],
}
SECRETS = (
    "Lê Văn Khánh",
    "LE VAN KHANH",
    "Khánh",
    "038216004321",
    "0987111222",
    "Trần Phú",
    "Yên Lạc",
    "Lê Thị Hồng",
    "Điện Biên",
    "2016-03-09",
)
CLEAN_STORY = (
    "Em mồ côi cả cha lẫn mẹ, đang sống cùng bà ngoại đã già yếu ở tỉnh Thanh Hóa. "
    "Em học rất chăm và mơ ước trở thành cô giáo."
)
PUBLIC_FIELDS = {
    "id",
    "alias",
    "age_band",
    "province_name",
    "need_kind",
    "need_name",
    "amount_sought",
    "amount_raised",
    "story",
    "published_at",
}

Tokens = Callable[..., str]


class Fund:
    """The people of one test: a case worker of Hạc Thành and two province supervisors."""

    def __init__(self, registry: RunningService, make_token: Tokens) -> None:
        self.registry = registry
        self.client = registry.client
        self.worker = bearer(make_token, "case_worker", [HAC_THANH], sub="worker@hac-thanh")
        self.supervisor = bearer(make_token, "supervisor", sub="supervisor@quy")
        self.other_supervisor = bearer(make_token, "supervisor", sub="supervisor2@quy")

    async def child(self, **override: Any) -> str:
        response = await self.client.post(
            "/v1/children",
            json={**CHILD, "confirm_not_duplicate": True, **override},
            headers=self.worker,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def consent(self, child_id: str, *givers: str) -> list[str]:
        ids = []
        for giver in givers:
            response = await self.client.post(
                f"/v1/children/{child_id}/consents",
                json={"purpose": "public_appeal", "given_by": giver, "given_on": "2026-11-01"},
                headers=self.worker,
            )
            assert response.status_code == 201, response.text
            ids.append(str(response.json()["id"]))
        return ids

    async def case(self, child_id: str, groups: list[str] | None = None) -> str:
        response = await self.client.post(
            "/v1/cases",
            json={"commune_code": HAC_THANH, "groups": groups or ["a"], "child_id": child_id},
            headers=self.worker,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def draft(
        self, case_id: str, headers: dict[str, str] | None = None, **override: Any
    ) -> Any:
        body = {"need_kind": "tuition", "amount_sought": 5_000_000, "story": CLEAN_STORY}
        return await self.client.post(
            f"/v1/cases/{case_id}/appeals",
            json={**body, **override},
            headers=headers or self.worker,
        )

    async def ready_case(self) -> tuple[str, str, list[str]]:
        """A child aged 10 with both consents, and an open case: (child, case, consents)."""
        child_id = await self.child()
        consents = await self.consent(child_id, "guardian", "child")
        return child_id, await self.case(child_id), consents

    async def published(self) -> tuple[str, str, list[str]]:
        child_id, case_id, consents = await self.ready_case()
        draft = await self.draft(case_id)
        assert draft.status_code == 201, draft.text
        approved = await self.client.post(
            f"/v1/appeals/{draft.json()['id']}/approve", headers=self.supervisor
        )
        assert approved.status_code == 200, approved.text
        return str(draft.json()["id"]), child_id, consents

    async def outbox(self) -> list[tuple[str, str]]:
        async with self.registry.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(text("SELECT event_type, payload FROM outbox ORDER BY id"))
            ).all()
        return [(str(t), bytes(p).decode()) for t, p in rows]


async def _fund(services: ServiceHarness, make_token: Tokens) -> Fund:
    return Fund(await services.start("registry"), make_token)


async def test_an_approved_appeal_is_published_anonymised_on_the_public_portal(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    child_id, case_id, _ = await fund.ready_case()

    draft = await fund.draft(case_id)
    assert draft.status_code == 201, draft.text
    appeal = draft.json()
    assert appeal["status"] == "pending_approval"
    assert appeal["age_band"] == "6-10"
    assert appeal["province_name"] == "Thanh Hóa"
    assert appeal["alias"].split()[0] == "Em"
    assert appeal["alias"].split(" ", 1)[1][0] not in "LVK"  # no initial of Lê Văn Khánh
    assert appeal["case_id"] == case_id
    assert appeal["child_id"] == child_id
    portal = await fund.client.get("/v1/public/appeals")
    assert portal.json()["items"] == []  # not before approval

    approved = await fund.client.post(
        f"/v1/appeals/{appeal['id']}/approve",
        json={"comment": "Đồng ý đăng"},
        headers=fund.supervisor,
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "published"
    assert approved.json()["reviewed_by"] == "supervisor@quy"

    portal = await fund.client.get("/v1/public/appeals")  # no token at all
    assert portal.status_code == 200
    [item] = portal.json()["items"]
    assert set(item) == PUBLIC_FIELDS
    assert item["id"] == appeal["id"]
    assert item["alias"] == appeal["alias"]
    assert item["age_band"] == "6-10"
    assert item["province_name"] == "Thanh Hóa"
    assert item["need_kind"] == "tuition"
    assert item["need_name"] == "Học phí"
    assert item["amount_sought"] == 5_000_000
    assert item["amount_raised"] == 0
    assert item["story"] == CLEAN_STORY
    for hidden in (child_id, case_id, HAC_THANH, "Hạc Thành", *SECRETS):
        assert hidden not in portal.text

    events = await fund.outbox()
    assert [t for t, _ in events if t.startswith("appeal.")] == ["appeal.published"]
    for event_type, payload in events:
        for secret in SECRETS:
            assert secret not in payload, f"{secret!r} in {event_type}"
    [(_, published)] = [(t, p) for t, p in events if t == "appeal.published"]
    for hidden in (child_id, case_id, HAC_THANH, "Hạc Thành"):
        assert hidden not in published
    assert appeal["alias"] in published
    assert '"province_code":"38"' in published

    staff = await fund.client.get(f"/v1/appeals/{appeal['id']}", headers=fund.worker)
    assert staff.json()["review_comment"] == "Đồng ý đăng"
    admin = bearer(make_token, "fund_admin", sub="admin@quy")
    as_admin = await fund.client.get(f"/v1/appeals/{appeal['id']}", headers=admin)
    assert as_admin.json()["review_comment"] is None  # may name the child: PII roles only
    async with fund.registry.runtime.engine.connect() as conn:
        stored = str((await conn.execute(text("SELECT * FROM appeals"))).all())
    assert "Đồng ý đăng" not in stored  # the review comment is encrypted at rest


async def test_a_child_of_a_sensitive_group_never_gets_an_appeal(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    child_id = await fund.child(groups=["a", "l"])
    await fund.consent(child_id, "guardian", "child")
    case_id = await fund.case(child_id, groups=["a"])  # the child's groups count too

    refused = await fund.draft(case_id)

    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "không được đưa lên bài kêu gọi công khai" in refused.json()["detail"]
    other = await fund.child(full_name="Trần Thị Mai", national_id=None, groups=["d"])
    await fund.consent(other, "guardian", "child")
    case_hiv = await fund.case(other, groups=["d", "đ"])
    assert (await fund.draft(case_hiv)).status_code == 422
    async with fund.registry.runtime.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM appeals"))).scalar_one() == 0


async def test_a_story_with_personal_data_is_refused_without_echoing_it(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    _, case_id, _ = await fund.ready_case()

    stories = {
        "Em Khánh học giỏi.": "họ tên của trẻ",
        "Em học ở Điện Biên.": "tên trường học",
        "Liên hệ bà 0912 000 111.": "số điện thoại",
        "Nhà em ở thôn Đồng Tâm.": "địa chỉ",
        "Mã định danh 038 216 004 321.": "số định danh",
        "Mẹ Hồng làm thuê.": "tên người giám hộ",
        "Nhà em ở Hạc Thành.": "địa chỉ",
    }
    for story, kind in stories.items():
        refused = await fund.draft(case_id, story=story)
        assert refused.status_code == 422, story
        problem = refused.json()
        assert kind in problem["detail"], (story, problem["detail"])
        assert problem["errors"][0]["field"] == "story"
        for secret in (*SECRETS, "0912 000 111", "Đồng Tâm", "Hồng", "Hạc Thành"):
            assert secret not in refused.text, (story, secret)

    assert (await fund.draft(case_id, story=CLEAN_STORY)).status_code == 201


async def test_without_the_public_appeal_consent_of_guardian_and_child_there_is_no_appeal(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    child_id = await fund.child()
    case_id = await fund.case(child_id)

    nobody = await fund.draft(case_id)
    assert nobody.status_code == 422
    assert "người giám hộ" in nobody.json()["detail"]

    await fund.consent(child_id, "guardian")
    guardian_only = await fund.draft(case_id)  # the child is 10: the child consents too
    assert guardian_only.status_code == 422
    assert "trẻ (từ đủ 7 tuổi)" in guardian_only.json()["detail"]

    await fund.consent(child_id, "child")
    assert (await fund.draft(case_id)).status_code == 201
    assert (await fund.draft(case_id)).status_code == 409  # one live appeal per case


async def test_nobody_approves_their_own_appeal_and_only_supervisors_approve(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    _, case_id, _ = await fund.ready_case()
    draft = await fund.draft(case_id, headers=fund.supervisor)
    assert draft.status_code == 201
    appeal_url = f"/v1/appeals/{draft.json()['id']}"

    own = await fund.client.post(f"{appeal_url}/approve", headers=fund.supervisor)
    assert own.status_code == 403
    assert "tự duyệt" in own.json()["detail"]
    by_worker = await fund.client.post(f"{appeal_url}/approve", headers=fund.worker)
    assert by_worker.status_code == 403
    assert (await fund.client.get("/v1/public/appeals")).json()["total"] == 0

    rejected = await fund.client.post(
        f"{appeal_url}/reject",
        json={"comment": "Viết lại câu chuyện"},
        headers=fund.other_supervisor,
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    again = await fund.client.post(f"{appeal_url}/approve", headers=fund.other_supervisor)
    assert again.status_code == 409


async def test_appeals_outside_the_caller_s_communes_are_invisible_and_untouchable(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    appeal_id, _, _ = await fund.published()
    outsider = bearer(make_token, "case_worker", [QUANG_PHU], sub="worker@quang-phu")
    outside_supervisor = bearer(make_token, "supervisor", [QUANG_PHU], sub="supervisor@quang-phu")

    read = await fund.client.get(f"/v1/appeals/{appeal_id}", headers=outsider)
    assert read.status_code == 404
    listed = await fund.client.get("/v1/appeals", headers=outsider)
    assert listed.json()["total"] == 0
    withdraw = await fund.client.post(
        f"/v1/appeals/{appeal_id}/withdraw", headers=outside_supervisor
    )
    assert withdraw.status_code == 404
    staff_case = (await fund.client.get("/v1/appeals", headers=fund.worker)).json()["items"][0]
    draft = await fund.draft(staff_case["case_id"], headers=outsider)
    assert draft.status_code == 404
    accountant = bearer(make_token, "accountant", sub="ke-toan@quy")
    assert (await fund.client.get("/v1/appeals", headers=accountant)).status_code == 403
    assert (await fund.client.get("/v1/appeals")).status_code == 401
    auditor = bearer(make_token, "auditor", sub="kiem-toan@quy")
    assert (await fund.client.get("/v1/appeals", headers=auditor)).json()["total"] == 1


async def test_withdrawing_the_consent_takes_the_appeal_off_the_portal_in_the_same_transaction(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    appeal_id, _, consents = await fund.published()
    assert (await fund.client.get("/v1/public/appeals")).json()["total"] == 1

    withdrawn = await fund.client.post(f"/v1/consents/{consents[1]}/withdraw", headers=fund.worker)

    assert withdrawn.status_code == 200
    assert (await fund.client.get("/v1/public/appeals")).json() == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
    }
    staff = (await fund.client.get(f"/v1/appeals/{appeal_id}", headers=fund.worker)).json()
    assert staff["status"] == "withdrawn"
    assert staff["withdraw_reason"] == "consent_withdrawn"
    events = await fund.outbox()
    types = [t for t, _ in events]
    assert types[-2:] == ["consent.withdrawn", "appeal.withdrawn"]
    assert '"reason":"consent_withdrawn"' in events[-1][1]
    assert appeal_id in events[-1][1]


async def test_a_supervisor_withdraws_an_appeal_and_the_withdrawal_is_announced(
    services: ServiceHarness, make_token: Tokens
) -> None:
    fund = await _fund(services, make_token)
    appeal_id, _, _ = await fund.published()

    by_worker = await fund.client.post(f"/v1/appeals/{appeal_id}/withdraw", headers=fund.worker)
    assert by_worker.status_code == 403
    done = await fund.client.post(f"/v1/appeals/{appeal_id}/withdraw", headers=fund.supervisor)

    assert done.status_code == 200
    assert done.json()["status"] == "withdrawn"
    assert (await fund.client.get("/v1/public/appeals")).json()["total"] == 0
    twice = await fund.client.post(f"/v1/appeals/{appeal_id}/withdraw", headers=fund.supervisor)
    assert twice.status_code == 409
    events = await fund.outbox()
    assert events[-1][0] == "appeal.withdrawn"
    assert '"reason":"supervisor"' in events[-1][1]
