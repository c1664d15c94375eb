"""Tables of donors (and organisational units), their known bank accounts, campaigns, pledges.

Contact details and account numbers are personal data: stored encrypted (`*_enc`, AES-GCM with
`<table>:<row id>:<field>` as context, like the registry, so its key rotation applies) with
`key_id` naming the key. `number_bidx` is a keyed hash of the account number's digits: exact
lookups and the one-donor-per-account rule work without the number. `name_folded` (the display
name without diacritics, lower case) serves the search.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from baotro_donations.adapters.base import Base
from baotro_shared.db import UtcDateTime


class DonorRecord(Base):
    __tablename__ = "donors"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    salutation: Mapped[str | None] = mapped_column(String(40), nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    preferred_channel: Mapped[str | None] = mapped_column(String(10), nullable=True)
    opted_out: Mapped[bool] = mapped_column(Boolean)
    headcount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    average_daily_wage: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    commune_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    key_id: Mapped[str] = mapped_column(String(40))
    email_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    address_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_donors_name_folded", "name_folded"),
        Index("ix_donors_kind", "kind"),
    )


class DonorBankAccountRecord(Base):
    __tablename__ = "donor_bank_accounts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    donor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("donors.id"))
    position: Mapped[int] = mapped_column(Integer)
    bank_bin: Mapped[str | None] = mapped_column(String(10), nullable=True)
    bank_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    key_id: Mapped[str] = mapped_column(String(40))
    number_enc: Mapped[str] = mapped_column(Text)
    number_bidx: Mapped[str] = mapped_column(String(40))

    __table_args__ = (
        UniqueConstraint("number_bidx", name="uq_donor_bank_accounts_number"),
        Index("ix_donor_bank_accounts_donor", "donor_id"),
    )


class CampaignRecord(Base):
    __tablename__ = "campaigns"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    fund_code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    target_amount: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    restricted: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_campaigns_fund_starts", "fund_code", "starts_on"),)


class PledgeRecord(Base):
    __tablename__ = "pledges"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    campaign_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("campaigns.id"))
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("donors.id"))
    target_amount: Mapped[int] = mapped_column(BigInteger)
    headcount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    average_daily_wage: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", name="uq_pledges_campaign_unit"),
        Index("ix_pledges_unit", "unit_id"),
    )


__all__ = [
    "Base",
    "CampaignRecord",
    "DonorBankAccountRecord",
    "DonorRecord",
    "PledgeRecord",
]
