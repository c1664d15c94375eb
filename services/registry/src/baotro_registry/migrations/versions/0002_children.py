"""Children (encrypted personal fields), links, consents, PII access audit, reference data.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AT_RISK_CATEGORIES = [
    ("poor_household", "Trẻ em thuộc hộ nghèo, hộ cận nghèo"),
    ("parents_divorced", "Trẻ em có cha mẹ ly hôn, ly thân"),
    ("parents_away", "Trẻ em có cha mẹ đi làm ăn xa, sống với người thân"),
    ("parent_offender", "Trẻ em có cha, mẹ hoặc người chăm sóc vi phạm pháp luật"),
    ("parent_addicted", "Trẻ em có cha, mẹ hoặc người chăm sóc nghiện ma túy"),
    ("domestic_violence", "Trẻ em sống trong gia đình có bạo lực"),
    ("school_dropout_risk", "Trẻ em có nguy cơ bỏ học"),
    ("early_labour", "Trẻ em lao động sớm, làm việc trái quy định"),
    ("ethnic_minority_hardship", "Trẻ em dân tộc thiểu số ở vùng đặc biệt khó khăn"),
    ("disaster_affected", "Trẻ em bị ảnh hưởng bởi thiên tai, thảm họa"),
]

# Nghị định 56/2017/NĐ-CP splits groups into sub-groups; those of groups a, b, c are seeded,
# the rest are entered by the fund as reference data (verify against the decree in force).
LEGAL_SUBGROUPS = [
    ("a1", "a", "Mồ côi cả cha và mẹ, không có người chăm sóc"),
    ("a2", "a", "Mồ côi cả cha và mẹ, được nuôi dưỡng tại cơ sở trợ giúp xã hội"),
    ("a3", "a", "Mồ côi cả cha và mẹ, sống với người thân thích"),
    ("a4", "a", "Mồ côi cả cha và mẹ, được chăm sóc thay thế bởi cá nhân, gia đình khác"),
    ("b1", "b", "Bị bỏ rơi, chưa được chăm sóc thay thế"),
    ("b2", "b", "Bị bỏ rơi, đã được chăm sóc thay thế"),
    ("c1", "c", "Mồ côi cha hoặc mẹ và người còn lại mất tích"),
    (
        "c2",
        "c",
        "Mồ côi cha hoặc mẹ và người còn lại ở cơ sở trợ giúp xã hội hoặc không còn khả năng "
        "chăm sóc",
    ),
    (
        "c3",
        "c",
        "Mồ côi cha hoặc mẹ và người còn lại đang chấp hành án phạt tù hoặc ở cơ sở giáo dục "
        "bắt buộc, cơ sở cai nghiện bắt buộc",
    ),
    ("c4", "c", "Cả cha và mẹ mất tích"),
]


def upgrade() -> None:
    op.create_table(
        "at_risk_categories",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "children",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("commune_code", sa.String(length=10), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("subgroups", sa.JSON(), nullable=False),
        sa.Column("at_risk", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("full_name_enc", sa.Text(), nullable=False),
        sa.Column("date_of_birth_enc", sa.Text(), nullable=True),
        sa.Column("national_id_enc", sa.Text(), nullable=True),
        sa.Column("address_enc", sa.Text(), nullable=True),
        sa.Column("guardian_name_enc", sa.Text(), nullable=True),
        sa.Column("guardian_phone_enc", sa.Text(), nullable=True),
        sa.Column("photo_ref_enc", sa.Text(), nullable=True),
        sa.Column("health_notes_enc", sa.Text(), nullable=True),
        sa.Column("school_enc", sa.Text(), nullable=True),
        sa.Column("name_bidx", sa.String(length=40), nullable=False),
        sa.Column("national_id_bidx", sa.String(length=40), nullable=True),
        sa.Column("guardian_bidx", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_children_commune_birth_year", "children", ["commune_code", "birth_year"], unique=False
    )
    op.create_index("ix_children_guardian_bidx", "children", ["guardian_bidx"], unique=False)
    op.create_index("ix_children_name_bidx", "children", ["name_bidx"], unique=False)
    op.create_index("ix_children_national_id_bidx", "children", ["national_id_bidx"], unique=False)
    op.create_table(
        "legal_subgroups",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("group_code", sa.String(length=4), nullable=False),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "pii_access_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pii_access_actor_at", "pii_access_audit", ["actor_sub", "at"], unique=False)
    op.create_index("ix_pii_access_child_at", "pii_access_audit", ["child_id", "at"], unique=False)
    op.create_table(
        "child_links",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("other_child_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["children.id"],
        ),
        sa.ForeignKeyConstraint(
            ["other_child_id"],
            ["children.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("child_id", "other_child_id", name="uq_child_links_pair"),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("given_by", sa.String(length=20), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["children.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_consents_child_purpose", "consents", ["child_id", "purpose"], unique=False)
    categories = sa.table(
        "at_risk_categories",
        sa.column("code", sa.String),
        sa.column("name_vi", sa.String),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        categories, [{"code": c, "name_vi": n, "active": True} for c, n in AT_RISK_CATEGORIES]
    )
    subgroups = sa.table(
        "legal_subgroups",
        sa.column("code", sa.String),
        sa.column("group_code", sa.String),
        sa.column("name_vi", sa.String),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        subgroups,
        [{"code": c, "group_code": g, "name_vi": n, "active": True} for c, g, n in LEGAL_SUBGROUPS],
    )


def downgrade() -> None:
    op.drop_index("ix_consents_child_purpose", table_name="consents")
    op.drop_table("consents")
    op.drop_table("child_links")
    op.drop_index("ix_pii_access_child_at", table_name="pii_access_audit")
    op.drop_index("ix_pii_access_actor_at", table_name="pii_access_audit")
    op.drop_table("pii_access_audit")
    op.drop_table("legal_subgroups")
    op.drop_index("ix_children_national_id_bidx", table_name="children")
    op.drop_index("ix_children_name_bidx", table_name="children")
    op.drop_index("ix_children_guardian_bidx", table_name="children")
    op.drop_index("ix_children_commune_birth_year", table_name="children")
    op.drop_table("children")
    op.drop_table("at_risk_categories")
