"""Children, their links (duplicate decisions), consents, the PII access audit, reference data.

Personal fields are stored encrypted (`*_enc`, AES-GCM with the row id and field as context);
`key_id` names the key of the row's ciphertexts. Blind indexes (`*_bidx`, keyed hashes) allow
exact-match duplicate checks without storing the value.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
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

from baotro_registry.adapters.base import Base
from baotro_shared.db import UtcDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class ChildRecord(Base):
    __tablename__ = "children"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1), nullable=True)
    birth_year: Mapped[int] = mapped_column(Integer)
    groups: Mapped[list[str]] = mapped_column(JSON)
    subgroups: Mapped[list[str]] = mapped_column(JSON, default=list)
    at_risk: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    key_id: Mapped[str] = mapped_column(String(40))
    full_name_enc: Mapped[str] = mapped_column(Text)
    date_of_birth_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    national_id_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    address_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    guardian_name_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    guardian_phone_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    photo_ref_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    health_notes_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    school_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    name_bidx: Mapped[str] = mapped_column(String(40))
    national_id_bidx: Mapped[str | None] = mapped_column(String(40), nullable=True)
    guardian_bidx: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (
        Index("ix_children_commune_birth_year", "commune_code", "birth_year"),
        Index("ix_children_name_bidx", "name_bidx"),
        Index("ix_children_national_id_bidx", "national_id_bidx"),
        Index("ix_children_guardian_bidx", "guardian_bidx"),
    )


class ChildLinkRecord(Base):
    """A person's decision about two records: the same child, or two different children."""

    __tablename__ = "child_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    child_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("children.id"))
    other_child_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("children.id"))
    decision: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("child_id", "other_child_id", name="uq_child_links_pair"),)


class PiiAccessRecord(Base):
    """Who read which personal fields of which child, when, and through what."""

    __tablename__ = "pii_access_audit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor_sub: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(40))
    child_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    fields: Mapped[list[str]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(String(300))

    __table_args__ = (
        Index("ix_pii_access_child_at", "child_id", "at"),
        Index("ix_pii_access_actor_at", "actor_sub", "at"),
    )


class ConsentRecord(Base):
    __tablename__ = "consents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    child_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("children.id"))
    purpose: Mapped[str] = mapped_column(String(40))
    given_by: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200), nullable=True)

    __table_args__ = (Index("ix_consents_child_purpose", "child_id", "purpose"),)


class AtRiskCategoryRecord(Base):
    """At-risk categories have no single legal list: editable reference data."""

    __tablename__ = "at_risk_categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LegalSubgroupRecord(Base):
    """Sub-groups of the legal groups (Nghị định 56/2017/NĐ-CP): editable reference data."""

    __tablename__ = "legal_subgroups"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    group_code: Mapped[str] = mapped_column(String(4))
    name_vi: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
