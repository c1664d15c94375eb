"""API contracts of disbursements: requests, amendments, decisions, and how they read back."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from baotro_donations.domain.disbursements import Disbursement, paid_from_account
from baotro_donations.domain.ledger_accounts import (
    Fund,
    LedgerRefusedError,
    Restriction,
    RestrictionKind,
    restriction_key,
    restriction_label,
)
from baotro_donations.entrypoints.money import MAX_DONG
from baotro_shared.events.contracts.donations import DisbursementPurpose, RestrictionKindName

PAID_FROM_PATTERN = r"^[A-Z0-9_]{1,20}$"


class RestrictionIn(BaseModel):
    """Whose earmarked money pays: an appeal, a child's case, a campaign or a sponsorship."""

    model_config = ConfigDict(extra="forbid")

    kind: RestrictionKindName
    id: str = Field(min_length=1, max_length=80, pattern=r"^[^:\s](?:[^:]*[^:\s])?$")

    def domain(self) -> Restriction:
        return Restriction(RestrictionKind(self.kind), self.id)


class DisbursementCreate(BaseModel):
    """Support to pay for a child's case or a group of children (no names: the public
    statement shows `public_description`)."""

    model_config = ConfigDict(extra="forbid")

    fund_code: str | None = Field(None, max_length=16, description="Mặc định: quỹ đầu tiên")
    amount: StrictInt = Field(gt=0, le=MAX_DONG, description="đồng")
    purpose: DisbursementPurpose
    restriction: RestrictionIn | None = Field(
        None, description="Nguồn có hạn chế phải chi; null: quỹ không hạn chế"
    )
    paid_from: str = Field(
        pattern=PAID_FROM_PATTERN,
        description="Khóa tài khoản ngân hàng của quỹ (AGRIBANK, KBNN), CASH hoặc IN_KIND",
        examples=["AGRIBANK"],
    )
    planned_on: date
    case_id: uuid.UUID | None = None
    commune_code: str | None = Field(None, min_length=1, max_length=10)
    groups: list[str] = Field(default_factory=list, max_length=14)
    beneficiaries: int | None = Field(None, ge=1, le=1_000_000, description="Số trẻ được hỗ trợ")
    public_description: str = Field(min_length=1, max_length=300)
    allow_unrestricted: bool = Field(
        False, description="Thiếu tiền có hạn chế thì bù bằng quỹ không hạn chế"
    )


class DisbursementUpdate(BaseModel):
    """Changes to a request waiting for approval; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    restriction: RestrictionIn | None = None
    allow_unrestricted: bool | None = None
    paid_from: str | None = Field(None, pattern=PAID_FROM_PATTERN)
    amount: StrictInt | None = Field(None, gt=0, le=MAX_DONG, description="≤ mức kế hoạch đã duyệt")
    planned_on: date | None = None
    public_description: str | None = Field(None, min_length=1, max_length=300)


class DisbursementApproval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paid_on: date | None = Field(None, description="Ngày chi (mặc định: hôm nay)")


class DisbursementDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=400)


class RestrictionOut(BaseModel):
    kind: str
    id: str
    key: str = Field(description="restricted:<kind>:<id>, as in the ledger's balances")
    label: str


class PlanOut(BaseModel):
    plan_id: uuid.UUID
    version_number: int
    item_index: int
    support_kind: str
    funding_source: str
    planned_amount: int


class DisbursementOut(BaseModel):
    id: uuid.UUID
    fund_code: str
    status: str
    amount: int
    purpose: str
    restriction: RestrictionOut | None
    restriction_label: str
    allow_unrestricted: bool
    paid_from: str
    paid_from_account: str | None
    planned_on: date
    case_id: uuid.UUID | None
    commune_code: str | None
    groups: list[str]
    beneficiaries: int | None
    public_description: str
    plan: PlanOut | None
    requested_by: str
    requested_at: datetime
    amended_by: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    entry_id: uuid.UUID | None
    paid_on: date | None

    @classmethod
    def of(cls, d: Disbursement, fund: Fund | None) -> DisbursementOut:
        r = d.restriction
        account = None
        if fund is not None:
            try:
                account = paid_from_account(fund, d.paid_from)
            except LedgerRefusedError:
                account = None
        return cls(
            id=d.id,
            fund_code=d.fund_code,
            status=d.status.value,
            amount=d.amount,
            purpose=d.purpose.value,
            restriction=(
                RestrictionOut(
                    kind=r.kind.value, id=r.id, key=restriction_key(r), label=restriction_label(r)
                )
                if r
                else None
            ),
            restriction_label=restriction_label(r),
            allow_unrestricted=d.allow_unrestricted,
            paid_from=d.paid_from,
            paid_from_account=account,
            planned_on=d.planned_on,
            case_id=d.case_id,
            commune_code=d.commune_code,
            groups=list(d.groups),
            beneficiaries=d.beneficiaries,
            public_description=d.public_description,
            plan=(
                PlanOut(
                    plan_id=d.plan.plan_id,
                    version_number=d.plan.version_number,
                    item_index=d.plan.item_index,
                    support_kind=d.plan.support_kind,
                    funding_source=d.plan.funding_source,
                    planned_amount=d.plan.planned_amount,
                )
                if d.plan
                else None
            ),
            requested_by=d.requested_by,
            requested_at=d.requested_at,
            amended_by=d.amended_by,
            decided_by=d.decided_by,
            decided_at=d.decided_at,
            decision_note=d.decision_note,
            entry_id=d.entry_id,
            paid_on=d.paid_on,
        )


class DisbursementPage(BaseModel):
    items: list[DisbursementOut]
    total: int
    limit: int
    offset: int
