"""Store a case's state zlib-compressed (binary) instead of as JSON text

Revision ID: i13perf_compact_state
Revises: 0001
Create Date: 2026-12-02

A klantreis state is 20-200 KB of very repetitive JSON; compressed it is 7-10 times
smaller (engine/db/state_column.py). SQLite changes the column without rebuilding the
table (a rebuild would cascade-delete the case's task rows): add, fill, drop, rename.
"""

import sqlalchemy as sa
from alembic import op

revision = "i13perf_compact_state"
down_revision = "20261202_i14monitor"
branch_labels = None
depends_on = None

BATCH = 500


def _rewrite(column: str, convert) -> None:
    """Rewrite `column` of every case from `state`, in batches of ids."""
    conn = op.get_bind()
    last = ""
    while True:
        rows = conn.execute(sa.text("SELECT id, state FROM cases WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": BATCH}).all()
        if not rows:
            return
        conn.execute(sa.text(f"UPDATE cases SET {column} = :value WHERE id = :id"),
                     [{"id": row[0], "value": convert(row[1])} for row in rows])
        last = rows[-1][0]


def _compress(value) -> bytes:
    from engine.db.state_column import encode_state_text

    if isinstance(value, (bytes, memoryview)):
        value = bytes(value).decode("utf-8")
    if not isinstance(value, str):  # a driver that parses JSON columns already
        import json

        value = json.dumps(value, ensure_ascii=False)
    return encode_state_text(value)


def _decompress(value) -> str:
    import json

    from engine.db.state_column import decode_state

    return json.dumps(decode_state(value), ensure_ascii=False)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE cases ADD COLUMN state_z BLOB NOT NULL DEFAULT x''")
        _rewrite("state_z", _compress)
        op.execute("ALTER TABLE cases DROP COLUMN state")
        op.execute("ALTER TABLE cases RENAME COLUMN state_z TO state")
    else:
        op.execute("ALTER TABLE cases ALTER COLUMN state TYPE bytea USING convert_to(state::text, 'UTF8')")
        _rewrite("state", _compress)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE cases ADD COLUMN state_j JSON NOT NULL DEFAULT '{}'")
        _rewrite("state_j", _decompress)
        op.execute("ALTER TABLE cases DROP COLUMN state")
        op.execute("ALTER TABLE cases RENAME COLUMN state_j TO state")
    else:
        op.execute("ALTER TABLE cases ADD COLUMN state_j json")
        _rewrite("state_j", _decompress)
        op.execute("ALTER TABLE cases DROP COLUMN state")
        op.execute("ALTER TABLE cases RENAME COLUMN state_j TO state")
        op.execute("ALTER TABLE cases ALTER COLUMN state SET NOT NULL")
