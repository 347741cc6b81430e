"""instants stored in UTC (docs/time.md)

Revision ID: 0006_utc_instants
Revises: 0005_air_hour_day
Create Date: 2026-12-05

Why: tips, their audit log and staff accounts stored Suzhou wall-clock time without a zone,
while the history stored UTC and the air import log the host's local time; Babel then read
every naive value as UTC, so tip receipts and the staff desk were 8 hours off. From here on
every instant column holds UTC (the `UTCDateTime` type); this migration converts the rows
already stored. The column types do not change (naive DATETIME/TIMESTAMP), only the values.

- tips, tip_events, staff_users: Suzhou time (Asia/Shanghai, UTC+8 since 1991) -> UTC.
- air_import.imported_at: written by `datetime.now()`, i.e. the local time of the host that
  imported; converted with the local zone of the host running this migration (the same
  machine in every deployment we know of).
- history tables: already UTC, unchanged.
- tip_events is append-only in the application (an ORM guard), not in the database, so its
  timestamps can be corrected here.
"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0006_utc_instants'
down_revision = '0005_air_hour_day'
branch_labels = None
depends_on = None

SUZHOU = ZoneInfo('Asia/Shanghai')
# Frozen here on purpose: later code may add columns, this migration must not follow.
SUZHOU_COLUMNS = {
    'tips': ('occurred_at', 'submitted_at', 'consent_at', 'first_action_at', 'closed_at',
             'personal_data_purged_at'),
    'tip_events': ('at',),
    'staff_users': ('created_at', 'locked_until', 'last_login_at'),
}
HOST_LOCAL_COLUMNS = {'air_import': ('imported_at',)}


def _suzhou_to_utc(v: datetime) -> datetime:
    return v.replace(tzinfo=SUZHOU).astimezone(UTC).replace(tzinfo=None)


def _utc_to_suzhou(v: datetime) -> datetime:
    return v.replace(tzinfo=UTC).astimezone(SUZHOU).replace(tzinfo=None)


def _host_to_utc(v: datetime) -> datetime:
    return v.astimezone().astimezone(UTC).replace(tzinfo=None)  # naive.astimezone() = host zone


def _utc_to_host(v: datetime) -> datetime:
    return v.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def _convert(tables: dict[str, tuple[str, ...]], fn) -> None:
    bind = op.get_bind()
    for name, columns in tables.items():
        t = sa.table(name, sa.column('id', sa.Integer()), *[sa.column(c, sa.DateTime()) for c in columns])
        rows = bind.execute(sa.select(t)).all()
        for row in rows:
            values = {c: fn(getattr(row, c)) for c in columns if getattr(row, c) is not None}
            if values:
                bind.execute(t.update().where(t.c.id == row.id).values(**values))


def upgrade():
    _convert(SUZHOU_COLUMNS, _suzhou_to_utc)
    _convert(HOST_LOCAL_COLUMNS, _host_to_utc)


def downgrade():
    _convert(SUZHOU_COLUMNS, _utc_to_suzhou)
    _convert(HOST_LOCAL_COLUMNS, _utc_to_host)
