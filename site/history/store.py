"""Recording changes and cutting data releases (database side of the change history).

`sync()` compares every tracked source file with its last snapshot. It runs from
`flask history record` and once per process before the first request, so a changed data file
cannot be served without its differences being recorded. Unchanged files cost one SHA-256 per
file and one small query (see benchmarks/history_sync.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_babel import refresh as babel_refresh
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .. import clock
from ..domain import history as h
from ..domain.plan import IndicatorValue, Plan
from ..extensions import db
from .models import DataRelease, HistoryChange, HistorySnapshot, ReleaseFile

log = logging.getLogger(__name__)
EXTENSION = "cleanair_history"


@dataclass
class HistoryState:
    """Per-process view of the history, refreshed by sync() (never rebuilt per request)."""

    synced: bool = False
    error: str | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    version: str | None = None
    released_at: datetime | None = None
    baseline_on: date | None = None
    current: h.Records = field(default_factory=dict)
    changes: list[h.StoredChange] = field(default_factory=list)
    as_of_cache: dict[date, tuple[Plan, dict[str, list[IndicatorValue]]]] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncResult:
    baselines: list[str]
    changes: int
    release: str | None


def state(app: Flask | None = None) -> HistoryState:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.setdefault(EXTENSION, HistoryState())


def _path(app: Flask, name: str) -> Path:
    top, _, rest = name.partition("/")
    return Path(app.config["CONTENT_DIR"] if top == "content" else app.config["DATA_DIR"]) / rest


def _roots(app: Flask, names: tuple[str, ...]) -> list[Path]:
    return [_path(app, n) for n in names]


def current_records(app: Flask) -> dict[str, tuple[h.Records, dict[str, h.Meta]]]:
    """Canonical records and per-record change metadata of every source, as loaded now."""
    data = app.extensions["cleanair"]
    values, values_meta = h.value_records(data.file_values)
    return {
        "targets": (h.target_records(data.plan), h.targets_meta(_path(app, "content/plan/targets.yaml"))),
        "plan": (h.plan_content_records(data.plan), {}),
        "indicators": (values, values_meta),
        "districts": h.progress_records(_path(app, "data/districts/progress.csv")),
    }


def _digest(app: Flask, source: str) -> str:
    h_ = hashlib.sha256(h.CANONICAL_VERSION.encode())
    for name, p in zip(h.SOURCES[source], _roots(app, h.SOURCES[source])):
        h_.update(name.encode() + b"\0" + (p.read_bytes() if p.exists() else b"<missing>") + b"\0")
    return h_.hexdigest()


def _now() -> datetime:
    return clock.now_utc()


def _today() -> date:
    from ..services import today

    return today()


def sync(
    app: Flask,
    *,
    effective: date | None = None,
    source: str = "",
    source_url: str = "",
    note: str = "",
    release: bool = True,
) -> SyncResult:
    """Record differences between the data files and their last snapshots.

    The first load of a source records a baseline (its snapshot), not one change per record.
    Date of a change: the record's own date in the file (targets.yaml `changed`, the as-of
    column of progress.csv), else `effective`, else today in Suzhou. See docs/history.md.
    """
    st = state(app)
    with st.lock:
        # FOR UPDATE: two workers starting together on PostgreSQL diff one after the other (SQLite
        # ignores it; there the unique release version makes the loser roll back, see ensure_synced).
        snapshots = {s.source: s for s in db.session.scalars(select(HistorySnapshot).with_for_update())}
        digests = {name: _digest(app, name) for name in h.SOURCES}
        stale = [name for name in h.SOURCES if name not in snapshots or snapshots[name].digest != digests[name]]
        baselines: list[str] = []
        new_rows: list[HistoryChange] = []
        now, today = _now(), _today()
        if stale:
            loaded = current_records(app)
            for name in stale:
                records, meta = loaded[name]
                snap = snapshots.get(name)
                if snap is None:
                    db.session.add(HistorySnapshot(source=name, digest=digests[name], records=_dump(records),
                                                   baseline_at=now, recorded_at=now))
                    baselines.append(name)
                    continue
                for c in h.diff_records(name, json.loads(snap.records), records):
                    m = meta.get(c.entity) or h.Meta()
                    default_source = f"{', '.join(h.SOURCES[name])} (sha256 {digests[name][:12]})"
                    new_rows.append(HistoryChange(
                        source=name, entity=c.entity, field=c.field,
                        old_value=h.to_json_text(c.old), new_value=h.to_json_text(c.new),
                        effective_date=m.effective or effective or today,
                        change_source=m.source or source or default_source,
                        change_source_url=m.source_url or source_url, note=m.note or note,
                        recorded_at=now, **h.refs(c.entity),
                    ))
                snap.digest, snap.records, snap.recorded_at = digests[name], _dump(records), now
            db.session.add_all(new_rows)
            db.session.flush()
        version = None
        if release and (new_rows or (baselines and _release_count() == 0)):
            label = "baseline" if not new_rows else f"{len(new_rows)} change(s)"
            version = cut_release(app, note=label, changes=new_rows)
        db.session.commit()
        refresh(app)
        return SyncResult(baselines, len(new_rows), version)


def _dump(records: h.Records) -> str:
    return json.dumps(records, ensure_ascii=False, sort_keys=True)


def _release_count() -> int:
    return db.session.scalar(select(func.count(DataRelease.id))) or 0


def refresh(app: Flask) -> None:
    """Load the current snapshot, all changes and the latest release into memory."""
    st = state(app)
    records: h.Records = {}
    first: datetime | None = None
    for snap in db.session.scalars(select(HistorySnapshot)):
        records.update(json.loads(snap.records))
        first = snap.baseline_at if first is None else min(first, snap.baseline_at)
    changes = [
        h.StoredChange(c.id, c.entity, c.field, h.from_json_text(c.old_value), h.from_json_text(c.new_value),
                       c.effective_date)
        for c in db.session.scalars(select(HistoryChange).order_by(HistoryChange.id))
    ]
    latest = db.session.scalars(select(DataRelease).order_by(DataRelease.id.desc()).limit(1)).first()
    st.current, st.changes = records, changes
    st.baseline_on = first.date() if first else None
    st.version = latest.version if latest else None
    st.released_at = latest.created_at if latest else None
    st.as_of_cache.clear()
    st.synced, st.error = True, None


def ensure_synced(app: Flask) -> None:
    """Run once per process before the first request (history cannot be skipped)."""
    st = state(app)
    if st.synced:
        return
    with st.lock:
        if st.synced:
            return
        st.synced = True  # set first: cutting a release renders downloads through the app itself
        try:
            result = sync(app)
            if result.changes or result.baselines:
                log.info("history: baselines %s, %d change(s), release %s", result.baselines, result.changes, result.release)
        except IntegrityError:
            # Another process recorded the same changes first: use what it stored.
            db.session.rollback()
            refresh(app)
        except (SQLAlchemyError, ValueError) as exc:
            db.session.rollback()
            st.error = str(exc)
            log.error("history: could not record changes (%s); run `flask --app wsgi db upgrade` "
                      "and `flask --app wsgi history record`", exc)


# --- releases ----------------------------------------------------------------------------


def _next_version(on: date) -> str:
    same_day = db.session.scalar(select(func.count(DataRelease.id)).where(DataRelease.released_on == on)) or 0
    return f"{on.isoformat()}.{same_day + 1}"


def _forget_locale() -> None:
    if has_app_context():
        babel_refresh()


def release_files(app: Flask) -> list[tuple[str, str, bytes]]:
    """(file name, media type, bytes) of every registered download, rendered by the site itself."""
    client = app.test_client()
    # As a visitor of the public address would get them (the site refuses hosts it does not serve).
    base = app.config.get("SITE_BASE_URL") or "http://localhost"
    out: list[tuple[str, str, bytes]] = []
    wanted = [("data.json", "/data.json", "application/json")]
    for d in app.extensions["cleanair"].datasets:
        wanted.append((f"{d.key}.json", f"{d.path}.json", "application/json"))
        if d.columns:
            wanted.append((f"{d.key}.csv", f"{d.path}.csv", "text/csv"))
    for name, url, media in wanted:
        try:
            # These requests share the app context of whatever cut the release, so they see its
            # uncommitted changes (a separate session would wait on its row locks in PostgreSQL,
            # and miss the new rows). Flask-Babel caches the locale on that context's `g`: clear it
            # on the way in and out, so neither the caller's language nor the download's leaks.
            _forget_locale()
            resp = client.get(url, base_url=base)
        except Exception as exc:  # noqa: BLE001 — one broken download must not block a release
            log.warning("history: release skipped %s: %s", url, exc)
            continue
        finally:
            _forget_locale()
        if resp.status_code != 200:
            log.warning("history: release skipped %s: HTTP %s", url, resp.status_code)
            continue
        out.append((name, media, resp.get_data()))
    return out


def cut_release(app: Flask, note: str = "", changes: list[HistoryChange] | None = None) -> str:
    """Number a release, snapshot every download with its SHA-256, link the changes to it."""
    st = state(app)
    today, now = _today(), _now()
    rel = DataRelease(version=_next_version(today), released_on=today, created_at=now, note=note,
                      change_count=len(changes or ()))
    db.session.add(rel)
    db.session.flush()
    previous = st.version, st.released_at
    # Downloads rendered now must already carry the new version number.
    st.version, st.released_at = rel.version, now
    try:
        for name, media, content in release_files(app):
            db.session.add(ReleaseFile(release_id=rel.id, name=name, media_type=media,
                                       sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                                       content=content))
    except Exception:
        st.version, st.released_at = previous
        raise
    for c in changes or ():
        c.release_id = rel.id
    return rel.version


# --- queries for pages -------------------------------------------------------------------

FILTERS = ("target", "task", "department", "district")


def list_changes(filters: dict[str, Any] | None = None, limit: int | None = 500) -> list[HistoryChange]:
    stmt = select(HistoryChange).order_by(HistoryChange.effective_date.desc(), HistoryChange.id.desc())
    for key, value in (filters or {}).items():
        if value not in (None, ""):
            stmt = stmt.where(getattr(HistoryChange, key) == value)
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def releases() -> list[DataRelease]:
    return list(db.session.scalars(select(DataRelease).order_by(DataRelease.id.desc())))


def release(version: str) -> DataRelease | None:
    return db.session.scalars(select(DataRelease).where(DataRelease.version == version)).first()


def release_file_list(release_id: int) -> list[ReleaseFile]:
    # Only metadata: the content column is loaded when one file is downloaded.
    from sqlalchemy.orm import defer

    return list(db.session.scalars(
        select(ReleaseFile).options(defer(ReleaseFile.content)).where(ReleaseFile.release_id == release_id)
        .order_by(ReleaseFile.name)))


def release_contents(release_id: int) -> list[tuple[str, bytes, str]]:
    """(name, content, sha256) of every file of a release, for the one-archive download."""
    return [(f.name, f.content, f.sha256) for f in db.session.scalars(
        select(ReleaseFile).where(ReleaseFile.release_id == release_id).order_by(ReleaseFile.name))]


def release_file(release_id: int, name: str) -> ReleaseFile | None:
    return db.session.scalars(
        select(ReleaseFile).where(ReleaseFile.release_id == release_id, ReleaseFile.name == name)).first()


def release_changes(release_id: int) -> list[HistoryChange]:
    return list(db.session.scalars(select(HistoryChange).where(HistoryChange.release_id == release_id)
                                   .order_by(HistoryChange.id)))


def as_of(app: Flask, when: date) -> tuple[Plan, dict[str, list[IndicatorValue]]]:
    """The plan and published values as the site showed them at the end of `when` (cached)."""
    st = state(app)
    cached = st.as_of_cache.get(when)
    if cached is None:
        records = h.reconstruct(st.current, st.changes, when)
        cached = (h.plan_as_of(app.extensions["cleanair"].plan, records), h.values_as_of(records))
        if len(st.as_of_cache) > 256:
            st.as_of_cache.clear()
        st.as_of_cache[when] = cached
    return cached
