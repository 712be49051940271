"""short check-in tokens: the poster's stored random token, retired ones, and unique ticket codes (issue 16)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_token', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_activities_public_token'), ['public_token'])
    op.create_table('retired_public_tokens',
    sa.Column('token', sa.String(length=16), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_retired_public_tokens_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_retired_public_tokens'))
    )
    with op.batch_alter_table('checkin_registrations', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_checkin_registrations_ticket_nonce'), ['ticket_nonce'])


def downgrade():
    with op.batch_alter_table('checkin_registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_checkin_registrations_ticket_nonce'), type_='unique')
    op.drop_table('retired_public_tokens')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_activities_public_token'), type_='unique')
        batch_op.drop_column('public_token')
