"""Request and response bodies of the payment codes API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from baotro_donations.domain.payment_code import TargetKind


class PaymentCodeCreate(BaseModel):
    fund: str | None = Field(None, description="fund code, e.g. TH; the first fund if absent")
    target_kind: TargetKind
    target_id: str = Field(min_length=1, max_length=80)
    amount: int | None = Field(None, gt=0, le=9_999_999_999_999, description="đồng, if known")


class FundPublic(BaseModel):
    code: str
    name: str


class BankPublic(BaseModel):
    """The fund's own receiving account (public: it is printed on appeals and in the QR)."""

    name: str | None
    account_number: str
    bin: str


class PaymentCodePublic(BaseModel):
    """What a donor may see: no internal id of a donor, pledge or sponsorship."""

    code: str
    grouped: str
    fund: FundPublic
    target_kind: TargetKind
    target_id: str | None = Field(None, description="only for public targets (appeal, campaign)")
    amount: int | None
    memo: str
    vietqr_payload: str
    qr_svg_url: str
    qr_png_url: str
    bank: BankPublic


class PaymentCodeStaff(PaymentCodePublic):
    target_id: str
    created_at: datetime
    created_by: str
    created: bool = Field(description="false when the target already had this code")
