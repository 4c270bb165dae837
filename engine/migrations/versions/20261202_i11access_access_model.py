"""access model: gemeente memberships, partner links, server-side sessions, login throttling

Revision ID: i11access_0001
Revises: 0001
Create Date: 2026-12-02 06:10:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db.base

revision = "i11access_0001"
down_revision = "i10legal_beschikkingen"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_memberships",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.Column("organisation", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_access_memberships_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["gemeente"], ["gemeenten.code"],
                                name=op.f("fk_access_memberships_gemeente_gemeenten")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_memberships")),
        sa.UniqueConstraint("user_id", "gemeente", name=op.f("uq_access_memberships_user_id")),
    )
    op.create_index(op.f("ix_access_memberships_user_id"), "access_memberships", ["user_id"])
    op.create_table(
        "access_partner_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.Column("organisation", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("share_letters", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_access_partner_links_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_partner_links")),
    )
    op.create_index(op.f("ix_access_partner_links_case_id"), "access_partner_links", ["case_id"])
    op.create_index("ix_access_partner_links_org", "access_partner_links",
                    ["gemeente", "organisation", "valid_until"])
    op.create_table(
        "access_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.Column("created_at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", engine.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_access_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_sessions")),
    )
    op.create_index(op.f("ix_access_sessions_user_id"), "access_sessions", ["user_id"])
    op.create_table(
        "access_login_throttle",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_access_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("access_login_throttle")
    op.drop_index(op.f("ix_access_sessions_user_id"), table_name="access_sessions")
    op.drop_table("access_sessions")
    op.drop_index("ix_access_partner_links_org", table_name="access_partner_links")
    op.drop_index(op.f("ix_access_partner_links_case_id"), table_name="access_partner_links")
    op.drop_table("access_partner_links")
    op.drop_index(op.f("ix_access_memberships_user_id"), table_name="access_memberships")
    op.drop_table("access_memberships")
