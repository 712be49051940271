"""registration nonce: the pre-registration form's nonce, unique per activity, so a double tap registers once (issue 22)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 23:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin_registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_checkin_registrations_activity_id_nonce'),
                                          ['activity_id', 'nonce'])


def downgrade():
    with op.batch_alter_table('checkin_registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_checkin_registrations_activity_id_nonce'), type_='unique')
        batch_op.drop_column('nonce')
