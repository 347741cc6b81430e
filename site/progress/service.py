"""The progress loop: drafts, publication, sending back; published records for every page.

Views and the CLI call these functions; they hold no request logic. Rules (who may draft
what, states, overdue) come from `cleanair.domain.progress`. Every step is written to the
append-only audit log (`progress_events`); every publication also becomes a change in the
site's history (`/changes`, Atom feeds) and a new data release.

Published records are read once per data version (the newest audit-log id, one indexed query)
and shared by every page of every worker; nothing is recomputed per request otherwise.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .. import clock, vcache
from ..domain import history as h
from ..domain import progress as dp
from ..domain.evidence import CleanFile
from ..domain.plan import IndicatorValue, Plan
from ..extensions import db
from ..report.models import StaffUser
from ..report.storage import FilesystemStorage
from ..services import plan, today
from .models import IndicatorReport, ProgressEvent, ProgressReport, StaffDepartment

log = logging.getLogger(__name__)
EXTENSION = "cleanair_progress"
REPORT, VALUE = "report", "value"


class NotAllowed(PermissionError):
    """The signed-in account may not do this (the views answer 403)."""


class Invalid(ValueError):
    """The input breaks a rule; `errors` holds field codes (the form shows them translated)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass
class ProgressRuntime:
    storage: FilesystemStorage
    lock: threading.Lock = field(default_factory=threading.Lock)
    version: str | None = None
    cache: dict[str, Any] = field(default_factory=dict)


def init_runtime(app: Flask) -> ProgressRuntime:
    folder = Path(app.config.get("PROGRESS_FILE_DIR") or Path(app.instance_path) / "progress-files")
    rt = ProgressRuntime(FilesystemStorage(folder))
    app.extensions[EXTENSION] = rt
    return rt


def runtime() -> ProgressRuntime:
    return current_app.extensions[EXTENSION]


def now() -> datetime:
    return clock.now_utc()


# --- staff accounts and their bodies -----------------------------------------------------------


def bodies_of(user: StaffUser) -> list[str]:
    return list(db.session.scalars(select(StaffDepartment.department).where(StaffDepartment.staff_id == user.id)
                                   .order_by(StaffDepartment.department)))


def set_bodies(user: StaffUser, slugs: Iterable[str], p: Plan | None = None) -> None:
    """Link an editor to responsible bodies (slugs of content/plan/departments.yaml)."""
    p = p or plan()
    slugs = list(dict.fromkeys(slugs))
    unknown = [s for s in slugs if p.department(s) is None]
    if unknown:
        raise Invalid([f"department:{s}" for s in unknown])
    for row in db.session.scalars(select(StaffDepartment).where(StaffDepartment.staff_id == user.id)):
        db.session.delete(row)
    db.session.flush()
    db.session.add_all(StaffDepartment(staff_id=user.id, department=s) for s in slugs)


# --- data version and cache -----------------------------------------------------------------


def version() -> str:
    """Changes with every step of the loop (cache key for pages, maps and target values)."""
    if has_request_context() and "progress_version" in g:
        return g.progress_version
    try:
        last = db.session.scalar(select(func.max(ProgressEvent.id)))
    except SQLAlchemyError:
        # Pages must not fail while the database is not upgraded yet: no published progress.
        db.session.rollback()
        last = None
    value = f"progress-{last or 0}"
    if has_request_context():
        g.progress_version = value
    return value


def _cached(name: str, build):
    return vcache.cached(runtime(), version(), name, build)


def _forget_request_version() -> None:
    if has_request_context():
        g.pop("progress_version", None)


# --- audit log ------------------------------------------------------------------------------


def _log(kind: str, record_id: int, actor: str, action: str, old: str | None, new: str | None, note: str = "") -> None:
    db.session.add(ProgressEvent(kind=kind, record_id=record_id, at=now(), actor=actor, action=action,
                                 from_state=old, to_state=new, note=note or ""))


def events(kind: str, record_id: int) -> list[ProgressEvent]:
    return list(db.session.scalars(select(ProgressEvent).where(ProgressEvent.kind == kind, ProgressEvent.record_id == record_id)
                                   .order_by(ProgressEvent.id)))


# --- drafts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportInput:
    """A progress report as typed (the form or a CSV row has parsed it already)."""

    task: int | None
    district: str | None
    status: str
    as_of: date | None
    source_title: str = ""
    source_url: str = ""
    source_doc_no: str = ""
    source_issuer: str = ""
    source_date: date | None = None
    republished_by: str = ""
    note: str = ""


@dataclass(frozen=True)
class ValueInput:
    target: str
    value: float | None
    date: date | None
    period: str
    source_title: str = ""
    source_url: str = ""
    source_issuer: str = ""
    source_date: date | None = None
    republished_by: str = ""
    note: str = ""


def check_report(user: StaffUser, data: ReportInput) -> None:
    """Raise NotAllowed or Invalid; nothing is written."""
    p = plan()
    task = p.task(data.task) if data.task is not None else None
    if task is not None and not dp.may_draft(user.role, bodies_of(user), p, task):
        raise NotAllowed("this account's body has no role in that task")
    errors = dp.report_errors(p, data.task, data.district, data.status, data.as_of, today(),
                              data.source_title, data.source_url, data.source_doc_no)
    if data.source_date and data.source_date > today():
        errors.append("source_date_future")
    if errors:
        raise Invalid(errors)


def check_value(user: StaffUser, data: ValueInput) -> None:
    p = plan()
    if p.target(data.target) is not None and not dp.may_draft_value(user.role, bodies_of(user), p, data.target):
        raise NotAllowed("this account's body has no role in that target's tasks")
    errors = dp.value_errors(p, data.target, data.value, data.date, data.period, today(), data.source_title,
                             data.source_url)
    if data.source_date and data.source_date > today():
        errors.append("source_date_future")
    if errors:
        raise Invalid(errors)


def _apply(record: Any, data: Any) -> None:
    for key, value in data.__dict__.items():
        setattr(record, key, value.strip() if isinstance(value, str) else value)


def _store_file(record: ProgressReport, clean: CleanFile | None) -> str | None:
    """Attach a sanitised file; returns the key of a file it replaces (deleted after commit)."""
    if clean is None:
        return None
    old = record.attachment_key
    record.attachment_key = runtime().storage.save(clean.data, clean.extension)
    record.attachment_type = clean.content_type
    record.attachment_size = len(clean.data)
    return old


def create(kind: str, user: StaffUser, data: ReportInput | ValueInput, submission_key: str,
           attachment: CleanFile | None = None, action: str = "drafted") -> tuple[Any, bool]:
    """A new draft, committed; (record, created). The same form posted twice gives one draft."""
    model = ProgressReport if kind == REPORT else IndicatorReport
    (check_report if kind == REPORT else check_value)(user, data)  # type: ignore[arg-type]
    existing = db.session.scalar(select(model).where(model.submission_key == submission_key))
    if existing is not None:
        return existing, False
    stamp = now()
    record = model(submission_key=submission_key, state=dp.DRAFT, created_by=user.username, created_at=stamp,
                   updated_at=stamp, returned_reason="")
    _apply(record, data)
    if kind == REPORT:
        _store_file(record, attachment)
    db.session.add(record)
    try:
        db.session.flush()
        _log(kind, record.id, user.username, action, None, dp.DRAFT)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if kind == REPORT and record.attachment_key:
            runtime().storage.delete(record.attachment_key)
        again = db.session.scalar(select(model).where(model.submission_key == submission_key))
        if again is None:
            raise
        return again, False
    _forget_request_version()
    return record, True


def may_edit(user: StaffUser, kind: str, record: Any) -> bool:
    """Editors revise their own body's drafts; the plan office revises any draft."""
    if record.state not in dp.OPEN_STATES:
        return False
    p = plan()
    if kind == REPORT:
        task = p.task(record.task)
        return task is not None and dp.may_draft(user.role, bodies_of(user), p, task)
    return dp.may_draft_value(user.role, bodies_of(user), p, record.target)


def may_view(user: StaffUser, kind: str, record: Any) -> bool:
    return dp.can_publish(user.role) or record.created_by == user.username or may_edit(user, kind, record)


def update(kind: str, user: StaffUser, record: Any, data: ReportInput | ValueInput,
           attachment: CleanFile | None = None) -> None:
    """Revise an open draft; a returned draft goes back to the plan office as a draft."""
    if not may_edit(user, kind, record):
        raise NotAllowed("this draft cannot be edited by this account")
    (check_report if kind == REPORT else check_value)(user, data)  # type: ignore[arg-type]
    dp.check_transition(record.state, dp.DRAFT, user.role)
    old_state = record.state
    _apply(record, data)
    replaced = _store_file(record, attachment) if kind == REPORT else None
    record.state = dp.DRAFT
    record.updated_at = now()
    _log(kind, record.id, user.username, "edited", old_state, dp.DRAFT)
    db.session.commit()
    if replaced:
        runtime().storage.delete(replaced)
    _forget_request_version()


def send_back(kind: str, user: StaffUser, record: Any, reason: str) -> None:
    dp.check_transition(record.state, dp.RETURNED, user.role, reason)
    old = record.state
    record.state, record.returned_reason, record.updated_at = dp.RETURNED, reason.strip(), now()
    _log(kind, record.id, user.username, "returned", old, dp.RETURNED, reason.strip())
    db.session.commit()
    _forget_request_version()


def discard(kind: str, user: StaffUser, record: Any, reason: str = "") -> None:
    if not (may_edit(user, kind, record) or dp.can_publish(user.role)):
        raise NotAllowed("this draft cannot be discarded by this account")
    dp.check_transition(record.state, dp.DISCARDED, user.role)
    old = record.state
    record.state, record.updated_at = dp.DISCARDED, now()
    _log(kind, record.id, user.username, "discarded", old, dp.DISCARDED, reason.strip())
    db.session.commit()
    _forget_request_version()


def publish(kind: str, user: StaffUser, record: Any) -> None:
    """Publish a draft: public from now on, in the history and the feeds, in a new release."""
    dp.check_transition(record.state, dp.PUBLISHED, user.role)
    # Rules may have changed since drafting (e.g. an as-of date now valid): check again.
    data = _input_of(kind, record)
    errors = (dp.report_errors(plan(), data.task, data.district, data.status, data.as_of, today(), data.source_title,
                               data.source_url, data.source_doc_no) if kind == REPORT else
              dp.value_errors(plan(), data.target, data.value, data.date, data.period, today(), data.source_title,
                              data.source_url))
    if errors:
        raise Invalid(errors)
    stamp = now()
    old = record.state
    change = _history_change(kind, record, stamp)
    record.state, record.published_by, record.published_at, record.updated_at = dp.PUBLISHED, user.username, stamp, stamp
    _log(kind, record.id, user.username, "published", old, dp.PUBLISHED)
    db.session.add(change)
    db.session.commit()
    _forget_request_version()
    _release(kind, record, change)


def _input_of(kind: str, r: Any) -> Any:
    if kind == REPORT:
        return ReportInput(r.task, r.district, r.status, r.as_of, r.source_title, r.source_url, r.source_doc_no,
                           r.source_issuer, r.source_date, r.republished_by, r.note)
    return ValueInput(r.target, r.value, r.date, r.period, r.source_title, r.source_url, r.source_issuer,
                      r.source_date, r.republished_by, r.note)


# --- history and releases -----------------------------------------------------------------------


def _history_change(kind: str, record: Any, stamp: datetime):
    """The change row a publication adds to /changes and the Atom feeds (docs/history.md)."""
    from ..history.models import HistoryChange

    common = {"source": "progress", "change_source": _citation(record), "change_source_url": record.source_url or "",
              "note": record.note or "", "recorded_at": stamp}
    if kind == REPORT:
        scope = record.district or "city"
        previous = db.session.scalar(
            select(ProgressReport.status).where(ProgressReport.state == dp.PUBLISHED, ProgressReport.task == record.task,
                                                ProgressReport.district.is_(None) if record.district is None
                                                else ProgressReport.district == record.district)
            .order_by(ProgressReport.as_of.desc(), ProgressReport.published_at.desc(), ProgressReport.id.desc()).limit(1))
        return HistoryChange(entity=f"progress:{scope}/{record.task}", field="status",
                             old_value=h.to_json_text(previous), new_value=h.to_json_text(record.status),
                             effective_date=record.as_of, target=None, task=record.task, department=None,
                             district=record.district, **common)
    key = f"value:{record.target}/{record.date.isoformat()}/{record.period}"
    previous = db.session.scalar(
        select(IndicatorReport.value).where(IndicatorReport.state == dp.PUBLISHED, IndicatorReport.target == record.target,
                                            IndicatorReport.date == record.date, IndicatorReport.period == record.period)
        .order_by(IndicatorReport.published_at.desc(), IndicatorReport.id.desc()).limit(1))
    if previous is None:
        field_name, old, new = "", None, {"value": record.value, "source_title": record.source_title,
                                          "source_url": record.source_url, "note": record.note}
    else:
        field_name, old, new = "value", previous, record.value
    # A value's date is the period it covers; the change takes effect on the day it is published.
    return HistoryChange(entity=key, field=field_name, old_value=h.to_json_text(old), new_value=h.to_json_text(new),
                         effective_date=clock.local_date(stamp), target=record.target, task=None, department=None,
                         district=None, **common)


def _citation(record: Any, locale: str | None = None) -> str:
    """The source as published: title, issuer, date; a republication says by whom (in the
    page's language; None = both, for the history, which stores one text for both)."""
    parts = [record.source_title]
    if record.source_issuer:
        parts.append(record.source_issuer)
    if record.source_date:
        parts.append(record.source_date.isoformat())
    if getattr(record, "source_doc_no", ""):
        parts.append(record.source_doc_no)
    text = ", ".join(p for p in parts if p)
    if record.republished_by:
        word = {"zh_Hans": "转载", "en": "republished by"}.get(locale or "", "转载 / republished by")
        text += f" ({word}: {record.republished_by})" if locale != "zh_Hans" else f"（{word}：{record.republished_by}）"
    return text


def _release(kind: str, record: Any, change: Any) -> None:
    """Cut a data release for the publication (downloads change) and refresh the history."""
    from ..history import store

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("PROGRESS_RELEASE_ON_PUBLISH", True):
        store.refresh(app)
        return
    try:
        store.cut_release(app, note=f"published {kind} {record.id}", changes=[change])
        db.session.commit()
    except Exception:  # noqa: BLE001 — the publication stands; the next release will include it
        db.session.rollback()
        log.exception("progress: could not cut a release after publishing %s %s", kind, record.id)
    store.refresh(app)


# --- published records for pages ------------------------------------------------------------------


def _report_record(r: ProgressReport) -> dict[str, Any]:
    """The public JSON contract of one published progress report."""
    return {
        "id": r.id,
        "task": r.task,
        "district": r.district,
        "status": r.status,
        "as_of": r.as_of.isoformat(),
        "source_title": r.source_title,
        "source_url": r.source_url or None,
        "source_doc_no": r.source_doc_no or None,
        "source_issuer": r.source_issuer or None,
        "source_date": r.source_date.isoformat() if r.source_date else None,
        "republished_by": r.republished_by or None,
        "note": r.note,
        "attachment": f"/progress/files/{r.attachment_key}" if r.attachment_key else None,
        "published_at": clock.isoformat(r.published_at) if r.published_at else None,
    }


@dataclass(frozen=True)
class Published:
    records: list[dict[str, Any]]  # newest first (as_of, then publication)
    reports: list[dp.Report]
    by_task: dict[int, list[dict[str, Any]]]
    by_id: dict[int, dict[str, Any]]


def published() -> Published:
    """Every published progress report (cached per data version)."""
    return _cached("published", _build_published)


def _build_published() -> Published:
    rows = list(db.session.scalars(select(ProgressReport).where(ProgressReport.state == dp.PUBLISHED)))
    reports = [dp.Report(r.task, r.district, r.status, r.as_of, r.published_at, r.id) for r in rows]
    order = {rep.ident: i for i, rep in enumerate(dp.newest_first(reports))}
    records = sorted((_report_record(r) for r in rows), key=lambda rec: order[rec["id"]])
    by_task: dict[int, list[dict[str, Any]]] = {}
    for rec in records:
        by_task.setdefault(rec["task"], []).append(rec)
    return Published(records, reports, by_task, {rec["id"]: rec for rec in records})


def published_as_of(day: date) -> tuple[list[dp.Report], list[dict[str, Any]]]:
    """Reports as the site showed them at the end of `day` (Suzhou time): published by then."""
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=clock.site_zone())
    pub = published()
    keep = {r.ident for r in pub.reports if r.published_at is not None and r.published_at < end}
    return [r for r in pub.reports if r.ident in keep], [rec for rec in pub.records if rec["id"] in keep]


def latest_published(limit: int = 10) -> list[dict[str, Any]]:
    """The newest publications (by publication time), for /progress."""
    return sorted(published().records, key=lambda rec: (rec["published_at"] or "", rec["id"]), reverse=True)[:limit]


def published_values() -> dict[str, list[IndicatorValue]]:
    """Published indicator values by target slug (cached per data version and language)."""
    from ..i18n import current_locale

    locale = current_locale() if has_request_context() else "zh_Hans"
    return _cached(f"values:{locale}", lambda: _build_values(locale))


def _build_values(locale: str) -> dict[str, list[IndicatorValue]]:
    out: dict[str, list[IndicatorValue]] = {}
    rows = db.session.scalars(select(IndicatorReport).where(IndicatorReport.state == dp.PUBLISHED)
                              .order_by(IndicatorReport.published_at, IndicatorReport.id))
    for r in rows:
        out.setdefault(r.target, []).append(IndicatorValue(
            slug=r.target, value=float(r.value), date=r.date, period=r.period, source_title=_citation(r, locale),
            source_url=r.source_url, note=r.note))
    return out


def indicator_provider() -> dict[str, list[IndicatorValue]]:
    """Registered in SiteData.providers: published values feed the one target status function."""
    try:
        return published_values()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("progress tables unavailable; run `flask --app wsgi db upgrade`", exc_info=True)
        return {}


# --- staff lists --------------------------------------------------------------------------


def open_records(user: StaffUser, states: Iterable[str] = dp.OPEN_STATES) -> list[tuple[str, Any]]:
    """Drafts and returned records this account may see, newest first."""
    states = tuple(states)
    out: list[tuple[str, Any]] = []
    for kind, model in ((REPORT, ProgressReport), (VALUE, IndicatorReport)):
        for r in db.session.scalars(select(model).where(model.state.in_(states)).order_by(model.updated_at.desc())):
            if may_view(user, kind, r):
                out.append((kind, r))
    out.sort(key=lambda kr: kr[1].updated_at, reverse=True)
    return out


def get(kind: str, record_id: int) -> Any:
    model = ProgressReport if kind == REPORT else IndicatorReport
    return db.session.get(model, record_id)


def attachment(key: str, public_only: bool = True) -> ProgressReport | None:
    """The report an evidence file belongs to (only a published one, for the public route)."""
    q = select(ProgressReport).where(ProgressReport.attachment_key == key)
    if public_only:
        q = q.where(ProgressReport.state == dp.PUBLISHED)
    return db.session.scalar(q)


def task_progress(task: Any, as_of: date | None = None) -> dict[str, Any]:
    """What a task page and its JSON add: published reports (newest first) and `overdue`,
    judged today — or as the site showed them at the end of `as_of`."""
    from .records import task_progress as build

    if as_of is None:
        pub = published()
        return build(task, pub.reports, pub.by_task.get(task.number, []), today())
    reports, records = published_as_of(as_of)
    return build(task, reports, [r for r in records if r["task"] == task.number], as_of)


def task_standings(tasks: Iterable[Any]) -> dict[int, dp.TaskStanding]:
    """Today's standing of each task (done, in progress, overdue, …) for task lists."""
    pub, day = published(), today()
    return {t.number: dp.task_standing(t, pub.reports, day) for t in tasks}


def department_progress(slug: str) -> dict[str, Any]:
    """A body's scorecard: standings of the tasks where it has a role, by role."""
    p = plan()
    pub, day = published(), today()
    rows = []
    for task, role in p.tasks_for_department(slug):
        st = dp.task_standing(task, pub.reports, day)
        rows.append({"number": task.number, "role": role, "standing": st.standing, "overdue": st.overdue,
                     "days_late": st.days_late, "accountable": slug in dp.accountable_bodies(task)})
    from .records import counts_record

    return {"counts": counts_record(dp.counts(r["standing"] for r in rows)),
            "accountable_counts": counts_record(dp.counts(r["standing"] for r in rows if r["accountable"])),
            "tasks": rows}
