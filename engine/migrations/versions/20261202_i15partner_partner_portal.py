"""partner portal: hours and attendance per week and module, signals, DUO's hours

Revision ID: i15partner_portal
Revises: i15inbox_filter_indexes
Create Date: 2026-12-02 09:40:00
"""

from alembic import op
import sqlalchemy as sa
import engine.db.base


revision = 'i15partner_portal'
down_revision = 'i15inbox_filter_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('partner_uren',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('gemeente', sa.String(length=32), nullable=False),
    sa.Column('organisation', sa.String(length=100), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('module', sa.String(length=20), nullable=False),
    sa.Column('uren', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('sessies_gepland', sa.Integer(), nullable=False),
    sa.Column('sessies_aanwezig', sa.Integer(), nullable=False),
    sa.Column('notitie', sa.Text(), nullable=False),
    sa.Column('geregistreerd_door', sa.String(length=100), nullable=False),
    sa.Column('geregistreerd_op', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('bericht', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_partner_uren_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_uren')),
    sa.UniqueConstraint('case_id', 'organisation', 'week', 'module', name=op.f('uq_partner_uren_case_id'))
    )
    with op.batch_alter_table('partner_uren', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_uren_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_partner_uren_org_week', ['gemeente', 'organisation', 'week'], unique=False)

    op.create_table('partner_uren_basis',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('uren_cursus', sa.Numeric(precision=7, scale=1), nullable=False),
    sa.Column('uren_participatie', sa.Numeric(precision=7, scale=1), nullable=False),
    sa.Column('vastgelegd_op', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_partner_uren_basis_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_partner_uren_basis'))
    )

    op.create_table('partner_signalen',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('gemeente', sa.String(length=32), nullable=False),
    sa.Column('organisation', sa.String(length=100), nullable=False),
    sa.Column('categorie', sa.String(length=30), nullable=False),
    sa.Column('tekst', sa.Text(), nullable=False),
    sa.Column('signaal_case_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_partner_signalen_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_signalen'))
    )
    with op.batch_alter_table('partner_signalen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_signalen_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_partner_signalen_org_at', ['gemeente', 'organisation', 'created_at'], unique=False)

    op.create_table('partner_duo_uren',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('gemeente', sa.String(length=32), nullable=False),
    sa.Column('opgehaald_op', engine.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opgehaald_door', sa.String(length=100), nullable=False),
    sa.Column('uren_cursus', sa.Integer(), nullable=True),
    sa.Column('uren_participatie', sa.Integer(), nullable=True),
    sa.Column('per_gemeente', sa.JSON(), nullable=False),
    sa.Column('fout', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_partner_duo_uren_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_duo_uren'))
    )
    with op.batch_alter_table('partner_duo_uren', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_duo_uren_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('partner_duo_uren', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_duo_uren_case_id'))
    op.drop_table('partner_duo_uren')
    with op.batch_alter_table('partner_signalen', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_signalen_org_at')
        batch_op.drop_index(batch_op.f('ix_partner_signalen_case_id'))
    op.drop_table('partner_signalen')
    op.drop_table('partner_uren_basis')
    with op.batch_alter_table('partner_uren', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_uren_org_week')
        batch_op.drop_index(batch_op.f('ix_partner_uren_case_id'))
    op.drop_table('partner_uren')
