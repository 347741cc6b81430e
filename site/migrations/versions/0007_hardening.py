"""hardening: server-side staff sessions, login throttling per account and address, staff audit log

Revision ID: 0007_hardening
Revises: 0006_utc_instants
Create Date: 2026-12-05

Why (issue 14): a copied session cookie kept working after logout, and six wrong passwords
locked any account for everybody. Sessions now live in `staff_sessions` (the cookie holds a
random token, the table its SHA-256) and end on logout, when the account is disabled or its
password changes, after an idle time, or when too old. Failed logins are throttled per account
name and client address with growing waits (`staff_login_throttle`) instead of the account lock,
so `staff_users.failed_logins` and `locked_until` go. Logins, logouts and exports are recorded
in `staff_audit` (append-only in the application). Every instant is UTC (docs/time.md).

Downgrade drops the new tables (their contents are lost: sessions simply end) and restores the
two lock columns, empty.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_hardening"
down_revision = "0006_utc_instants"
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


def downgrade():
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.drop_index("ix_staff_audit_at", table_name="staff_audit")
    op.drop_table("staff_audit")
    op.drop_index("ix_staff_login_throttle_last_failure_at", table_name="staff_login_throttle")
    op.drop_table("staff_login_throttle")
    op.drop_index("ix_staff_sessions_user_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
