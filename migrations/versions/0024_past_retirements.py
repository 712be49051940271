"""past retirements of duties and city requirements (SPEC §18)

A duty or city requirement retired and later brought back keeps the days it was retired, so they replay without
it. Existing rows have none (NULL): a restore used to forget them.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 03:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, no batch: rebuilding `duties` on SQLite (foreign keys on) would cascade-delete its revisions.
    for table in ('duties', 'city_requirements'):
        op.add_column(table, sa.Column('past_retirements', sa.JSON(), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), no batch, for the same reason.
    for table in ('city_requirements', 'duties'):
        op.drop_column(table, 'past_retirements')
