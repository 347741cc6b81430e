"""history: change history of the data files, data releases

Revision ID: 0004_history
Revises: 0003_tips
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


revision = "0004_history"
down_revision = "0003_tips"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "history_snapshot",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False, unique=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("records", sa.Text(), nullable=False),
        sa.Column("baseline_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "history_release",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(40), nullable=False, unique=True),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("change_count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "history_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(200), nullable=False),
        sa.Column("field", sa.String(80), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("change_source", sa.Text(), nullable=False),
        sa.Column("change_source_url", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("target", sa.String(100), nullable=True),
        sa.Column("task", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("district", sa.String(100), nullable=True),
        sa.Column("release_id", sa.Integer(), sa.ForeignKey("history_release.id"), nullable=True),
    )
    for col in ("entity", "effective_date", "target", "task", "department", "district"):
        op.create_index(f"ix_history_change_{col}", "history_change", [col])
    op.create_table(
        "history_release_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("release_id", sa.Integer(), sa.ForeignKey("history_release.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(80), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_history_release_file_release_id", "history_release_file", ["release_id"])


def downgrade():
    op.drop_table("history_release_file")
    op.drop_table("history_change")
    op.drop_table("history_release")
    op.drop_table("history_snapshot")
