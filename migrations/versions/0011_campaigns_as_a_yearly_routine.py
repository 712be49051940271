"""campaigns as a yearly routine (SPEC §18)

Draft/published state, duty and requirement order, the duty set by date, the campaign's official messages.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:56:16.147612

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign_messages',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_messages_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_campaign_messages_message_id_messages')),
    sa.PrimaryKeyConstraint('campaign_id', 'message_id', name=op.f('pk_campaign_messages'))
    )
    # Plain ADD COLUMN, no batch: rebuilding `campaigns` on SQLite (foreign keys on) would cascade-delete its duties.
    op.add_column('campaigns', sa.Column('state', sa.String(length=10), sa.CheckConstraint(
        "state IN ('draft', 'published')", name=op.f('ck_campaigns_state')), server_default='published',
        nullable=False))
    op.add_column('campaigns', sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('campaigns', sa.Column('template', sa.String(length=64), nullable=True))
    op.add_column('campaigns', sa.Column('copied_from', sa.String(length=64), nullable=True))
    for table in ('duties', 'city_requirements'):
        op.add_column(table, sa.Column('position', sa.Integer(), server_default='0', nullable=False))
        op.add_column(table, sa.Column('added_on', sa.Date(), nullable=True))
        op.add_column(table, sa.Column('retired_on', sa.Date(), nullable=True))
    # Existing campaigns stay as they were: published, duties in their numbers' order, every official message.
    op.execute("UPDATE campaigns SET published_at = created_at WHERE state = 'published'")
    op.execute("UPDATE duties SET position = no")
    op.execute("UPDATE city_requirements SET position = id")
    op.execute("INSERT INTO campaign_messages (campaign_id, message_id, position) "
               "SELECT campaigns.id, messages.id, messages.id FROM campaigns CROSS JOIN messages")


def downgrade():
    for table in ('city_requirements', 'duties'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('retired_on')
            batch_op.drop_column('added_on')
            batch_op.drop_column('position')
    for column in ('copied_from', 'template', 'published_at', 'state'):
        op.drop_column('campaigns', column)
    op.drop_table('campaign_messages')
