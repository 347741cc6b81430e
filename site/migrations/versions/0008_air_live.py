"""live air: publisher corrections and heavy-pollution alerts

Revision ID: 0008_air_live
Revises: 0006_utc_instants
Create Date: 2026-12-06

- air_correction: one row per stored value a later published file changed (what it was, what
  it became, which file, when); the newer value itself replaces the old one in air_hour_day /
  air_daily as before.
- air_alert: heavy-pollution weather alerts (重污染天气预警) recorded by the plan office;
  instants in UTC like every other instant (docs/time.md).
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_air_live'
down_revision = '0006_utc_instants'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'air_correction',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('station', sa.String(16), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('hour', sa.Integer(), nullable=True),
        sa.Column('changes', sa.Text(), nullable=False),
        sa.Column('old_source', sa.String(255), nullable=False),
        sa.Column('new_source', sa.String(255), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_air_correction_station_date', 'air_correction', ['station', 'date'])
    op.create_index('ix_air_correction_recorded_at', 'air_correction', ['recorded_at'])
    op.create_table(
        'air_alert',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('level', sa.String(8), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=True),
        sa.Column('issuer', sa.String(200), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(80), nullable=False),
        sa.Column('end_recorded_at', sa.DateTime(), nullable=True),
        sa.Column('ended_by', sa.String(80), nullable=True),
    )
    op.create_index('ix_air_alert_starts_at', 'air_alert', ['starts_at'])


def downgrade():
    op.drop_index('ix_air_alert_starts_at', table_name='air_alert')
    op.drop_table('air_alert')
    op.drop_index('ix_air_correction_recorded_at', table_name='air_correction')
    op.drop_index('ix_air_correction_station_date', table_name='air_correction')
    op.drop_table('air_correction')
