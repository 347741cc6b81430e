"""District progress on plan tasks: load `data/districts/progress.csv`, summarise per district.

Only published statuses are data. A district/task pair without a row is `unknown` — never
inferred — and a district whose tasks are all unknown is shown as unknown.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

STATUSES = ("done", "in_progress", "not_started", "unknown")
# What the map shows per district: the statuses above, plus `overdue` (a deadline of a task
# naming the district has passed without a published `done`; cleanair.domain.progress).
MAP_STATUSES = ("done", "in_progress", "not_started", "overdue", "unknown")
COLUMNS = ("district", "task", "status", "as_of", "source_title", "source_url", "note")


class ProgressDataError(ValueError):
    """The progress file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class ProgressEntry:
    district: str
    task: int
    status: str
    as_of: date | None
    source_title: str
    source_url: str
    note: str


def load_progress(path: Path, districts: Iterable[str], tasks: Iterable[int]) -> list[ProgressEntry]:
    """Read and validate the progress CSV (a missing file means no published status at all)."""
    if not path.exists():
        return []
    known_districts, known_tasks = set(districts), set(tasks)
    entries: list[ProgressEntry] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ProgressDataError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            where = f"{path}, line {line}"
            district = (row["district"] or "").strip()
            if district not in known_districts:
                raise ProgressDataError(f"{where}: unknown district {district!r}")
            try:
                task = int((row["task"] or "").strip())
            except ValueError:
                raise ProgressDataError(f"{where}: task must be a number, got {row['task']!r}") from None
            if task not in known_tasks:
                raise ProgressDataError(f"{where}: no task {task} in the plan")
            status = (row["status"] or "").strip()
            if status not in STATUSES:
                raise ProgressDataError(f"{where}: status must be one of {', '.join(STATUSES)}, got {status!r}")
            raw_date = (row["as_of"] or "").strip()
            try:
                as_of = date.fromisoformat(raw_date) if raw_date else None
            except ValueError:
                raise ProgressDataError(f"{where}: as_of must be YYYY-MM-DD, got {raw_date!r}") from None
            title, url = (row["source_title"] or "").strip(), (row["source_url"] or "").strip()
            if status != "unknown" and not (as_of and title and url):
                raise ProgressDataError(f"{where}: a published status needs as_of, source_title and source_url")
            entries.append(ProgressEntry(district, task, status, as_of, title, url, (row["note"] or "").strip()))
    return entries


def latest_by_task(entries: Iterable[ProgressEntry], district: str) -> dict[int, ProgressEntry]:
    """The most recent entry per task for one district."""
    latest: dict[int, ProgressEntry] = {}
    for e in entries:
        if e.district != district:
            continue
        prev = latest.get(e.task)
        if prev is None or (e.as_of or date.min) >= (prev.as_of or date.min):
            latest[e.task] = e
    return latest


def summary_status(statuses: Sequence[str]) -> str:
    """One status for a district from its tasks' statuses.

    all done → done; any done/in progress → in_progress; all not started → not_started;
    anything else (no tasks, or not-started mixed with unknown) → unknown.
    """
    if not statuses or all(s == "unknown" for s in statuses):
        return "unknown"
    if all(s == "done" for s in statuses):
        return "done"
    if any(s in ("done", "in_progress") for s in statuses):
        return "in_progress"
    if all(s == "not_started" for s in statuses):
        return "not_started"
    return "unknown"


def district_progress(
    district: str, named_tasks: Sequence[int], entries: Iterable[ProgressEntry]
) -> tuple[str, list[tuple[int, ProgressEntry | None]]]:
    """(summary status, [(task, latest entry or None)]) for the tasks naming the district or reported for it."""
    latest = latest_by_task(entries, district)
    numbers = sorted(set(named_tasks) | set(latest))
    rows = [(n, latest.get(n)) for n in numbers]
    return summary_status([e.status if e else "unknown" for _, e in rows]), rows


def status_counts(statuses: Iterable[str]) -> Mapping[str, int]:
    counts = dict.fromkeys(MAP_STATUSES, 0)
    for s in statuses:
        counts[s] += 1
    return counts
