"""hardening: server-side staff sessions, login throttling per account and address, staff audit log, indexes of the tip statistics

Revision ID: 0010_hardening
Revises: 0009_progress
Create Date: 2026-12-05

Why (issue 14): a copied session cookie kept working after logout, and six wrong passwords
locked any account for everybody. Sessions now live in `staff_sessions` (the cookie holds a
random token, the table its SHA-256) and end on logout, when the account is disabled or its
password changes, after an idle time, or when too old. Failed logins are throttled per account
name and client address with growing waits (`staff_login_throttle`) instead of the account lock,
so `staff_users.failed_logins` and `locked_until` go. Logins, logouts and exports are recorded
in `staff_audit` (append-only in the application). Every instant is UTC (docs/time.md).

The public tip statistics are grouped in the database (they read every tip in Python before):
`tips.first_action_wait` (seconds from submission to the first staff action, filled here from
the stored instants) gets an index for the median, and two covering indexes, (routed_to,
category) and (status, district), replace the single-column ones on routed_to and status.

Downgrade drops the new tables (their contents are lost: sessions simply end), the new column
and indexes (the single-column ones come back), and restores the two lock columns, empty.
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0010_hardening"
down_revision = '0009_progress'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("staff_users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(20), nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(200), nullable=False),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])
    op.create_table(
        "staff_login_throttle",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_staff_login_throttle_last_failure_at", "staff_login_throttle", ["last_failure_at"])
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_staff_audit_at", "staff_audit", ["at"])
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("failed_logins")
        batch.drop_column("locked_until")

    op.add_column("tips", sa.Column("first_action_wait", sa.Integer(), nullable=True))
    tips = sa.table("tips", sa.column("id", sa.Integer()), sa.column("submitted_at", sa.DateTime()),
                    sa.column("first_action_at", sa.DateTime()), sa.column("first_action_wait", sa.Integer()))
    conn = op.get_bind()
    rows = conn.execute(sa.select(tips.c.id, tips.c.submitted_at, tips.c.first_action_at)
                        .where(tips.c.first_action_at.is_not(None))).all()
    waits = [{"i": r.id, "w": int((_instant(r.first_action_at) - _instant(r.submitted_at)).total_seconds())} for r in rows]
    for start in range(0, len(waits), 1000):
        conn.execute(tips.update().where(tips.c.id == sa.bindparam("i")).values(first_action_wait=sa.bindparam("w")),
                     waits[start:start + 1000])
    op.create_index("ix_tips_first_action_wait", "tips", ["first_action_wait"])
    op.create_index("ix_tips_routed_category", "tips", ["routed_to", "category"])
    op.create_index("ix_tips_status_district", "tips", ["status", "district"])
    op.drop_index("ix_tips_routed_to", table_name="tips")
    op.drop_index("ix_tips_status", table_name="tips")


def _instant(value):
    """A stored UTC instant as a datetime (SQLite hands back text when read without the model)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def downgrade():
    op.create_index("ix_tips_status", "tips", ["status"])
    op.create_index("ix_tips_routed_to", "tips", ["routed_to"])
    op.drop_index("ix_tips_status_district", table_name="tips")
    op.drop_index("ix_tips_routed_category", table_name="tips")
    op.drop_index("ix_tips_first_action_wait", table_name="tips")
    with op.batch_alter_table("tips") as batch:
        batch.drop_column("first_action_wait")
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.drop_index("ix_staff_audit_at", table_name="staff_audit")
    op.drop_table("staff_audit")
    op.drop_index("ix_staff_login_throttle_last_failure_at", table_name="staff_login_throttle")
    op.drop_table("staff_login_throttle")
    op.drop_index("ix_staff_sessions_user_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
