"""air quality: hourly observations stored one row per station-day (air_hour_day)

Revision ID: 0005_air_hour_day
Revises: 0004_history
Create Date: 2026-11-30

Why: a year of the 24 stations is 210,240 station-hours but 8,760 station-days; writing one
row per hour made an import spend most of its time in the database. Existing rows of
air_hourly are converted (values, recomputed AQI and the file each hour came from), so no
observation is lost; the downgrade converts back.

The byte layout is frozen here on purpose (it must not follow later code changes):
observed float64 LE [8 × 24] in the order pm25, pm10, so2, no2, co, o3, so2_24h, aqi_published
(NaN = no value); recomputed int16 LE [3 × 24] = AQI, level, primary-pollutant bit mask
(bit i = pm25, pm10, so2, no2, co, o3), -1 = none; sources int32 LE [24] = air_import.id, 0 = none.
"""
import json
from datetime import datetime, time

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = '0005_air_hour_day'
down_revision = '0004_history'
branch_labels = None
depends_on = None

OBSERVED = ('pm25', 'pm10', 'so2', 'no2', 'co', 'o3', 'so2_24h', 'aqi_published')
POLLUTANTS = ('pm25', 'pm10', 'so2', 'no2', 'co', 'o3')
PRECEDENCE = {'china_sites': 2, 'cnemc_long': 1}


def _hourly_table(meta):
    return sa.Table(
        'air_hourly', meta,
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('station', sa.String(16), nullable=False),
        sa.Column('time', sa.DateTime(), nullable=False),
        *[sa.Column(n, sa.Float(), nullable=True) for n in OBSERVED[:7]],
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


def _day_table(meta):
    return sa.Table(
        'air_hour_day', meta,
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('station', sa.String(16), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('observed', sa.LargeBinary(), nullable=False),
        sa.Column('recomputed', sa.LargeBinary(), nullable=False),
        sa.Column('sources', sa.LargeBinary(), nullable=False),
        sa.Column('primary_published', sa.Text(), nullable=True),
        sa.Column('hours', sa.Integer(), nullable=False),
        sa.Column('standard', sa.String(32), nullable=False),
        sa.UniqueConstraint('station', 'date', name='uq_air_hour_day_station_date'),
    )


def _imports(conn):
    rows = conn.execute(sa.text('SELECT id, file_name, layout FROM air_import ORDER BY id')).all()
    return rows


def upgrade():
    conn = op.get_bind()
    meta = sa.MetaData()
    hourly = _hourly_table(meta)
    day = _day_table(meta)
    day.create(conn)
    by_name = {r.file_name: r.id for r in _imports(conn)}  # the latest import of each file name
    days = {}
    for r in conn.execute(sa.select(hourly).order_by(hourly.c.station, hourly.c.time)):
        m = r._mapping
        key = (m['station'], m['time'].date())
        d = days.get(key)
        if d is None:
            d = days[key] = {'obs': np.full((8, 24), np.nan), 'rec': np.full((3, 24), -1, dtype='<i2'),
                             'src': np.zeros(24, dtype='<i4'), 'pp': [None] * 24, 'standard': m['standard']}
        h = m['time'].hour
        for j, f in enumerate(OBSERVED):
            if m[f] is not None:
                d['obs'][j, h] = float(m[f])
        mask = sum(1 << i for i, p in enumerate(POLLUTANTS) if p in (m['primary'] or '').split(','))
        d['rec'][:, h] = [m['aqi'] if m['aqi'] is not None else -1, m['level'] if m['level'] is not None else -1,
                          mask if m['aqi'] is not None else -1]
        if m['source'] not in by_name:
            # Every hour was logged with its file; refuse to convert rather than lose its origin.
            raise RuntimeError(f"air_hourly {m['station']} {m['time']}: source {m['source']!r} is not in air_import")
        d['src'][h] = by_name[m['source']]
        d['pp'][h] = m['primary_published'] or None
    rows = [{'station': s, 'date': dt, 'observed': d['obs'].astype('<f8').tobytes(),
             'recomputed': d['rec'].tobytes(), 'sources': d['src'].tobytes(),
             'primary_published': json.dumps(d['pp'], ensure_ascii=False) if any(d['pp']) else None,
             'hours': int((d['src'] > 0).sum()),
             'standard': d['standard']} for (s, dt), d in days.items()]
    if rows:
        conn.execute(day.insert(), rows)
    op.drop_table('air_hourly')


def downgrade():
    conn = op.get_bind()
    meta = sa.MetaData()
    hourly = _hourly_table(meta)
    day = _day_table(meta)
    hourly.create(conn)
    imports = {r.id: r for r in _imports(conn)}
    out = []
    for r in conn.execute(sa.select(day)):
        m = r._mapping
        obs = np.frombuffer(m['observed'], dtype='<f8').reshape(8, 24)
        rec = np.frombuffer(m['recomputed'], dtype='<i2').reshape(3, 24)
        src = np.frombuffer(m['sources'], dtype='<i4')
        pp = json.loads(m['primary_published']) if m['primary_published'] else [None] * 24
        for h in np.flatnonzero(src > 0):
            imp = imports.get(int(src[h]))
            row = {f: None if np.isnan(obs[j, h]) else float(obs[j, h]) for j, f in enumerate(OBSERVED)}
            row['aqi_published'] = None if row['aqi_published'] is None else int(row['aqi_published'])
            aqi, level, mask = (int(x) for x in rec[:, h])
            row.update({
                'station': m['station'], 'time': datetime.combine(m['date'], time(int(h))),
                'primary_published': pp[h], 'aqi': None if aqi < 0 else aqi, 'level': None if level < 0 else level,
                'primary': ','.join(p for i, p in enumerate(POLLUTANTS) if mask > 0 and mask & (1 << i)) or None,
                'standard': m['standard'], 'source': imp.file_name if imp else '',
                'precedence': PRECEDENCE.get(imp.layout, 0) if imp else 0,
            })
            out.append(row)
    if out:
        conn.execute(hourly.insert(), out)
    op.drop_table('air_hour_day')
