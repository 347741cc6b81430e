"""CSV bulk import (drafts) and export (published records), and the one-off seeding.

Import formats (UTF-8, with or without BOM), the header decides which:
  reports: district,task,status,as_of,source_title,source_url,note  (data/districts/progress.csv)
  values:  slug,value,date,period,source_title,source_url,note      (data/indicators/values.csv)
Both may add the columns of EXTRA_* (source details). Export writes the full header, so an
exported file imports again unchanged (tests/progress/test_bulk.py round-trips it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..domain import progress as dp
from ..extensions import db
from ..report.models import StaffUser
from . import service as svc
from .models import IndicatorReport, ProgressReport

REPORT_BASE = ("district", "task", "status", "as_of", "source_title", "source_url", "note")
REPORT_EXTRA = ("source_doc_no", "source_issuer", "source_date", "republished_by")
VALUE_BASE = ("slug", "value", "date", "period", "source_title", "source_url", "note")
VALUE_EXTRA = ("source_issuer", "source_date", "republished_by")
REPORT_COLUMNS = REPORT_BASE + REPORT_EXTRA
VALUE_COLUMNS = VALUE_BASE + VALUE_EXTRA


class BulkError(ValueError):
    """A file that cannot be imported; the message names the file and line."""


@dataclass(frozen=True)
class ImportReport:
    kind: str
    created: int
    existing: int


def _kind(header: list[str]) -> str:
    if header[: len(REPORT_BASE)] == list(REPORT_BASE) and set(header[len(REPORT_BASE):]) <= set(REPORT_EXTRA):
        return svc.REPORT
    if header[: len(VALUE_BASE)] == list(VALUE_BASE) and set(header[len(VALUE_BASE):]) <= set(VALUE_EXTRA):
        return svc.VALUE
    raise BulkError(f"line 1: header must start with {','.join(REPORT_BASE)} (task reports) or "
                    f"{','.join(VALUE_BASE)} (indicator values), optionally followed by "
                    f"{','.join(REPORT_EXTRA)} / {','.join(VALUE_EXTRA)}")


def _date(raw: str, field: str, where: str, required: bool = True) -> date | None:
    raw = (raw or "").strip()
    if not raw and not required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BulkError(f"{where}: {field} {raw!r} is not YYYY-MM-DD") from None


def parse(text: str, name: str = "file") -> tuple[str, list[tuple[int, svc.ReportInput | svc.ValueInput]]]:
    """(kind, [(line, input)]) — every row checked for shape; the rules are checked on import."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    kind = _kind([h.strip() for h in reader.fieldnames or []])
    rows = []
    for row in reader:
        where = f"{name}, line {reader.line_num}"
        if None in row or any(v is None for v in row.values()):
            raise BulkError(f"{where}: wrong number of columns")
        r = {k.strip(): (v or "").strip() for k, v in row.items()}
        if kind == svc.REPORT:
            task = r["task"]
            if not task.isdigit():
                raise BulkError(f"{where}: task must be a number, got {task!r}")
            rows.append((reader.line_num, svc.ReportInput(
                task=int(task), district=r["district"] or None, status=r["status"],
                as_of=_date(r["as_of"], "as_of", where), source_title=r["source_title"], source_url=r["source_url"],
                source_doc_no=r.get("source_doc_no", ""), source_issuer=r.get("source_issuer", ""),
                source_date=_date(r.get("source_date", ""), "source_date", where, required=False),
                republished_by=r.get("republished_by", ""), note=r["note"])))
        else:
            try:
                value = float(r["value"])
            except ValueError:
                raise BulkError(f"{where}: value {r['value']!r} is not a number") from None
            if not math.isfinite(value):
                raise BulkError(f"{where}: value must be finite")
            rows.append((reader.line_num, svc.ValueInput(
                target=r["slug"], value=value, date=_date(r["date"], "date", where), period=r["period"],
                source_title=r["source_title"], source_url=r["source_url"], source_issuer=r.get("source_issuer", ""),
                source_date=_date(r.get("source_date", ""), "source_date", where, required=False),
                republished_by=r.get("republished_by", ""), note=r["note"])))
    return kind, rows


def _key(kind: str, data: svc.ReportInput | svc.ValueInput) -> str:
    """The same row imported twice is one draft (the submission key is the row's digest)."""
    return "import-" + hashlib.sha256(repr((kind, sorted(data.__dict__.items()))).encode()).hexdigest()[:40]


def import_file(path: Path, user: StaffUser) -> ImportReport:
    """Check every row first (rules included), then create the drafts: all or nothing."""
    text = Path(path).read_text(encoding="utf-8")
    kind, rows = parse(text, str(path))
    check = svc.check_report if kind == svc.REPORT else svc.check_value
    for line, data in rows:
        try:
            check(user, data)  # type: ignore[arg-type]
        except svc.NotAllowed as exc:
            raise BulkError(f"{path}, line {line}: {user.username} may not draft this ({exc})") from exc
        except svc.Invalid as exc:
            raise BulkError(f"{path}, line {line}: invalid {', '.join(exc.errors)}") from exc
    created = existing = 0
    for _line, data in rows:
        _record, new = svc.create(kind, user, data, _key(kind, data), action="imported")
        created += new
        existing += not new
    return ImportReport(kind, created, existing)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value)) if abs(value) < 1e15 else repr(value)
    return value.isoformat() if isinstance(value, date) else str(value)


def export_csv(kind: str) -> str:
    """Published records in the import format (oldest publication first: a stable order)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if kind == "reports":
        w.writerow(REPORT_COLUMNS)
        for r in db.session.scalars(select(ProgressReport).where(ProgressReport.state == dp.PUBLISHED)
                                    .order_by(ProgressReport.published_at, ProgressReport.id)):
            w.writerow([_cell(v) for v in (r.district, r.task, r.status, r.as_of, r.source_title, r.source_url, r.note,
                                            r.source_doc_no, r.source_issuer, r.source_date, r.republished_by)])
    else:
        w.writerow(VALUE_COLUMNS)
        for r in db.session.scalars(select(IndicatorReport).where(IndicatorReport.state == dp.PUBLISHED)
                                    .order_by(IndicatorReport.published_at, IndicatorReport.id)):
            w.writerow([_cell(v) for v in (r.target, r.value, r.date, r.period, r.source_title, r.source_url, r.note,
                                            r.source_issuer, r.source_date, r.republished_by)])
    return out.getvalue()


def publish_drafts(user: StaffUser, drafted_by: str | None = None) -> int:
    n = 0
    for kind, model in ((svc.REPORT, ProgressReport), (svc.VALUE, IndicatorReport)):
        q = select(model).where(model.state == dp.DRAFT).order_by(model.id)
        if drafted_by:
            q = q.where(model.created_by == drafted_by)
        for record in list(db.session.scalars(q)):
            svc.publish(kind, user, record)
            n += 1
    return n


def system_user(name: str) -> StaffUser:
    """The named system account seeding is attributed to: a publisher that can never sign in
    (random password nobody knows, account disabled)."""
    from ..staff.auth import create_user

    user = db.session.scalar(select(StaffUser).where(StaffUser.username == name))
    if user is None:
        user = create_user(name, secrets.token_urlsafe(32), dp.PUBLISHER)
        user.active = False
        db.session.commit()
    return user


def seed(reports: Path, values: Path, by: str) -> Iterator[str]:
    """Import the cited records as drafts of the system account, then publish them (run once;
    running it again changes nothing)."""
    user = system_user(by)
    for path in (reports, values):
        r = import_file(path, user)
        yield f"{path}: {r.created} draft(s) created, {r.existing} already there"
    yield f"published {publish_drafts(user, drafted_by=by)} record(s) as {by}"
