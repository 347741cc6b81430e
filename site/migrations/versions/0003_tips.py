"""tips: citizen tips, photos, append-only audit log, staff accounts

Revision ID: 0003_tips
Revises: 0002_air
Create Date: 2026-11-30

"""
import sqlalchemy as sa
from alembic import op

revision = "0003_tips"
down_revision = "0002_air"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tips",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("submission_key", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("district", sa.String(40), nullable=True),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("location_source", sa.String(12), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("polluter", sa.String(200), nullable=False),
        sa.Column("description_redacted", sa.Text(), nullable=True),
        sa.Column("polluter_redacted", sa.String(200), nullable=True),
        sa.Column("identity", sa.String(12), nullable=False),
        sa.Column("claim_pin_hash", sa.String(200), nullable=True),
        sa.Column("name_enc", sa.LargeBinary(), nullable=True),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("not_staff", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rejection_reason", sa.String(30), nullable=True),
        sa.Column("reward_status", sa.String(20), nullable=True),
        sa.Column("routed_to", sa.String(60), nullable=True),
        sa.Column("cluster_id", sa.Integer(), sa.ForeignKey("tips.id", name="fk_tips_cluster_id_tips"), nullable=True),
        sa.Column("first_action_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("personal_data_purged_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("code", name="uq_tips_code"),
        sa.UniqueConstraint("submission_key", name="uq_tips_submission_key"),
    )
    op.create_index("ix_tips_category", "tips", ["category"])
    op.create_index("ix_tips_district", "tips", ["district"])
    op.create_index("ix_tips_submitted_at", "tips", ["submitted_at"])
    op.create_index("ix_tips_status", "tips", ["status"])
    op.create_index("ix_tips_routed_to", "tips", ["routed_to"])
    op.create_index("ix_tips_cluster_id", "tips", ["cluster_id"])
    op.create_index("ix_tips_category_occurred", "tips", ["category", "occurred_at"])

    op.create_table(
        "tip_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tip_id", sa.Integer(), sa.ForeignKey("tips.id", name="fk_tip_photos_tip_id_tips"), nullable=False),
        sa.Column("storage_key", sa.String(80), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.UniqueConstraint("storage_key", name="uq_tip_photos_storage_key"),
    )
    op.create_index("ix_tip_photos_tip_id", "tip_photos", ["tip_id"])

    op.create_table(
        "tip_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tip_id", sa.Integer(), sa.ForeignKey("tips.id", name="fk_tip_events_tip_id_tips"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_value", sa.String(60), nullable=True),
        sa.Column("to_value", sa.String(60), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_tip_events_tip_id", "tip_events", ["tip_id"])

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("username", name="uq_staff_users_username"),
    )


def downgrade():
    op.drop_table("staff_users")
    op.drop_index("ix_tip_events_tip_id", table_name="tip_events")
    op.drop_table("tip_events")
    op.drop_index("ix_tip_photos_tip_id", table_name="tip_photos")
    op.drop_table("tip_photos")
    for ix in ("ix_tips_category_occurred", "ix_tips_cluster_id", "ix_tips_routed_to", "ix_tips_status",
               "ix_tips_submitted_at", "ix_tips_district", "ix_tips_category"):
        op.drop_index(ix, table_name="tips")
    op.drop_table("tips")
