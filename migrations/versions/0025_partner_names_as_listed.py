"""partner names as listed: "cơ sở KCB" and "báo chí" stored in activities become "Cơ sở KCB" and "Báo chí",
as the partner list now writes every name (issue 15 item 11); any other partner name is left as typed

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 03:45:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

RENAMED = {"cơ sở KCB": "Cơ sở KCB", "báo chí": "Báo chí"}
activities = sa.table('activities', sa.column('id', sa.Integer), sa.column('partners', sa.JSON))


def _rename(names: dict) -> None:
    bind = op.get_bind()
    for activity_id, partners in bind.execute(sa.select(activities.c.id, activities.c.partners)):
        if isinstance(partners, str):  # a driver that hands JSON back as text
            partners = json.loads(partners)
        if not partners or not any(p in names for p in partners):
            continue
        renamed = list(dict.fromkeys(names.get(p, p) for p in partners))
        bind.execute(activities.update().where(activities.c.id == activity_id).values(partners=renamed))


def upgrade():
    _rename(RENAMED)


def downgrade():
    _rename({new: old for old, new in RENAMED.items()})
