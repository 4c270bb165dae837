"""OpenID Connect identities linked to Regie accounts

Revision ID: i11oidc_identities
Revises: i13perf_inbox_indexes
Create Date: 2026-12-02 09:20:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db.base

revision = "i11oidc_identities"
down_revision = "i13perf_inbox_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_oidc_identities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("claim", sa.String(length=100), nullable=False),
        sa.Column("linked_at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.String(length=20), nullable=False),
        sa.Column("last_login_at", engine.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_access_oidc_identities_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_oidc_identities")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_access_oidc_identities_issuer")),
        sa.UniqueConstraint("user_id", "issuer", name=op.f("uq_access_oidc_identities_user_id")),
    )
    op.create_index(op.f("ix_access_oidc_identities_user_id"), "access_oidc_identities", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_access_oidc_identities_user_id"), table_name="access_oidc_identities")
    op.drop_table("access_oidc_identities")
