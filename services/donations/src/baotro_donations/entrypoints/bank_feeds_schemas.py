"""API contracts of statement imports, the review queue of bank transactions, decisions and
reconciliation rules."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from baotro_donations.entrypoints.money import MAX_DONG
from baotro_donations.entrypoints.parties_schemas import DonorCreate

TransactionStatus = Literal["matched", "suggested", "unmatched", "ignored"]
TargetKindName = Literal["general", "campaign", "pledge", "appeal", "sponsorship", "case"]


class RejectedLineOut(BaseModel):
    line: int
    reason: str


class ImportOut(BaseModel):
    import_id: uuid.UUID
    status: Literal["processing", "done", "failed"]
    format: str | None
    profile: str | None
    lines: int
    done_lines: int
    imported: int
    duplicates: int
    matched: int
    suggested: int
    unmatched: int
    ignored: int
    rejected: list[RejectedLineOut]
    message: str | None = None


class MatchOut(BaseModel):
    kind: str
    target_kind: str | None
    target_id: str | None
    donor_id: uuid.UUID | None
    code: str | None
    confidence: float
    reason: str
    refund_of: str | None


class BankTransactionOut(BaseModel):
    id: uuid.UUID
    fund_code: str
    bank_account: str
    source: str
    import_id: uuid.UUID | None
    line_no: int | None
    booked_on: date
    booked_at: time | None
    amount: int
    direction: Literal["credit", "debit"]
    memo: str
    payer_name: str | None
    sender_account: str | None
    bank_reference: str | None
    status: TransactionStatus
    match: MatchOut
    donation_ids: list[uuid.UUID]
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class BankTransactionPage(BaseModel):
    items: list[BankTransactionOut]
    total: int
    limit: int
    offset: int


class DonationPartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: StrictInt = Field(gt=0, le=MAX_DONG)
    target_kind: TargetKindName = "general"
    target_id: str | None = Field(None, max_length=80)
    donor_id: uuid.UUID | None = None


class DecisionIn(BaseModel):
    """assign: to a target and/or donor; split: `parts` adding up to the amount;
    create_donor: `donor`, then assign; ignore; refund: an outgoing transfer returning
    `donation_id` (or the donation its reference names)."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["assign", "split", "create_donor", "ignore", "refund"]
    target_kind: TargetKindName = "general"
    target_id: str | None = Field(None, max_length=80)
    donor_id: uuid.UUID | None = None
    parts: list[DonationPartIn] = Field(default_factory=list, max_length=50)
    donor: DonorCreate | None = None
    donation_id: uuid.UUID | None = None
    note: str | None = Field(None, max_length=2000)
    save_rule: Literal["sender_account", "payer_name", "memo_words"] | None = Field(
        None, description="Lưu quyết định thành quy tắc cho các giao dịch sau"
    )
    rule_memo_words: str | None = Field(None, max_length=200)
    hide_memo: bool = Field(False, description="Không công khai nội dung chuyển khoản")


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["keyword", "learned"]
    target_kind: TargetKindName = "campaign"
    target_id: str | None = Field(None, max_length=80)
    donor_id: uuid.UUID | None = None
    memo_words: str | None = Field(None, max_length=200, examples=["THANG HANH DONG"])
    sender_account: str | None = Field(None, max_length=40)
    payer_name: str | None = Field(None, max_length=200)
    confidence: float = Field(0.95, ge=0, le=1)
    fund_code: str | None = Field(None, max_length=16)


class RuleOut(BaseModel):
    id: uuid.UUID
    fund_code: str
    kind: str
    sender_account: str | None
    payer_name: str | None
    memo_words: str | None
    target_kind: str
    target_id: str | None
    target_label: str | None
    donor_id: uuid.UUID | None
    confidence: float
    created_at: datetime
    created_by: str
