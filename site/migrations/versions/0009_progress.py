"""progress: task reports and indicator values through drafts → publish, audit log, editor bodies

Revision ID: 0009_progress
Revises: 0008_air_live
Create Date: 2026-12-05

Why: progress on the plan's tasks and values for its targets are recorded by the responsible
bodies (editors) and published by the plan office (publisher), not edited in CSV files in git
(docs/progress.md). Instants are UTC (`clock.UTCDateTime`); days are dates.
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_progress"
down_revision = "0008_air_live"
branch_labels = None
depends_on = None


def _workflow_columns():
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_key", sa.String(64), nullable=False, unique=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("source_title", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("source_issuer", sa.String(200), nullable=False),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.Column("republished_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(80), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("returned_reason", sa.Text(), nullable=False),
    ]


def upgrade():
    op.create_table(
        "progress_reports",
        *_workflow_columns(),
        sa.Column("task", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(40), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source_doc_no", sa.String(120), nullable=False),
        sa.Column("attachment_key", sa.String(80), nullable=True),
        sa.Column("attachment_type", sa.String(40), nullable=True),
        sa.Column("attachment_size", sa.Integer(), nullable=True),
    )
    op.create_index("ix_progress_reports_state", "progress_reports", ["state"])
    op.create_index("ix_progress_reports_published_at", "progress_reports", ["published_at"])
    op.create_index("ix_progress_reports_task", "progress_reports", ["task"])
    op.create_index("ix_progress_reports_district", "progress_reports", ["district"])
    op.create_index("ix_progress_reports_task_state", "progress_reports", ["task", "state"])
    op.create_table(
        "progress_values",
        *_workflow_columns(),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
    )
    op.create_index("ix_progress_values_state", "progress_values", ["state"])
    op.create_index("ix_progress_values_published_at", "progress_values", ["published_at"])
    op.create_index("ix_progress_values_target", "progress_values", ["target"])
    op.create_table(
        "progress_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_state", sa.String(12), nullable=True),
        sa.Column("to_state", sa.String(12), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_progress_events_record", "progress_events", ["kind", "record_id"])
    op.create_table(
        "staff_departments",
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_users.id"), primary_key=True),
        sa.Column("department", sa.String(100), primary_key=True),
    )


def downgrade():
    op.drop_table("staff_departments")
    op.drop_index("ix_progress_events_record", table_name="progress_events")
    op.drop_table("progress_events")
    for name in ("target", "published_at", "state"):
        op.drop_index(f"ix_progress_values_{name}", table_name="progress_values")
    op.drop_table("progress_values")
    for name in ("task_state", "district", "task", "published_at", "state"):
        op.drop_index(f"ix_progress_reports_{name}", table_name="progress_reports")
    op.drop_table("progress_reports")
