"""Progress on the plan's tasks: who may record it, the states of a record, and who is late.

Pure functions only (no Flask, no database); the storage and the screens live in
`cleanair.progress` and `cleanair.staff.progress`. docs/progress.md describes the rules for
readers; the comments here say why each rule is what it is.

Two things go through the same loop (draft → published, or sent back):
- a *progress report*: a task's status (`not_started`, `in_progress`, `done`) for the city as a
  whole or for one district, as of a date, with the evidence a source gives;
- an *indicator value* for a target (the same fields as data/indicators/values.csv), which,
  once published, feeds the same target status function as the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .plan import PERIODS, Plan, Task

# --- staff roles ---------------------------------------------------------------------------

EDITOR = "editor"  # staff of a responsible body: drafts for tasks where that body has a role
PUBLISHER = "publisher"  # the plan office (市大气办): reviews, edits, publishes, sends back
ADMIN = "admin"  # keeps every right
PROGRESS_ROLES = frozenset({EDITOR, PUBLISHER, ADMIN})
PUBLISHING_ROLES = frozenset({PUBLISHER, ADMIN})
# A body of this kind is named once in the plan (the note on row 1 of the task table) and is
# responsible for implementing every task, so it has a role in all of them.
EVERY_TASK_KINDS = frozenset({"local_government"})


def can_publish(role: str) -> bool:
    return role in PUBLISHING_ROLES


def body_has_role(plan: Plan, task: Task, body: str) -> bool:
    """True when the plan gives `body` any role (lead, cooperating, joint, …) in `task`."""
    dep = plan.department(body)
    if dep is None:
        return False
    return dep.kind in EVERY_TASK_KINDS or any(d.slug == body for d in task.departments)


def may_draft(role: str, bodies: Iterable[str], plan: Plan, task: Task) -> bool:
    """Editors draft only for tasks where one of their bodies has a role; the plan office for all."""
    if role in PUBLISHING_ROLES:
        return True
    return role == EDITOR and any(body_has_role(plan, task, b) for b in bodies)


def may_draft_value(role: str, bodies: Iterable[str], plan: Plan, target_slug: str) -> bool:
    """A value for a target: like a report on any of the target's tasks (headline targets,
    which belong to no task, are the plan office's)."""
    if role in PUBLISHING_ROLES:
        return True
    target = plan.target(target_slug)
    if target is None or role != EDITOR:
        return False
    tasks = [t for n in target.tasks if (t := plan.task(n)) is not None]
    return any(may_draft(role, bodies, plan, t) for t in tasks)


# --- states of a record --------------------------------------------------------------------

DRAFT = "draft"  # written by an editor (or the plan office), waiting for the plan office
RETURNED = "returned"  # sent back by the plan office with a reason; the editor may revise it
PUBLISHED = "published"  # public; never edited again (a correction is a newer record)
DISCARDED = "discarded"  # withdrawn before publication; kept for the audit log
STATES = (DRAFT, RETURNED, PUBLISHED, DISCARDED)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DRAFT: (PUBLISHED, RETURNED, DISCARDED, DRAFT),  # DRAFT → DRAFT: edited
    RETURNED: (DRAFT, DISCARDED),  # revised (back to the plan office) or given up
    PUBLISHED: (),
    DISCARDED: (),
}
PUBLIC_STATES = frozenset({PUBLISHED})  # a draft is never visible publicly
OPEN_STATES = frozenset({DRAFT, RETURNED})


class TransitionError(ValueError):
    """A move the vocabulary does not allow; the message says which and why."""


def check_transition(current: str, new: str, role: str, reason: str = "") -> None:
    if new not in STATES:
        raise TransitionError(f"unknown state {new!r}")
    if new not in TRANSITIONS.get(current, ()):
        raise TransitionError(f"cannot go from {current!r} to {new!r}")
    if new in (PUBLISHED, RETURNED) and not can_publish(role):
        raise TransitionError("only the plan office (publisher) can publish or send back")
    if new == RETURNED and not reason.strip():
        raise TransitionError("sending back needs a reason")


# --- the content of a progress report --------------------------------------------------------

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE)
EVIDENCE_REQUIRED = frozenset({IN_PROGRESS, DONE})
URL_PREFIXES = ("https://", "http://")


def evidence_errors(status: str, source_title: str, source_url: str, doc_no: str) -> list[str]:
    """Field names with a missing or malformed source (codes; the screens translate them)."""
    errors = []
    if source_url and not source_url.startswith(URL_PREFIXES):
        errors.append("source_url")
    if status in EVIDENCE_REQUIRED:
        if not source_title.strip():
            errors.append("source_title")
        if not source_url.strip() and not doc_no.strip():
            errors.append("source_url_or_doc_no")
    return errors


def report_errors(plan: Plan, task: int | None, district: str | None, status: str, as_of: date | None,
                  today: date, source_title: str, source_url: str, doc_no: str) -> list[str]:
    """Everything wrong with a progress report, as field codes (empty list = valid)."""
    errors = []
    if task is None or plan.task(task) is None:
        errors.append("task")
    if district and plan.district(district) is None:
        errors.append("district")
    if status not in STATUSES:
        errors.append("status")
    if as_of is None:
        errors.append("as_of")
    elif as_of > today:
        errors.append("as_of_future")
    return errors + evidence_errors(status, source_title, source_url, doc_no)


def value_errors(plan: Plan, slug: str, value: float | None, when: date | None, period: str, today: date,
                 source_title: str, source_url: str) -> list[str]:
    """Everything wrong with an indicator value: the rules of data/indicators/values.csv."""
    errors = []
    if plan.target(slug) is None:
        errors.append("target")
    if value is None:
        errors.append("value")
    if when is None:
        errors.append("date")
    elif when > today:
        errors.append("date_future")
    if period not in PERIODS:
        errors.append("period")
    if not source_title.strip():
        errors.append("source_title")
    if not source_url.startswith(URL_PREFIXES):
        errors.append("source_url")
    return errors


# --- published records and who is late --------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """A published progress report as the rules see it (district None = city-wide)."""

    task: int
    district: str | None
    status: str
    as_of: date
    published_at: datetime | None = None
    ident: int = 0  # insertion order: breaks ties between reports of the same day


def _order(r: Report) -> tuple:
    return (r.as_of, r.published_at.timestamp() if r.published_at else 0.0, r.ident)


def newest_first(reports: Iterable[Report]) -> list[Report]:
    """Latest `as_of` first; on the same day, the one published later (then recorded later)."""
    return sorted(reports, key=_order, reverse=True)


def covering(task: Task, district: str | None, reports: Iterable[Report]) -> list[Report]:
    """Reports that speak for `district` (None = the city as a whole) on `task`, newest first.

    A district's own reports always count. A city-wide report also speaks for every district
    the task names (task 27: "吴江、吴中、相城 … complete" can be reported once for all three),
    but never for a district the task does not name.
    """
    out = [r for r in reports if r.task == task.number and (
        r.district == district or (r.district is None and district in task.districts))]
    return newest_first(out)


def current(task: Task, district: str | None, reports: Iterable[Report]) -> Report | None:
    """The latest covering report (latest `as_of`; same day: the one published later)."""
    found = covering(task, district, reports)
    return found[0] if found else None


def scopes(task: Task) -> tuple[str | None, ...]:
    """Where a task's deadline applies: each district it names, else the city as a whole."""
    return tuple(task.districts) or (None,)


@dataclass(frozen=True)
class ScopeStanding:
    district: str | None
    status: str | None  # latest covering report's status, None = no report
    as_of: date | None
    overdue: bool
    deadline: date | None  # the first deadline that has passed without a `done`
    days_late: int  # today − that deadline (0 when not overdue)


def scope_standing(task: Task, district: str | None, reports: Iterable[Report], today: date) -> ScopeStanding:
    """Status and lateness of one scope of a task on `today` (Suzhou calendar day).

    Overdue: a deadline of the task lies before `today` and the latest covering report is not
    `done`. A deadline is the last day to finish, so on the deadline itself nothing is late.
    Tasks without a dated deadline (yearly or open-ended ones) are never overdue: the plan sets
    no day by which they must be finished.
    """
    latest = current(task, district, reports)
    status = latest.status if latest else None
    passed = sorted(d for d in task.deadlines if d < today)
    late = bool(passed) and status != DONE
    deadline = passed[0] if late else None
    return ScopeStanding(district, status, latest.as_of if latest else None, late, deadline,
                         (today - deadline).days if deadline else 0)


# One word for a task (or a district, a body, a chapter's task) in the scorecards. Overdue wins
# over every status except done: "in progress" two years after the deadline is late.
STANDINGS = ("done", "in_progress", "not_started", "overdue", "no_report")


@dataclass(frozen=True)
class TaskStanding:
    number: int
    standing: str  # one of STANDINGS
    status: str | None  # combined status of its scopes, None = no report at all
    overdue: bool
    scopes: tuple[ScopeStanding, ...]
    days_late: int  # the largest among its scopes

    @property
    def late_scopes(self) -> tuple[ScopeStanding, ...]:
        return tuple(s for s in self.scopes if s.overdue)


def combine(statuses: Sequence[str | None]) -> str | None:
    """One status from several scopes: done only when every scope is done; any progress → in
    progress; all not started → not started; no report anywhere → None."""
    known = [s for s in statuses if s is not None]
    if not known:
        return None
    if len(known) == len(statuses) and all(s == DONE for s in known):
        return DONE
    if any(s in (DONE, IN_PROGRESS) for s in known):
        return IN_PROGRESS
    return NOT_STARTED


def task_standing(task: Task, reports: Iterable[Report], today: date) -> TaskStanding:
    reports = list(reports)
    parts = tuple(scope_standing(task, d, reports, today) for d in scopes(task))
    status = combine([p.status for p in parts])
    overdue = any(p.overdue for p in parts)
    standing = "overdue" if overdue else (status or "no_report")
    return TaskStanding(task.number, standing, status, overdue, parts, max((p.days_late for p in parts), default=0))


def district_standing(task: Task, district: str, reports: Iterable[Report], today: date) -> tuple[str, ScopeStanding]:
    """(standing word, details) of one task in one district (for district pages and the map)."""
    s = scope_standing(task, district, reports, today)
    named = district in task.districts
    if named and s.overdue:
        return "overdue", s
    if not named:  # a deadline applies to the districts the task names, not to the others
        s = ScopeStanding(district, s.status, s.as_of, False, None, 0)
    return (s.status or "no_report"), s


def counts(standings: Iterable[str]) -> dict[str, int]:
    out = dict.fromkeys(STANDINGS, 0)
    for s in standings:
        out[s] += 1
    out["total"] = sum(out[s] for s in STANDINGS)
    return out


def accountable_bodies(task: Task) -> tuple[str, ...]:
    """The bodies a task's result is counted under: its lead bodies (牵头); a task without a
    lead is shared by the bodies responsible by remit (按职责分工负责), each of which answers for
    it. Cooperating bodies and the county governments' blanket duty are not counted here."""
    lead = tuple(d.slug for d in task.departments if d.role == "lead")
    return lead or tuple(d.slug for d in task.departments if d.role == "joint")


@dataclass(frozen=True)
class Scorecard:
    overall: dict[str, int]
    by_chapter: list[tuple[int, dict[str, int]]]
    by_body: list[tuple[str, dict[str, int]]]
    by_district: list[tuple[str, dict[str, int]]]
    standings: dict[int, TaskStanding] = field(default_factory=dict)

    def overdue(self) -> list[TaskStanding]:
        """Late tasks, the latest first (most days late), then by task number."""
        return sorted((s for s in self.standings.values() if s.overdue), key=lambda s: (-s.days_late, s.number))


def district_tasks(plan: Plan, district: str, reports: Iterable[Report]) -> list[Task]:
    """The tasks a district page lists: those naming the district, and any with a report for it."""
    reported = {r.task for r in reports if r.district == district}
    return [t for t in plan.tasks if district in t.districts or t.number in reported]


def scorecard(plan: Plan, reports: Iterable[Report], today: date, tasks: Sequence[Task] | None = None) -> Scorecard:
    """Counts of task standings overall, by chapter, by accountable body and by district."""
    reports = list(reports)
    chosen = list(plan.tasks if tasks is None else tasks)
    standings = {t.number: task_standing(t, reports, today) for t in chosen}
    by_chapter = [(c.number, counts(standings[t.number].standing for t in chosen if t.chapter == c.number))
                  for c in plan.chapters if any(t.chapter == c.number for t in chosen)]
    bodies: dict[str, list[str]] = {}
    for t in chosen:
        for b in accountable_bodies(t):
            bodies.setdefault(b, []).append(standings[t.number].standing)
    order = {d.slug: i for i, d in enumerate(plan.departments)}
    by_body = sorted(((b, counts(v)) for b, v in bodies.items()), key=lambda kv: order.get(kv[0], 999))
    by_district = []
    for d in plan.districts:
        own = [district_standing(t, d.slug, reports, today)[0] for t in district_tasks(plan, d.slug, reports)
               if t in chosen]
        by_district.append((d.slug, counts(own)))
    return Scorecard(counts(s.standing for s in standings.values()), by_chapter, by_body, by_district, standings)


def district_summary(standings: Sequence[str]) -> str:
    """One word for a district on the map: overdue if any task is late there; done when every
    task is done; any progress → in progress; all not started → not started; else no report."""
    if not standings:
        return "no_report"
    if "overdue" in standings:
        return "overdue"
    if all(s == DONE for s in standings):
        return DONE
    if any(s in (DONE, IN_PROGRESS) for s in standings):
        return IN_PROGRESS
    if all(s == NOT_STARTED for s in standings):
        return NOT_STARTED
    return "no_report"


def as_plain(value: Any) -> Any:
    """Dates to ISO text, for JSON and CSV records."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: as_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_plain(v) for v in value]
    return value
