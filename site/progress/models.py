"""Tables of the progress loop (migration 0009_progress): reports, indicator values, their
append-only audit log, and which responsible bodies an editor works for.

Every instant is stored in UTC (`clock.UTCDateTime`, docs/time.md); `as_of`, `date` and
`source_date` are calendar days as the source states them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..clock import UTCDateTime
from ..extensions import db


class _Workflow:
    """What every record of the loop carries: its state, who did what and when, its source."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One token per rendered form: the same form posted twice creates one record, not two.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(12), index=True)
    source_title: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(Text, default="")
    source_issuer: Mapped[str] = mapped_column(String(200), default="")
    source_date: Mapped[date | None] = mapped_column(Date)
    # Set when source_url is a republication (a news site, a forum): who republished it.
    republished_by: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(80))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    returned_reason: Mapped[str] = mapped_column(Text, default="")


class ProgressReport(_Workflow, db.Model):
    """A task's status for the city (district NULL) or one district, as of a day."""

    __tablename__ = "progress_reports"

    task: Mapped[int] = mapped_column(Integer, index=True)
    district: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(12))
    as_of: Mapped[date] = mapped_column(Date)
    source_doc_no: Mapped[str] = mapped_column(String(120), default="")  # 文号
    # Evidence file (PDF or image), sanitised; stored under a random key, never the uploader's name.
    attachment_key: Mapped[str | None] = mapped_column(String(80))
    attachment_type: Mapped[str | None] = mapped_column(String(40))
    attachment_size: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_progress_reports_task_state", "task", "state"),)


class IndicatorReport(_Workflow, db.Model):
    """A value for a target: the fields of data/indicators/values.csv, through the same loop."""

    __tablename__ = "progress_values"

    target: Mapped[str] = mapped_column(String(100), index=True)
    value: Mapped[float] = mapped_column(Float)
    date: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(20))


class ProgressEvent(db.Model):
    """Audit log: every step of every record (who, when, what, from, to, note). Append-only."""

    __tablename__ = "progress_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # report | value
    record_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(30))  # drafted, edited, published, returned, discarded, imported
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")

    @declared_attr.directive
    def __table_args__(cls):  # noqa: N805
        return (Index("ix_progress_events_record", "kind", "record_id"),)


class StaffDepartment(db.Model):
    """The responsible bodies an editor drafts for (a staff account may work for several)."""

    __tablename__ = "staff_departments"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    department: Mapped[str] = mapped_column(String(100), primary_key=True)


@event.listens_for(ProgressEvent, "before_update")
@event.listens_for(ProgressEvent, "before_delete")
def _audit_log_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError("the progress audit log is append-only")
