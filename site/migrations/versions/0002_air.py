"""air quality: observations, daily and annual values, import log

Revision ID: 0002_air
Revises: 0001_baseline
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_air'
down_revision = '0001_baseline'
branch_labels = None
depends_on = None


def _values(*names):
    return [sa.Column(n, sa.Float(), nullable=True) for n in names]


def upgrade():
    op.create_table(
        'air_hourly',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('station', sa.String(16), nullable=False),
        sa.Column('time', sa.DateTime(), nullable=False),
        *_values('pm25', 'pm10', 'so2', 'no2', 'co', 'o3', 'so2_24h'),
        sa.Column('aqi_published', sa.Integer(), nullable=True),
        sa.Column('primary_published', sa.String(64), nullable=True),
        sa.Column('aqi', sa.Integer(), nullable=True),
        sa.Column('level', sa.Integer(), nullable=True),
        sa.Column('primary', sa.String(64), nullable=True),
        sa.Column('standard', sa.String(32), nullable=False),
        sa.Column('source', sa.String(255), nullable=False),
        sa.Column('precedence', sa.Integer(), nullable=False),
        sa.UniqueConstraint('station', 'time', name='uq_air_hourly_station_time'),
    )
    op.create_table(
        'air_daily',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('station', sa.String(16), nullable=False),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        *_values('pm25', 'pm10', 'so2', 'no2', 'co', 'o3_8h'),
        sa.Column('aqi', sa.Integer(), nullable=True),
        sa.Column('aqi_published', sa.Integer(), nullable=True),
        sa.Column('grade_published', sa.String(16), nullable=True),
        sa.Column('level', sa.Integer(), nullable=True),
        sa.Column('primary', sa.String(64), nullable=True),
        sa.Column('valid', sa.Boolean(), nullable=False),
        sa.Column('hours', sa.Integer(), nullable=True),
        sa.Column('standard', sa.String(32), nullable=False),
        sa.Column('source', sa.String(255), nullable=False),
        sa.Column('precedence', sa.Integer(), nullable=False),
        sa.UniqueConstraint('station', 'date', name='uq_air_daily_station_date'),
    )
    op.create_index('ix_air_daily_kind_date', 'air_daily', ['kind', 'date'])
    op.create_table(
        'air_annual',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('station', sa.String(16), nullable=False),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        *_values('pm25', 'pm10', 'so2', 'no2', 'co_p95', 'o3_8h_p90'),
        sa.Column('aqi_days', sa.Integer(), nullable=False),
        sa.Column('good_days', sa.Integer(), nullable=False),
        sa.Column('good_days_ratio', sa.Float(), nullable=True),
        sa.Column('heavy_days', sa.Integer(), nullable=False),
        sa.Column('valid_days', sa.Integer(), nullable=False),
        sa.Column('complete', sa.Boolean(), nullable=False),
        sa.Column('level_days', sa.Text(), nullable=False),
        sa.Column('completeness', sa.Text(), nullable=False),
        sa.Column('first_date', sa.Date(), nullable=False),
        sa.Column('last_date', sa.Date(), nullable=False),
        sa.Column('standard', sa.String(32), nullable=False),
        sa.UniqueConstraint('station', 'year', name='uq_air_annual_station_year'),
    )
    op.create_table(
        'air_import',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('file_name', sa.String(255), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=False),
        sa.Column('layout', sa.String(32), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('rows_read', sa.Integer(), nullable=False),
        sa.Column('rows_imported', sa.Integer(), nullable=False),
        sa.Column('rows_unchanged', sa.Integer(), nullable=False),
        sa.Column('rows_skipped', sa.Integer(), nullable=False),
        sa.Column('overlaps', sa.Integer(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
    )
    op.create_index('ix_air_import_sha256', 'air_import', ['sha256'])


def downgrade():
    op.drop_index('ix_air_import_sha256', table_name='air_import')
    op.drop_table('air_import')
    op.drop_table('air_annual')
    op.drop_index('ix_air_daily_kind_date', table_name='air_daily')
    op.drop_table('air_daily')
    op.drop_table('air_hourly')
