"""Disbursement requests: the approval state machine, the mapping of registry support plans to
requests, and the accounts they are paid from."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from baotro_donations.domain.disbursements import (
    Disbursement,
    DisbursementRefusedError,
    DisbursementStatus,
    PlannedItem,
    PlannedSupport,
    check_groups,
    paid_from_account,
    purpose_of_support,
    requests_for_plan,
    restriction_of_support,
)
from baotro_donations.domain.ledger import Ledger, record_disbursement, record_donation
from baotro_donations.domain.ledger_accounts import (
    BankAccount,
    Fund,
    FundLevel,
    InsufficientBalanceError,
    LedgerRefusedError,
    Purpose,
    Restriction,
    RestrictionKind,
)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CASE = uuid.UUID("6f1c2a4e-0000-4000-8000-000000000001")
FUND = Fund(
    "TH",
    "Quỹ Bảo trợ trẻ em tỉnh Thanh Hóa",
    FundLevel.PROVINCE,
    (
        BankAccount("KBNN", "Kho bạc Nhà nước tỉnh Thanh Hóa", "3751.0.111.4523"),
        BankAccount("AGRIBANK", "Agribank chi nhánh Thanh Hóa", "3500.431.101.000.909"),
    ),
)


def _request(**changes: Any) -> Disbursement:
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "fund_code": "TH",
        "amount": 2_000_000,
        "purpose": Purpose.SCHOLARSHIP,
        "restriction": None,
        "paid_from": "CASH",
        "planned_on": date(2026, 12, 1),
        "public_description": "Học bổng cho 2 trẻ mồ côi xã Hạc Thành",
        "requested_by": "ke-toan@quy",
        "requested_at": NOW,
        "groups": ("a",),
        "beneficiaries": 2,
    }
    return Disbursement(**{**fields, **changes})


def _plan(*items: tuple[str, int, str], version: int = 1) -> PlannedSupport:
    return PlannedSupport(
        case_id=CASE,
        plan_id=uuid.uuid5(CASE, f"plan-{version}"),
        version_number=version,
        commune_code="14797",
        groups=("d",),
        items=tuple(PlannedItem(kind, amount, source) for kind, amount, source in items),
        planned_on=date(2026, 11, 26),
    )


def _from_plan(
    plan: PlannedSupport, paid_before: dict[tuple[str, str], int] | None = None
) -> list[Disbursement]:
    return requests_for_plan(
        plan,
        fund_code="TH",
        paid_from="AGRIBANK",
        paid_before=paid_before or {},
        requested_by="service:donations",
        at=NOW,
    )


# --- the state machine -------------------------------------------------------------------


def test_a_second_person_approves_and_the_request_is_paid() -> None:
    request = _request()
    entry = uuid.uuid4()

    request.mark_paid(approver="giam-doc@quy", entry_id=entry, paid_on=date(2026, 11, 26), at=NOW)

    assert request.status is DisbursementStatus.PAID
    assert (request.decided_by, request.entry_id) == ("giam-doc@quy", entry)
    assert request.paid_on == date(2026, 11, 26)


def test_the_requester_cannot_approve_their_own_request() -> None:
    request = _request()

    with pytest.raises(DisbursementRefusedError) as refused:
        request.check_approver("ke-toan@quy")

    assert refused.value.status == 403
    assert "không được tự phê duyệt" in refused.value.message
    assert request.pending


def test_whoever_amended_the_request_cannot_approve_it_either() -> None:
    request = _request(requested_by="service:donations")
    request.amend(by="ke-toan-2@quy", paid_from="AGRIBANK")

    with pytest.raises(DisbursementRefusedError, match="không được tự phê duyệt"):
        request.check_approver("ke-toan-2@quy")
    request.check_approver("giam-doc@quy")


DECISIONS: dict[str, Callable[[Disbursement], None]] = {
    "approve": lambda r: r.check_approver("pho-giam-doc@quy"),
    "reject": lambda r: r.reject(by="pho-giam-doc@quy", reason="lại", at=NOW),
    "cancel": lambda r: r.cancel(by="ke-toan@quy", reason="lại", at=NOW),
    "amend": lambda r: r.amend(by="ke-toan@quy", amount=1_000_000),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
def test_a_decided_request_cannot_be_decided_or_amended_again(decision: str) -> None:
    request = _request()
    request.reject(by="giam-doc@quy", reason="Trùng với đề nghị khác", at=NOW)

    with pytest.raises(DisbursementRefusedError) as refused:
        DECISIONS[decision](request)

    assert refused.value.status == 409
    assert "đã bị từ chối" in refused.value.message
    assert request.status is DisbursementStatus.REJECTED
    assert request.decision_note == "Trùng với đề nghị khác"


def test_a_rejection_needs_a_reason() -> None:
    request = _request()

    with pytest.raises(DisbursementRefusedError, match="lý do"):
        request.reject(by="giam-doc@quy", reason="  ", at=NOW)
    assert request.pending


def test_a_refused_amendment_changes_nothing() -> None:
    request = _request()

    with pytest.raises(DisbursementRefusedError, match="không được chứa số"):
        request.amend(by="ke-toan-2@quy", amount=1_000_000, public_description="SĐT 0912345678")

    assert (request.amount, request.amended_by) == (2_000_000, None)


def test_only_the_requester_cancels_a_staff_request() -> None:
    request = _request()

    with pytest.raises(DisbursementRefusedError) as refused:
        request.cancel(by="ke-toan-khac@quy", reason="Không cần nữa", at=NOW)
    assert refused.value.status == 403

    request.cancel(by="ke-toan@quy", reason="Không cần nữa", at=NOW)
    assert request.status is DisbursementStatus.CANCELLED


def test_amending_a_plan_request_keeps_the_amount_within_the_plan() -> None:
    (request,) = _from_plan(_plan(("surgery", 10_000_000, "appeal")))

    with pytest.raises(DisbursementRefusedError) as refused:
        request.amend(by="ke-toan@quy", amount=10_000_001)
    assert refused.value.status == 422
    assert "10.000.000 đồng" in refused.value.message

    request.amend(
        by="ke-toan@quy",
        amount=8_000_000,
        restriction=Restriction(RestrictionKind.APPEAL, "A-12"),
        planned_on=date(2026, 12, 15),
    )
    assert (request.amount, request.planned_on) == (8_000_000, date(2026, 12, 15))
    assert request.restriction == Restriction(RestrictionKind.APPEAL, "A-12")
    request.amend(by="ke-toan@quy", restriction=None)
    assert request.restriction is None
    assert request.amount == 8_000_000


@pytest.mark.parametrize(
    "text",
    ["Hỗ trợ em, gọi 0912 345 678", "Chuyển vào TK 3500431101000909", "CCCD 038206001234"],
)
def test_public_descriptions_carry_no_phone_id_or_account_numbers(text: str) -> None:
    with pytest.raises(DisbursementRefusedError, match="không được chứa số"):
        _request(public_description=text)


def test_group_codes_are_the_law_s_and_come_back_in_its_order() -> None:
    assert check_groups(["n", "Đ", "a", "dd"]) == ("a", "đ", "n")
    with pytest.raises(DisbursementRefusedError, match="Mã nhóm trẻ không hợp lệ: z"):
        check_groups(["a", "z"])


def test_amounts_are_whole_positive_dong() -> None:
    with pytest.raises(LedgerRefusedError, match="lớn hơn 0"):
        _request(amount=0)


# --- accounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paid_from", "account"),
    [("CASH", "111"), ("IN_KIND", "152"), ("AGRIBANK", "112.AGRIBANK"), ("KBNN", "112.KBNN")],
)
def test_paid_from_names_a_ledger_account(paid_from: str, account: str) -> None:
    assert paid_from_account(FUND, paid_from) == account


def test_an_account_the_fund_does_not_have_is_refused() -> None:
    with pytest.raises(DisbursementRefusedError) as refused:
        paid_from_account(FUND, "VIETCOMBANK")
    assert refused.value.status == 422
    assert "KBNN, AGRIBANK, CASH" in refused.value.message


# --- support plans ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "purpose"),
    [
        ("tuition", Purpose.SCHOLARSHIP),
        ("scholarship", Purpose.SCHOLARSHIP),
        ("school_supplies", Purpose.SCHOOL_SUPPLIES),
        ("health_insurance", Purpose.MEDICAL),
        ("surgery", Purpose.MEDICAL),
        ("nutrition", Purpose.NUTRITION),
        ("tet_gift", Purpose.GIFTS),
        ("cash_support", Purpose.LIVING_COSTS),
        ("other", Purpose.OTHER),
        ("something_new", Purpose.OTHER),
    ],
)
def test_support_kinds_map_to_purposes(kind: str, purpose: Purpose) -> None:
    assert purpose_of_support(kind) is purpose


def test_fund_money_is_unrestricted_and_appeal_or_sponsorship_money_is_the_case_s() -> None:
    case_money = Restriction(RestrictionKind.CASE, str(CASE))
    assert restriction_of_support("fund", CASE) is None
    assert restriction_of_support("appeal", CASE) == case_money
    assert restriction_of_support("sponsorship", CASE) == case_money


def test_a_plan_asks_only_for_what_the_fund_pays() -> None:
    plan = _plan(
        ("tuition", 3_000_000, "fund"),
        ("health_insurance", 800_000, "state_budget"),
        ("surgery", 20_000_000, "appeal"),
        ("nutrition", 1_200_000, "other"),
        ("cash_support", 500_000, "sponsorship"),
        ("tet_gift", 0, "fund"),
    )

    requests = _from_plan(plan)

    assert [(r.purpose, r.amount, r.plan.item_index if r.plan else None) for r in requests] == [
        (Purpose.SCHOLARSHIP, 3_000_000, 0),
        (Purpose.MEDICAL, 20_000_000, 2),
        (Purpose.LIVING_COSTS, 500_000, 4),
    ]
    case_money = Restriction(RestrictionKind.CASE, str(CASE))
    assert [r.restriction for r in requests] == [None, case_money, case_money]
    assert not any(r.allow_unrestricted for r in requests)
    for r in requests:
        assert r.status is DisbursementStatus.PENDING_APPROVAL
        assert (r.case_id, r.commune_code, r.groups) == (CASE, "14797", ("d",))
        assert (r.paid_from, r.requested_by) == ("AGRIBANK", "service:donations")
        assert r.plan is not None
        assert r.plan.planned_amount == r.amount
        assert "theo kế hoạch hỗ trợ" in r.public_description


def test_the_same_plan_gives_the_same_request_ids() -> None:
    plan = _plan(("tuition", 3_000_000, "fund"), ("surgery", 20_000_000, "appeal"))

    assert [r.id for r in _from_plan(plan)] == [r.id for r in _from_plan(plan)]


def test_a_revised_plan_does_not_pay_again_what_an_older_version_paid() -> None:
    plan = _plan(
        ("tuition", 3_000_000, "fund"),
        ("tuition", 1_000_000, "fund"),
        ("surgery", 20_000_000, "appeal"),
        version=2,
    )

    requests = _from_plan(plan, {("tuition", "fund"): 3_500_000, ("surgery", "fund"): 9_000_000})

    assert [(r.plan.item_index if r.plan else None, r.amount) for r in requests] == [
        (1, 500_000),
        (2, 20_000_000),
    ]


def test_a_plan_request_for_case_money_is_paid_only_from_that_case_s_money() -> None:
    (request,) = _from_plan(_plan(("surgery", 5_000_000, "appeal")))
    ledger = Ledger.open([FUND])
    for restriction, amount in ((request.restriction, 3_000_000), (None, 4_000_000)):
        ledger = ledger.post(
            record_donation(
                ledger,
                fund="TH",
                amount=amount,
                asset_account="112.AGRIBANK",
                restriction=restriction,
                date=date(2026, 11, 20),
            )
        )

    def pay() -> None:
        record_disbursement(
            ledger,
            fund="TH",
            amount=request.amount,
            purpose=request.purpose,
            restriction=request.restriction,
            paid_from=paid_from_account(FUND, request.paid_from),
            date=date(2026, 11, 26),
            allow_unrestricted=request.allow_unrestricted,
        )

    with pytest.raises(InsufficientBalanceError) as refused:
        pay()
    assert (refused.value.required, refused.value.available) == (5_000_000, 3_000_000)

    request.amend(by="ke-toan@quy", allow_unrestricted=True)
    pay()
