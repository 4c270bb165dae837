"""Teams: who works which cases (a default team per gemeente holds every existing user and case)

Revision ID: i11teams_teams
Revises: i11oidc_identities
Create Date: 2026-12-02
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import engine.db.base

revision = "i11teams_teams"
down_revision = "i11oidc_identities"
branch_labels = None
depends_on = None

DEFAULT_TEAM_NAME = "Standaardteam"  # engine/access/teams.py DEFAULT_TEAM_NAME


def upgrade() -> None:
    op.create_table(
        "access_teams",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["gemeente"], ["gemeenten.code"], name=op.f("fk_access_teams_gemeente_gemeenten")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_teams")),
        sa.UniqueConstraint("gemeente", "name", name=op.f("uq_access_teams_gemeente")),
    )
    op.create_table(
        "access_team_gemeenten",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["access_teams.id"], name=op.f("fk_access_team_gemeenten_team_id_access_teams"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["gemeente"], ["gemeenten.code"], name=op.f("fk_access_team_gemeenten_gemeente_gemeenten")),
        sa.PrimaryKeyConstraint("team_id", "gemeente", name=op.f("pk_access_team_gemeenten")),
    )
    op.create_table(
        "access_team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("leads", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["access_teams.id"], name=op.f("fk_access_team_members_team_id_access_teams"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_access_team_members_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_access_team_members")),
    )
    op.create_index(op.f("ix_access_team_members_user_id"), "access_team_members", ["user_id"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_cases_team_id_access_teams"), "access_teams", ["team_id"], ["id"])
        batch.create_index("ix_cases_gemeente_team", ["gemeente", "team_id"])
    _default_teams()


def _default_teams() -> None:
    """One default team per gemeente, holding every user of that gemeente (home or membership) and
    every case of it, so nobody loses access to what they saw before teams existed."""
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    teams = sa.table("access_teams", sa.column("id", sa.Integer), sa.column("gemeente", sa.String),
                     sa.column("name", sa.String), sa.column("is_default", sa.Boolean),
                     sa.column("created_at", engine.db.base.UTCDateTime(timezone=True)),
                     sa.column("created_by", sa.String))
    for (code,) in bind.execute(sa.text("SELECT code FROM gemeenten ORDER BY code")).all():
        bind.execute(teams.insert().values(gemeente=code, name=DEFAULT_TEAM_NAME, is_default=True, created_at=now,
                                           created_by="migratie"))
        team_id = bind.execute(sa.text("SELECT id FROM access_teams WHERE gemeente = :g AND is_default"),
                               {"g": code}).scalar_one()
        bind.execute(sa.text("INSERT INTO access_team_gemeenten (team_id, gemeente) VALUES (:t, :g)"),
                     {"t": team_id, "g": code})
        bind.execute(sa.text(
            "INSERT INTO access_team_members (team_id, user_id, leads) "
            "SELECT :t, u.id, :no FROM users u WHERE u.gemeente = :g "
            "OR u.id IN (SELECT m.user_id FROM access_memberships m WHERE m.gemeente = :g)"),
            {"t": team_id, "g": code, "no": False})
        bind.execute(sa.text("UPDATE cases SET team_id = :t WHERE gemeente = :g"), {"t": team_id, "g": code})


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_gemeente_team")
        batch.drop_constraint(op.f("fk_cases_team_id_access_teams"), type_="foreignkey")
        batch.drop_column("team_id")
    op.drop_index(op.f("ix_access_team_members_user_id"), table_name="access_team_members")
    op.drop_table("access_team_members")
    op.drop_table("access_team_gemeenten")
    op.drop_table("access_teams")
