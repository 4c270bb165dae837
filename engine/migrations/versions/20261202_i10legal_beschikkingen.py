"""beschikkingen: the legal status of every sent beschikking (bezwaar, beroep, onherroepelijk)

Revision ID: i10legal_beschikkingen
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import engine.db.base

revision = 'i10legal_beschikkingen'
down_revision = 'i12duo'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('beschikkingen',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('gemeente', sa.String(length=32), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('soort', sa.String(length=100), nullable=False),
    sa.Column('verzonden_op', sa.Date(), nullable=False),
    sa.Column('bezwaar_uiterlijk', sa.Date(), nullable=False),
    sa.Column('bezwaar_case_id', sa.String(length=36), nullable=True),
    sa.Column('bezwaar_ontvangen_op', sa.Date(), nullable=True),
    sa.Column('bezwaar_uitkomst', sa.String(length=20), nullable=True),
    sa.Column('bezwaar_beslist_op', sa.Date(), nullable=True),
    sa.Column('beroep_ingesteld_op', sa.Date(), nullable=True),
    sa.Column('beroep_uitkomst', sa.String(length=20), nullable=True),
    sa.Column('beroep_uitspraak_op', sa.Date(), nullable=True),
    sa.Column('herroepen_op', sa.Date(), nullable=True),
    sa.Column('created_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_beschikkingen_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_beschikkingen_letter_id_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beschikkingen')),
    sa.UniqueConstraint('letter_id', name=op.f('uq_beschikkingen_letter_id'))
    )
    with op.batch_alter_table('beschikkingen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beschikkingen_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('beschikkingen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beschikkingen_case_id'))
    op.drop_table('beschikkingen')
