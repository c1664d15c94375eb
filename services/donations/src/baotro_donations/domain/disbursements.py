"""Disbursements: support paid to a child's case or a group of children, asked for by an
accountant or by an approved support plan, and approved by a second person.

    pending_approval ──approve──▶ paid        posted to the ledger in the same transaction
           │         ──reject───▶ rejected
           │         ──cancel───▶ cancelled   by the requester, or a newer plan version
           └── amend (restriction, paid_from, amount ≤ planned, planned_on) while pending

Pure: no I/O. No personal data of a child ever enters a request: a case id, the commune, legal
group codes, a number of children and a public description.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from baotro_donations.domain.ledger_accounts import (
    CASH,
    IN_KIND,
    Fund,
    LedgerRefusedError,
    Money,
    Purpose,
    Restriction,
    RestrictionKind,
    check_amount,
    format_dong,
)
from baotro_shared.events.contracts.registry import LEGAL_GROUP_CODES


class DisbursementRefusedError(LedgerRefusedError):
    """A refused disbursement operation (HTTP `status`, Vietnamese `message`)."""


class DisbursementStatus(enum.StrEnum):
    PENDING_APPROVAL = "pending_approval"
    PAID = "paid"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


STATUS_NAMES_VI = {
    DisbursementStatus.PENDING_APPROVAL: "chờ phê duyệt",
    DisbursementStatus.PAID: "đã phê duyệt và chi",
    DisbursementStatus.REJECTED: "đã bị từ chối",
    DisbursementStatus.CANCELLED: "đã hủy",
}

CASH_KEY = "CASH"
IN_KIND_KEY = "IN_KIND"
"""Goods received in kind given out (rice, books): paid from account 152."""


PUBLIC_DESCRIPTION_MAX = 300
_LONG_NUMBER = re.compile(r"\d[\d .-]{7,}\d")
"""Nine or more digits, perhaps grouped: a phone, ID or account number."""

SUPPORT_PURPOSES: Mapping[str, Purpose] = {
    "tuition": Purpose.SCHOLARSHIP,
    "scholarship": Purpose.SCHOLARSHIP,
    "school_supplies": Purpose.SCHOOL_SUPPLIES,
    "health_insurance": Purpose.MEDICAL,
    "surgery": Purpose.MEDICAL,
    "nutrition": Purpose.NUTRITION,
    "tet_gift": Purpose.GIFTS,
    "cash_support": Purpose.LIVING_COSTS,
    "other": Purpose.OTHER,
}
"""Kind of a registry support item → what the fund pays for."""

FUND_PAID_SOURCES = frozenset({"fund", "appeal", "sponsorship"})
"""Funding sources paid out of the fund; "state_budget" and "other" are paid by others."""

SUPPORT_DESCRIPTIONS_VI: Mapping[Purpose, str] = {
    Purpose.SCHOLARSHIP: "Hỗ trợ học phí, học bổng",
    Purpose.SCHOOL_SUPPLIES: "Hỗ trợ sách vở, đồ dùng học tập",
    Purpose.MEDICAL: "Hỗ trợ khám chữa bệnh",
    Purpose.NUTRITION: "Hỗ trợ dinh dưỡng",
    Purpose.GIFTS: "Quà Tết",
    Purpose.LIVING_COSTS: "Trợ cấp sinh hoạt",
    Purpose.OTHER: "Hỗ trợ khác",
}


def paid_from_account(fund: Fund, paid_from: str) -> str:
    """The ledger account of `paid_from`: "CASH" → 111, "IN_KIND" → 152, a bank key such as
    "AGRIBANK" → 112.AGRIBANK; refused when the fund has no such account."""
    if paid_from == CASH_KEY:
        return CASH.code
    if paid_from == IN_KIND_KEY:
        return IN_KIND.code
    keys = [bank.key for bank in fund.bank_accounts]
    if paid_from not in keys:
        allowed = ", ".join([*keys, CASH_KEY, IN_KIND_KEY])
        raise DisbursementRefusedError(
            422,
            f"Quỹ {fund.code} không có tài khoản chi «{paid_from}» (chọn một trong: {allowed}).",
            field="paid_from",
        )
    return f"112.{paid_from}"


def purpose_of_support(kind: str) -> Purpose:
    """What a support item of `kind` pays for (an unknown kind counts as "other")."""
    return SUPPORT_PURPOSES.get(kind, Purpose.OTHER)


def restriction_of_support(funding_source: str, case_id: uuid.UUID) -> Restriction | None:
    """Money of an appeal or a sponsorship is the case's (restricted); "fund" is unrestricted."""
    if funding_source == "fund":
        return None
    return Restriction(RestrictionKind.CASE, str(case_id))


def check_groups(raw: Iterable[str]) -> tuple[str, ...]:
    """Canonical legal group codes in the law's order ("Đ" and "dd" mean "đ")."""
    codes = ["đ" if g.strip().lower() == "dd" else g.strip().lower() for g in raw]
    unknown = [c for c in codes if c not in LEGAL_GROUP_CODES]
    if unknown:
        raise DisbursementRefusedError(
            422,
            f"Mã nhóm trẻ không hợp lệ: {', '.join(unknown)} (theo Điều 10 Luật Trẻ em 2016: "
            f"{', '.join(LEGAL_GROUP_CODES)}).",
            field="groups",
        )
    return tuple(sorted(set(codes), key=LEGAL_GROUP_CODES.index))


def check_public_description(text: str) -> str:
    """A short public wording without phone, ID or account numbers (names are the writer's
    duty: the public statement shows this text)."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise DisbursementRefusedError(
            422, "Phải ghi nội dung chi công khai.", field="public_description"
        )
    if len(cleaned) > PUBLIC_DESCRIPTION_MAX:
        raise DisbursementRefusedError(
            422,
            f"Nội dung chi công khai tối đa {PUBLIC_DESCRIPTION_MAX} ký tự.",
            field="public_description",
        )
    if _LONG_NUMBER.search(cleaned):
        raise DisbursementRefusedError(
            422,
            "Nội dung chi công khai không được chứa số điện thoại, số định danh hay số tài khoản.",
            field="public_description",
        )
    return cleaned


@dataclass(frozen=True)
class PlanLink:
    """The registry support plan item a request carries out."""

    plan_id: uuid.UUID
    version_number: int
    item_index: int
    support_kind: str
    funding_source: str
    planned_amount: Money


class Keep(enum.Enum):
    """Marks an amendment field left as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass
class Disbursement:
    """A request to pay `amount` for `purpose` from the `restriction`'s pot in `paid_from`."""

    id: uuid.UUID
    fund_code: str
    amount: Money
    purpose: Purpose
    restriction: Restriction | None
    paid_from: str
    planned_on: date
    public_description: str
    requested_by: str
    requested_at: datetime
    allow_unrestricted: bool = False
    case_id: uuid.UUID | None = None
    commune_code: str | None = None
    groups: tuple[str, ...] = ()
    beneficiaries: int | None = None
    plan: PlanLink | None = None
    status: DisbursementStatus = DisbursementStatus.PENDING_APPROVAL
    amended_by: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    entry_id: uuid.UUID | None = None
    paid_on: date | None = None

    def __post_init__(self) -> None:
        check_amount(self.amount)
        self.public_description = check_public_description(self.public_description)
        self.groups = check_groups(self.groups)
        if self.beneficiaries is not None and self.beneficiaries < 1:
            raise DisbursementRefusedError(
                422, "Số trẻ được hỗ trợ phải từ 1 trở lên.", field="beneficiaries"
            )
        if self.plan is not None and self.amount > self.plan.planned_amount:
            raise self._over_plan()

    @property
    def pending(self) -> bool:
        return self.status is DisbursementStatus.PENDING_APPROVAL

    def amend(
        self,
        *,
        by: str,
        restriction: Restriction | Keep | None = KEEP,
        allow_unrestricted: bool | Keep = KEEP,
        paid_from: str | Keep = KEEP,
        amount: Money | Keep = KEEP,
        planned_on: date | Keep = KEEP,
        public_description: str | Keep = KEEP,
    ) -> None:
        """Change what will be paid, while the request waits for approval (all or nothing)."""
        self._ensure_pending("sửa")
        if not isinstance(amount, Keep):
            check_amount(amount)
            if self.plan is not None and amount > self.plan.planned_amount:
                raise self._over_plan(amount)
        if not isinstance(public_description, Keep):
            public_description = check_public_description(public_description)
        if not isinstance(amount, Keep):
            self.amount = amount
        if not isinstance(restriction, Keep):
            self.restriction = restriction
        if not isinstance(allow_unrestricted, Keep):
            self.allow_unrestricted = allow_unrestricted
        if not isinstance(paid_from, Keep):
            self.paid_from = paid_from
        if not isinstance(planned_on, Keep):
            self.planned_on = planned_on
        if not isinstance(public_description, Keep):
            self.public_description = public_description
        self.amended_by = by

    def check_approver(self, approver: str) -> None:
        """A second person approves: never the requester, nor whoever last amended it."""
        self._ensure_pending("phê duyệt")
        if approver in (self.requested_by, self.amended_by):
            raise DisbursementRefusedError(
                403,
                "Người lập hoặc sửa đề nghị chi không được tự phê duyệt; "
                "cần một quản trị quỹ khác phê duyệt.",
            )

    def mark_paid(self, *, approver: str, entry_id: uuid.UUID, paid_on: date, at: datetime) -> None:
        """Approved and posted as ledger entry `entry_id`."""
        self.check_approver(approver)
        self.status = DisbursementStatus.PAID
        self.decided_by, self.decided_at = approver, at
        self.entry_id, self.paid_on = entry_id, paid_on

    def reject(self, *, by: str, reason: str, at: datetime) -> None:
        self._ensure_pending("từ chối")
        self.decision_note = _reason(reason)
        self.status = DisbursementStatus.REJECTED
        self.decided_by, self.decided_at = by, at

    def cancel(self, *, by: str, reason: str, at: datetime, on_behalf: bool = False) -> None:
        """Withdrawn by its requester (or, `on_behalf`, by the service for a newer plan)."""
        self._ensure_pending("hủy")
        if (
            not on_behalf
            and not self.requested_by.startswith("service:")
            and (by != self.requested_by)
        ):
            raise DisbursementRefusedError(403, "Chỉ người lập đề nghị chi mới được hủy đề nghị.")
        self.decision_note = _reason(reason)
        self.status = DisbursementStatus.CANCELLED
        self.decided_by, self.decided_at = by, at

    def _ensure_pending(self, action: str) -> None:
        if not self.pending:
            raise DisbursementRefusedError(
                409,
                f"Không thể {action}: đề nghị chi này {STATUS_NAMES_VI[self.status]}.",
                field="status",
            )

    def _over_plan(self, amount: Money | None = None) -> DisbursementRefusedError:
        planned = self.plan.planned_amount if self.plan else 0
        return DisbursementRefusedError(
            422,
            f"Số tiền chi {format_dong(amount or self.amount)} vượt mức kế hoạch hỗ trợ đã "
            f"duyệt ({format_dong(planned)}).",
            field="amount",
        )


def _reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise DisbursementRefusedError(422, "Phải ghi lý do.", field="reason")
    return cleaned[:400]


@dataclass(frozen=True)
class PlannedItem:
    kind: str
    amount: Money
    funding_source: str


@dataclass(frozen=True)
class PlannedSupport:
    """An approved support plan version of a case (the registry's `support.planned`)."""

    case_id: uuid.UUID
    plan_id: uuid.UUID
    version_number: int
    commune_code: str
    groups: tuple[str, ...]
    items: tuple[PlannedItem, ...]
    planned_on: date


PaidBefore = Mapping[tuple[str, str], Money]
"""Paid for a case under older plan versions, by (support kind, funding source)."""


def requests_for_plan(
    plan: PlannedSupport,
    *,
    fund_code: str,
    paid_from: str,
    paid_before: PaidBefore,
    requested_by: str,
    at: datetime,
) -> list[Disbursement]:
    """One pending request per item the fund pays for. What older versions of the case's plan
    already paid for the same kind and source is deducted, so a revised plan never pays twice;
    items with nothing left to pay get no request."""
    left = dict(paid_before)
    requests = []
    for index, item in enumerate(plan.items):
        if item.funding_source not in FUND_PAID_SOURCES or item.amount <= 0:
            continue
        key = (item.kind, item.funding_source)
        already = min(left.get(key, 0), item.amount)
        left[key] = left.get(key, 0) - already
        amount = item.amount - already
        if amount <= 0:
            continue
        purpose = purpose_of_support(item.kind)
        requests.append(
            Disbursement(
                id=uuid.uuid5(plan.plan_id, f"item-{index}"),
                fund_code=fund_code,
                amount=amount,
                purpose=purpose,
                restriction=restriction_of_support(item.funding_source, plan.case_id),
                paid_from=paid_from,
                planned_on=plan.planned_on,
                public_description=(
                    f"{SUPPORT_DESCRIPTIONS_VI.get(purpose, 'Hỗ trợ')} cho trẻ "
                    f"theo kế hoạch hỗ trợ đã duyệt (phiên bản {plan.version_number})"
                ),
                requested_by=requested_by,
                requested_at=at,
                case_id=plan.case_id,
                commune_code=plan.commune_code,
                groups=plan.groups,
                beneficiaries=1,
                plan=PlanLink(
                    plan_id=plan.plan_id,
                    version_number=plan.version_number,
                    item_index=index,
                    support_kind=item.kind,
                    funding_source=item.funding_source,
                    planned_amount=amount,
                ),
            )
        )
    return requests
