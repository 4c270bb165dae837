"""worker heartbeats and case-number counters

Revision ID: 20261202_i9run
Revises: 0001
Create Date: 2026-12-02 06:20:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db.base

revision = '20261202_i9run'
down_revision = 'i15_cohorts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workers',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_heartbeat', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', engine.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('timers_fired', sa.Integer(), nullable=False),
    sa.Column('jobs_failed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_workers'))
    )
    op.create_table('case_counters',
    sa.Column('prefix', sa.String(length=40), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_case_counters'))
    )


def downgrade() -> None:
    op.drop_table('case_counters')
    op.drop_table('workers')
