"""API contracts of the ledger: donations entered by staff, reversals, balances, receipts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from baotro_donations.entrypoints.money import MAX_DONG

StaffTargetKind = Literal["general", "appeal", "campaign", "pledge", "case", "sponsorship"]


class InKindGoods(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=500, examples=["50 bộ sách giáo khoa lớp 5"])
    quantity: Decimal = Field(gt=0, max_digits=18, decimal_places=3, examples=[50])
    unit: str | None = Field(None, max_length=40, examples=["bộ"])


class DonationCreate(BaseModel):
    """A gift entered by staff: cash at the counter, or goods in kind valued in đồng."""

    model_config = ConfigDict(extra="forbid")

    fund: str | None = Field(None, description="Mã quỹ (mặc định: quỹ đầu tiên)", max_length=16)
    channel: Literal["cash", "in_kind"]
    amount: StrictInt = Field(
        gt=0, le=MAX_DONG, description="Số đồng (giá trị hiện vật với hiện vật)"
    )
    received_on: date
    target_kind: StaffTargetKind = "general"
    target_id: str | None = Field(None, min_length=1, max_length=80)
    restricted: bool = Field(False, description="Nhà tài trợ chỉ định mục đích sử dụng")
    donor_id: uuid.UUID | None = None
    anonymous: bool = False
    original_currency: str | None = Field(None, pattern=r"^[A-Z]{3}$", examples=["USD"])
    original_amount: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=2)
    in_kind: InKindGoods | None = None
    memo: str | None = Field(None, max_length=500)


class DonationOut(BaseModel):
    id: uuid.UUID
    fund_code: str
    channel: str
    asset_account: str
    amount: int
    received_on: date
    receipt_number: str
    entry_id: uuid.UUID
    target_kind: str
    target_id: str | None
    restricted: bool
    donor_id: uuid.UUID | None
    anonymous: bool
    original_currency: str | None
    original_amount: Decimal | None
    in_kind_description: str | None
    in_kind_quantity: Decimal | None
    in_kind_unit: str | None
    campaign_id: uuid.UUID | None = None
    pledge_id: uuid.UUID | None = None
    public_memo: str | None = None
    created_at: datetime
    created_by: str


class DonationReversal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: StrictInt | None = Field(
        None, gt=0, le=MAX_DONG, description="Mặc định: toàn bộ phần chưa đảo"
    )
    reason: str = Field(min_length=1, max_length=400)
    on: date | None = Field(None, description="Ngày bút toán đảo (mặc định: hôm nay)")


class ReversalOut(BaseModel):
    donation_id: uuid.UUID
    reversal_id: uuid.UUID
    amount: int
    remaining: int


class AccountBalanceOut(BaseModel):
    account_code: str
    account_name: str
    kind: str
    restriction: str = Field(description="unrestricted | restricted:<kind>:<id>")
    restriction_label: str
    debit: int
    credit: int
    balance: int


class RestrictionMoney(BaseModel):
    restriction: str
    restriction_label: str
    money: int = Field(description="Tiền và hiện vật đang giữ cho nguồn này (tổng tài sản)")


class BalancesOut(BaseModel):
    fund_code: str
    as_of: date | None
    accounts: list[AccountBalanceOut]
    restrictions: list[RestrictionMoney]
    total_debit: int
    total_credit: int


class PostingOut(BaseModel):
    account_code: str
    account_name: str
    restriction: str
    debit: int
    credit: int


class EntryOut(BaseModel):
    id: uuid.UUID
    fund_code: str
    date: date
    memo: str
    reverses: uuid.UUID | None
    amount: int
    created_at: datetime
    created_by: str
    lines: list[PostingOut]


class EntryPage(BaseModel):
    items: list[EntryOut]
    total: int
    limit: int
    offset: int


class ReceiptOut(BaseModel):
    receipt_number: str
    fund_code: str
    fund_name: str
    donation_id: uuid.UUID
    received_on: date
    channel: str
    amount: int
    amount_in_figures: str
    amount_in_words: str
    original_currency: str | None
    original_amount: Decimal | None
    in_kind_description: str | None
    in_kind_quantity: Decimal | None
    in_kind_unit: str | None
    target_kind: str
    target_id: str | None
    restricted: bool
    reversed_amount: int
    pdf_available: bool = Field(
        True, description="Bản PDF: GET /v1/receipts/{number}.pdf hoặc Accept: application/pdf"
    )
