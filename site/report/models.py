"""Tables of citizen tips: tips, their photos, the append-only audit log, and staff accounts.

Every timestamp is an instant stored in UTC (`clock.UTCDateTime`, docs/time.md); pages show Suzhou time.
Name and phone are stored only encrypted (Fernet); the claim PIN only as an Argon2 hash.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime
from ..extensions import db


class Tip(db.Model):
    __tablename__ = "tips"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # A random token per rendered form: the same form posted twice yields one tip, not two.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    district: Mapped[str | None] = mapped_column(String(40), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None] = mapped_column(Float)  # WGS-84
    lon: Mapped[float | None] = mapped_column(Float)
    location_source: Mapped[str] = mapped_column(String(12), default="none")  # map | device | none
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # What the citizen wrote. Never updated: redaction writes the *_redacted columns instead.
    description: Mapped[str] = mapped_column(Text)
    polluter: Mapped[str] = mapped_column(String(200), default="")
    description_redacted: Mapped[str | None] = mapped_column(Text)
    polluter_redacted: Mapped[str | None] = mapped_column(String(200))
    identity: Mapped[str] = mapped_column(String(12))  # anonymous | real_name
    claim_pin_hash: Mapped[str | None] = mapped_column(String(200))
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    not_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locale: Mapped[str] = mapped_column(String(8), default="zh_Hans")
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    rejection_reason: Mapped[str | None] = mapped_column(String(30))
    reward_status: Mapped[str | None] = mapped_column(String(20))
    routed_to: Mapped[str | None] = mapped_column(String(60))  # department slug
    # Duplicates point at the first tip of their cluster, which keeps priority for the reward.
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"), index=True)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Seconds from submission to the first staff action (set with first_action_at): the public
    # statistics take its median through an index instead of reading every tip.
    first_action_wait: Mapped[int | None] = mapped_column(Integer, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    photos: Mapped[list[TipPhoto]] = relationship(back_populates="tip", order_by="TipPhoto.id")
    events: Mapped[list[TipEvent]] = relationship(back_populates="tip", order_by="TipEvent.id")

    __table_args__ = (
        Index("ix_tips_category_occurred", "category", "occurred_at"),
        # Covering indexes of the public statistics' GROUP BYs (they also serve the staff
        # queue's filters on status, district and responsible body).
        Index("ix_tips_routed_category", "routed_to", "category"),
        Index("ix_tips_status_district", "status", "district"),
    )


class TipPhoto(db.Model):
    __tablename__ = "tip_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)

    tip: Mapped[Tip] = relationship(back_populates="photos")


class TipEvent(db.Model):
    """Audit log: one row per action (who, when, from, to, note). Rows are never changed or deleted."""

    __tablename__ = "tip_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))  # staff username, or "citizen" / "system"
    action: Mapped[str] = mapped_column(String(30))
    from_value: Mapped[str | None] = mapped_column(String(60))
    to_value: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text, default="")
    # Public events (status changes) appear on the tip's status page, without actor or note.
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    tip: Mapped[Tip] = relationship(back_populates="events")


class StaffUser(db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))  # reviewer | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Sessions, login throttling and the desk's audit log: cleanair.staff.models.
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@event.listens_for(TipEvent, "before_update")
@event.listens_for(TipEvent, "before_delete")
def _audit_log_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError("the tip audit log is append-only")
