"""Indexes for the inbox's task-type and follow-up filters and its priority sort

Revision ID: i15inbox_filter_indexes
Revises: i11teams_teams
Create Date: 2026-12-02

The inbox filters by task type (the diagram element) in due-date order and by "follow-up
date reached" (a range on follow_up_at, counted on every page), and sorts by
priority (descending) then due date: the priority key is stored descending so that one
index scan serves that order, for my tasks (assignee) and for the team.
"""

import sqlalchemy as sa
from alembic import op

revision = "i15inbox_filter_indexes"
down_revision = "i11teams_teams"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_user_tasks_gemeente_element_due": ["gemeente", "element_id", "due_at"],
    "ix_user_tasks_gemeente_follow_up": ["gemeente", "follow_up_at"],
    "ix_user_tasks_gemeente_assignee_priority": ["gemeente", "assignee", sa.text("priority DESC"), "due_at"],
    "ix_user_tasks_gemeente_priority": ["gemeente", sa.text("priority DESC"), "due_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "user_tasks", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="user_tasks")
