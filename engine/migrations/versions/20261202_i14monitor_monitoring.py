"""monitoring facts: monitoring_cases, monitoring_events, monitoring_maand, monitoring_tevredenheid

Revision ID: 20261202_i14monitor
Revises: 0001
Create Date: 2026-12-02 06:20:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db.base

revision = "20261202_i14monitor"
down_revision = 'i11access_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_cases",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("doelgroep", sa.String(length=40), nullable=True),
        sa.Column("leerroute", sa.String(length=20), nullable=True),
        sa.Column("eerste_leerroute", sa.String(length=20), nullable=True),
        sa.Column("consulent", sa.String(length=100), nullable=True),
        sa.Column("tolk_nodig", sa.Boolean(), nullable=False),
        sa.Column("bijstand", sa.Boolean(), nullable=False),
        sa.Column("started_at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("datum_plicht", sa.Date(), nullable=True),
        sa.Column("pip_deadline", sa.Date(), nullable=True),
        sa.Column("pip_dagtekening", sa.Date(), nullable=True),
        sa.Column("termijn_start", sa.Date(), nullable=True),
        sa.Column("examen_behaald", sa.Boolean(), nullable=True),
        sa.Column("examen_datum", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ended_at", engine.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("einde_reden", sa.String(length=100), nullable=True),
        sa.Column("synthetisch", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_monitoring_cases")),
    )
    op.create_index("ix_monitoring_cases_gemeente_started", "monitoring_cases",
                    ["gemeente", "started_at", "doelgroep", "leerroute", "consulent", "ended_at"])
    op.create_index("ix_monitoring_cases_gemeente_status", "monitoring_cases", ["gemeente", "status"])
    op.create_index("ix_monitoring_cases_gemeente_pip", "monitoring_cases",
                    ["gemeente", "pip_dagtekening", "doelgroep", "pip_deadline", "datum_plicht", "leerroute",
                     "consulent"])
    op.create_index("ix_monitoring_cases_gemeente_ended", "monitoring_cases",
                    ["gemeente", "ended_at", "leerroute", "termijn_start", "doelgroep", "consulent"])
    op.create_index("ix_monitoring_cases_gemeente_examen", "monitoring_cases",
                    ["gemeente", "examen_datum", "leerroute", "examen_behaald", "doelgroep", "consulent"])
    op.create_table(
        "monitoring_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.Column("at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("doelgroep", sa.String(length=40), nullable=True),
        sa.Column("leerroute", sa.String(length=20), nullable=True),
        sa.Column("consulent", sa.String(length=100), nullable=True),
        sa.Column("element_id", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.String(length=100), nullable=True),
        sa.Column("bedrag", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("synthetisch", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_events")),
    )
    op.create_index(op.f("ix_monitoring_events_case_id"), "monitoring_events", ["case_id"])
    op.create_index("ix_monitoring_events_gemeente_kind_at", "monitoring_events", ["gemeente", "kind", "at"])
    op.create_index("ix_monitoring_events_gemeente_element_at", "monitoring_events",
                    ["gemeente", "element_id", "at"])
    op.create_table(
        "monitoring_maand",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.Column("maand", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("element_id", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.String(length=100), nullable=False),
        sa.Column("doelgroep", sa.String(length=40), nullable=False),
        sa.Column("leerroute", sa.String(length=20), nullable=False),
        sa.Column("consulent", sa.String(length=100), nullable=False),
        sa.Column("aantal", sa.Integer(), nullable=False),
        sa.Column("bedrag", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_maand")),
        sa.UniqueConstraint("gemeente", "maand", "kind", "element_id", "detail", "doelgroep", "leerroute",
                            "consulent", name="uq_monitoring_maand_key"),
    )
    op.create_table(
        "monitoring_tevredenheid",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("gemeente", sa.String(length=32), nullable=False),
        sa.Column("at", engine.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("onderdeel", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("antwoorden", sa.JSON(), nullable=False),
        sa.Column("ingevuld_door", sa.String(length=100), nullable=False),
        sa.Column("synthetisch", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_tevredenheid")),
    )
    op.create_index(op.f("ix_monitoring_tevredenheid_case_id"), "monitoring_tevredenheid", ["case_id"])
    op.create_index("ix_monitoring_tevredenheid_gemeente_at", "monitoring_tevredenheid",
                    ["gemeente", "at", "onderdeel", "score"])


def downgrade() -> None:
    op.drop_table("monitoring_tevredenheid")
    op.drop_table("monitoring_maand")
    op.drop_table("monitoring_events")
    op.drop_table("monitoring_cases")
