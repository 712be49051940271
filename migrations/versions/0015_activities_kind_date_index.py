"""activities: the compliance loader's covering index (kind, evidence_date, status, commune_id, id)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 18:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_kind_date', ['kind', 'evidence_date', 'status', 'commune_id', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_kind_date')
