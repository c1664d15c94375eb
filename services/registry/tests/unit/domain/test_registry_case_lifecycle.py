"""The case state machine: legal and illegal transitions, versioned plans, no self-approval."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from baotro_registry.domain.case import (
    Case,
    CaseConflictError,
    CaseForbiddenError,
    CaseRejectedError,
    CaseStage,
    CaseStatus,
    open_case,
)
from baotro_registry.domain.case_approval import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    ClosureReason,
    ensure_none_pending,
    request_approval,
)
from baotro_registry.domain.case_plan import (
    ItemDraft,
    PlanStatus,
    SupportKind,
    new_plan_version,
)
from baotro_registry.domain.case_work import RiskLevel, new_assessment, record_delivery
from baotro_registry.domain.communes import CommuneDirectory, commune_directory

HAC_THANH = "14797"
QUANG_PHU = "16522"
NOW = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
TODAY = date(2025, 9, 1)
TUITION = ItemDraft(kind="tuition", amount=1_500_000, funding_source="fund")


@pytest.fixture(scope="module")
def directory() -> CommuneDirectory:
    return commune_directory("38")


@pytest.fixture
def case(directory: CommuneDirectory) -> Case:
    return open_case(
        commune_code=HAC_THANH, groups=["a"], directory=directory, opened_by="cb-01", now=NOW
    )


def _in_services(case: Case) -> Case:
    case.record_assessment(NOW)
    case.start_plan_version(NOW)
    case.approve_plan(NOW)
    return case


# -- stages ---------------------------------------------------------------------------------
def test_first_assessment_moves_a_new_case_to_assessment(case: Case) -> None:
    change = case.record_assessment(NOW)

    assert change is not None
    assert (change.from_stage, change.to_stage) == (CaseStage.NEW, CaseStage.ASSESSMENT)
    assert change.status is CaseStatus.OPEN
    assert change.commune_code == HAC_THANH
    assert case.stage is CaseStage.ASSESSMENT


def test_later_assessments_do_not_change_the_stage(case: Case) -> None:
    _in_services(case)

    assert case.record_assessment(NOW + timedelta(days=30)) is None
    assert case.stage is CaseStage.SERVICES


def test_the_full_path_new_assessment_plan_services_closed(case: Case) -> None:
    stages = [
        c.to_stage
        for c in (
            case.record_assessment(NOW),
            case.start_plan_version(NOW),
            case.approve_plan(NOW),
            case.close(NOW),
        )
        if c is not None
    ]

    assert stages == [
        CaseStage.ASSESSMENT,
        CaseStage.CASE_PLAN,
        CaseStage.SERVICES,
        CaseStage.CLOSED,
    ]
    assert case.status is CaseStatus.CLOSED
    assert case.closed_at == NOW


def test_a_plan_needs_an_assessment_first(case: Case) -> None:
    with pytest.raises(CaseConflictError, match="chưa được đánh giá"):
        case.start_plan_version(NOW)


def test_revising_the_plan_during_services_keeps_the_stage(case: Case) -> None:
    _in_services(case)

    assert case.start_plan_version(NOW) is None
    assert case.approve_plan(NOW) is None
    assert case.stage is CaseStage.SERVICES


def test_a_plan_cannot_be_approved_on_a_reopened_case(case: Case) -> None:
    _in_services(case)
    case.close(NOW)
    case.reopen(NOW)

    with pytest.raises(CaseConflictError, match="mở lại"):
        case.approve_plan(NOW)


def test_reopening_a_closed_case(case: Case) -> None:
    _in_services(case)
    case.close(NOW)

    change = case.reopen(NOW + timedelta(days=1))

    assert (change.from_stage, change.to_stage) == (CaseStage.CLOSED, CaseStage.REOPENED)
    assert change.status is CaseStatus.OPEN
    assert case.status is CaseStatus.OPEN
    assert case.closed_at is None
    assert case.record_assessment(NOW) is not None
    assert case.stage is CaseStage.ASSESSMENT


def test_an_open_case_cannot_be_reopened(case: Case) -> None:
    with pytest.raises(CaseConflictError, match="đang mở"):
        case.reopen(NOW)


@pytest.mark.parametrize(
    "step",
    [
        lambda c: c.record_assessment(NOW),
        lambda c: c.start_plan_version(NOW),
        lambda c: c.approve_plan(NOW),
        lambda c: c.close(NOW),
        lambda c: c.ensure_can_deliver(),
    ],
)
def test_a_closed_case_refuses_every_step_but_reopening(case: Case, step: object) -> None:
    _in_services(case)
    case.close(NOW)

    with pytest.raises(CaseConflictError, match="hồ sơ đã đóng"):
        step(case)  # type: ignore[operator]


def test_delivering_support_needs_an_approved_plan(case: Case) -> None:
    case.record_assessment(NOW)

    with pytest.raises(CaseConflictError, match="kế hoạch hỗ trợ đã được"):
        case.ensure_can_deliver()


# -- transfers ------------------------------------------------------------------------------
def test_transfer_changes_the_commune_and_keeps_stage_and_status(
    case: Case, directory: CommuneDirectory
) -> None:
    case.record_assessment(NOW)

    change = case.transfer(QUANG_PHU, directory, NOW)

    assert change.from_stage is change.to_stage is CaseStage.ASSESSMENT
    assert change.commune_code == QUANG_PHU
    assert change.status is CaseStatus.OPEN
    assert case.commune_code == QUANG_PHU


@pytest.mark.parametrize("target", [HAC_THANH, "00001"])
def test_transfer_to_the_same_or_an_unknown_commune_is_refused(
    case: Case, directory: CommuneDirectory, target: str
) -> None:
    with pytest.raises(CaseRejectedError) as excinfo:
        case.transfer(target, directory, NOW)
    assert excinfo.value.field == "to_commune_code"
    assert case.commune_code == HAC_THANH


def test_a_closed_case_cannot_be_transferred(case: Case, directory: CommuneDirectory) -> None:
    case.close(NOW)
    with pytest.raises(CaseConflictError):
        case.transfer(QUANG_PHU, directory, NOW)


# -- plan versions --------------------------------------------------------------------------
def test_plan_versions_count_up_and_older_versions_are_untouched(case: Case) -> None:
    first = new_plan_version(
        case_id=case.id, latest=None, items=[TUITION], created_by="cb-01", now=NOW
    )
    first.submit(latest_version=1)
    first.approve(NOW)

    second = new_plan_version(
        case_id=case.id,
        latest=first,
        items=[TUITION, ItemDraft(kind="surgery", amount=30_000_000, funding_source="appeal")],
        created_by="cb-01",
        now=NOW,
    )

    assert (first.version, second.version) == (1, 2)
    assert first.status is PlanStatus.APPROVED
    assert second.status is PlanStatus.DRAFT
    assert second.total_amount == 31_500_000
    assert [i.kind for i in second.items] == [SupportKind.TUITION, SupportKind.SURGERY]
    assert first.supersede().status is PlanStatus.SUPERSEDED


def test_no_new_version_while_one_awaits_the_supervisor(case: Case) -> None:
    plan = new_plan_version(case_id=case.id, latest=None, items=[TUITION], created_by="a", now=NOW)
    plan.submit(latest_version=1)

    with pytest.raises(CaseConflictError, match="đang chờ"):
        new_plan_version(case_id=case.id, latest=plan, items=[TUITION], created_by="a", now=NOW)


def test_only_the_newest_draft_can_be_submitted(case: Case) -> None:
    plan = new_plan_version(case_id=case.id, latest=None, items=[TUITION], created_by="a", now=NOW)

    with pytest.raises(CaseConflictError, match="không phải phiên bản mới nhất"):
        plan.submit(latest_version=2)
    plan.submit(latest_version=1)
    with pytest.raises(CaseConflictError, match="bản nháp"):
        plan.submit(latest_version=1)


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (ItemDraft(kind="bicycle", amount=1, funding_source="fund"), "items.0.kind"),
        (ItemDraft(kind="tuition", amount=-1, funding_source="fund"), "items.0.amount"),
        (ItemDraft(kind="tuition", amount=1, funding_source="lottery"), "items.0.funding_source"),
    ],
)
def test_invalid_plan_items_are_refused_by_field(case: Case, item: ItemDraft, field: str) -> None:
    with pytest.raises(CaseRejectedError) as excinfo:
        new_plan_version(case_id=case.id, latest=None, items=[item], created_by="a", now=NOW)
    assert excinfo.value.field == field


def test_an_empty_plan_is_refused(case: Case) -> None:
    with pytest.raises(CaseRejectedError, match="ít nhất một"):
        new_plan_version(case_id=case.id, latest=None, items=[], created_by="a", now=NOW)


# -- approvals ------------------------------------------------------------------------------
def _closure(case: Case, by: str = "cb-01") -> Approval:
    return request_approval(
        case_id=case.id,
        kind=ApprovalKind.CLOSURE,
        requested_by=by,
        now=NOW,
        reason_code="goals_met",
    )


def test_the_requester_cannot_approve_their_own_request(case: Case) -> None:
    approval = request_approval(
        case_id=case.id, kind=ApprovalKind.CASE_PLAN, requested_by="gs-01", now=NOW
    )

    with pytest.raises(CaseForbiddenError, match="tự duyệt"):
        approval.decide(approve=True, by="gs-01", now=NOW, comment=None)
    assert approval.status is ApprovalStatus.REQUESTED


def test_the_author_of_the_plan_cannot_approve_it_either(case: Case) -> None:
    approval = request_approval(
        case_id=case.id, kind=ApprovalKind.CASE_PLAN, requested_by="gs-02", now=NOW
    )

    with pytest.raises(CaseForbiddenError):
        approval.decide(approve=True, by="gs-01", now=NOW, comment=None, authors={"gs-01"})


def test_another_supervisor_approves_once(case: Case) -> None:
    approval = _closure(case)

    approval.decide(approve=True, by="gs-01", now=NOW, comment="Đồng ý")

    assert approval.status is ApprovalStatus.APPROVED
    assert approval.decided_by == "gs-01"
    with pytest.raises(CaseConflictError, match="đã được quyết định"):
        approval.decide(approve=False, by="gs-02", now=NOW, comment="Không")


def test_a_rejection_needs_a_comment(case: Case) -> None:
    approval = request_approval(
        case_id=case.id, kind=ApprovalKind.CASE_PLAN, requested_by="cb-01", now=NOW
    )

    with pytest.raises(CaseRejectedError, match="lý do"):
        approval.decide(approve=False, by="gs-01", now=NOW, comment="  ")
    approval.decide(approve=False, by="gs-01", now=NOW, comment="Thiếu học phí kỳ 2")
    assert approval.status is ApprovalStatus.REJECTED
    assert approval.decision_comment == "Thiếu học phí kỳ 2"


def test_a_closure_needs_a_known_reason(case: Case) -> None:
    with pytest.raises(CaseRejectedError) as excinfo:
        request_approval(
            case_id=case.id, kind=ApprovalKind.CLOSURE, requested_by="a", now=NOW, reason_code="x"
        )
    assert excinfo.value.field == "reason_code"
    assert _closure(case).reason_code is ClosureReason.GOALS_MET


def test_one_pending_request_of_a_kind_per_case(case: Case) -> None:
    pending = [_closure(case)]

    with pytest.raises(CaseConflictError, match="đang chờ"):
        ensure_none_pending(pending, ApprovalKind.CLOSURE)
    ensure_none_pending(pending, ApprovalKind.CASE_PLAN)


# -- assessments and deliveries -------------------------------------------------------------
def test_assessment_validates_risk_level_and_summary(case: Case) -> None:
    assessment = new_assessment(
        case, risk_level="high", summary="  Gia đình khó khăn  ", assessed_by="cb", now=NOW
    )
    assert assessment.risk_level is RiskLevel.HIGH
    assert assessment.summary == "Gia đình khó khăn"
    with pytest.raises(CaseRejectedError) as excinfo:
        new_assessment(case, risk_level="extreme", summary="x", assessed_by="cb", now=NOW)
    assert excinfo.value.field == "risk_level"
    with pytest.raises(CaseRejectedError) as excinfo:
        new_assessment(case, risk_level="low", summary="   ", assessed_by="cb", now=NOW)
    assert excinfo.value.field == "summary"


def test_delivery_on_a_case_in_services(case: Case) -> None:
    _in_services(case)
    plan = new_plan_version(case_id=case.id, latest=None, items=[TUITION], created_by="a", now=NOW)

    delivery = record_delivery(
        case,
        kind="tuition",
        amount=1_500_000,
        delivered_on=TODAY,
        today=TODAY,
        plan_item=plan.items[0],
        recorded_by="cb",
        now=NOW,
    )

    assert delivery.plan_item_id == plan.items[0].id
    assert delivery.amount == 1_500_000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"delivered_on": TODAY + timedelta(days=1)}, "delivered_on"),
        ({"kind": "nutrition"}, "kind"),
        ({"kind": "yacht"}, "kind"),
        ({"amount": -5}, "amount"),
    ],
)
def test_invalid_deliveries_are_refused(
    case: Case, overrides: dict[str, object], field: str
) -> None:
    _in_services(case)
    plan = new_plan_version(case_id=case.id, latest=None, items=[TUITION], created_by="a", now=NOW)
    args: dict[str, object] = {
        "kind": "tuition",
        "amount": 100,
        "delivered_on": TODAY,
        "today": TODAY,
        "plan_item": plan.items[0],
        "recorded_by": "cb",
        "now": NOW,
    } | overrides

    with pytest.raises(CaseRejectedError) as excinfo:
        record_delivery(case, **args)  # type: ignore[arg-type]
    assert excinfo.value.field == field


def test_no_delivery_on_a_closed_case(case: Case) -> None:
    _in_services(case)
    case.close(NOW)

    with pytest.raises(CaseConflictError, match="đã đóng"):
        record_delivery(
            case,
            kind="tuition",
            amount=1,
            delivered_on=TODAY,
            today=TODAY,
            plan_item=None,
            recorded_by="cb",
            now=NOW,
        )


def test_case_ids_are_unique(directory: CommuneDirectory) -> None:
    ids = {
        open_case(
            commune_code=HAC_THANH, groups=["a"], directory=directory, opened_by="x", now=NOW
        ).id
        for _ in range(3)
    }
    assert len(ids) == 3
    assert all(isinstance(i, uuid.UUID) for i in ids)
