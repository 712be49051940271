"""duty and city requirement revisions (SPEC §18)

What a duty or city requirement said before an edit made after its campaign started, with the day the edit took
effect, so a past day replays with the values of its day. Every existing duty and requirement is its own first (and
current) revision: its row holds the values in force since the start, and no edit of theirs is known, so nothing is
copied; the tables start empty.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duty_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('duty_id', sa.Integer(), nullable=False),
    sa.Column('replaced_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('evidence', sa.String(length=12), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('min_count', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=True),
    sa.Column('window_end', sa.Date(), nullable=True),
    sa.Column('hint', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['duty_id'], ['duties.id'], name=op.f('fk_duty_revisions_duty_id_duties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_revisions')),
    sa.UniqueConstraint('duty_id', 'replaced_on', name='uq_duty_revisions_duty_replaced_on')
    )
    op.create_table('city_requirement_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('replaced_on', sa.Date(), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('min_count', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=True),
    sa.Column('window_end', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['requirement_id'], ['city_requirements.id'], name=op.f('fk_city_requirement_revisions_requirement_id_city_requirements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_city_requirement_revisions')),
    sa.UniqueConstraint('requirement_id', 'replaced_on', name='uq_city_requirement_revisions_requirement_replaced_on')
    )


def downgrade():
    op.drop_table('city_requirement_revisions')
    op.drop_table('duty_revisions')
