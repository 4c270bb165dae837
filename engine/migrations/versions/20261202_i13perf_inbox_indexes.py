"""Indexes for the inbox's legal-deadline and newest-first sorts

Revision ID: i13perf_inbox_indexes
Revises: i13perf_compact_state
Create Date: 2026-12-02
"""

from alembic import op

revision = "i13perf_inbox_indexes"
down_revision = "i13perf_compact_state"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_user_tasks_gemeente_assignee_legal": ["gemeente", "assignee", "legal_deadline"],
    "ix_user_tasks_gemeente_legal": ["gemeente", "legal_deadline"],
    "ix_user_tasks_gemeente_assignee_created": ["gemeente", "assignee", "created_at"],
    "ix_user_tasks_gemeente_created": ["gemeente", "created_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "user_tasks", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="user_tasks")
