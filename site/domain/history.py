"""Change history derived from the data files: canonical records, diffs, "as of" views, Atom.

Pure functions only (no Flask, no database). The storage layer (cleanair.history) keeps one
snapshot of canonical records per tracked source and a row per change; everything here works
on plain dicts so it can be tested on small hand-made examples.

Canonical records: ``{entity key: {field: JSON value}}`` per source, where an entity key is
``"<type>:<id>"`` (``target:pm25-annual-mean``, ``task:27``, ``assignment:27/ecology-environment``,
``value:pm25-annual-mean/2024-12-31/year``, ``progress:wujiang/27``). Values are JSON-native
(str, float, int, bool, None, lists) so snapshots and old/new values store as JSON text.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import yaml

from .plan import IndicatorValue, Plan, TaskDepartment

Record = dict[str, Any]
Records = dict[str, Record]

# Bump when the canonical form changes, so every snapshot is re-diffed once (not reported as
# changes: a new canonical form triggers a fresh baseline, see cleanair.history.store).
CANONICAL_VERSION = "1"

# Tracked sources → files (relative to the repository's content/ and data/ folders).
SOURCES: dict[str, tuple[str, ...]] = {
    "targets": ("content/plan/targets.yaml",),
    "plan": (
        "content/plan/plan.zh.yaml",
        "content/plan/plan.en.yaml",
        "content/plan/departments.yaml",
        "content/plan/districts.yaml",
    ),
    "indicators": ("data/indicators/values.csv",),
    "districts": ("data/districts/progress.csv",),
}

TARGET_FIELDS = (
    "title_zh", "title_en", "comparator", "target_value", "unit", "approximate",
    "baseline_value", "baseline_year", "deadline", "tasks", "measure",
)
TASK_FIELDS = ("heading_zh", "heading_en", "text_zh", "text_en", "responsibility_zh", "measure",
               "districts", "deadlines", "recurring")


@dataclass(frozen=True)
class Meta:
    """Where a record's change date and justification come from (not itself diffed)."""

    effective: date | None = None
    source: str = ""
    source_url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots. field "" = the whole record was added/removed."""

    source: str
    entity: str
    field: str
    old: Any
    new: Any

    @property
    def kind(self) -> str:
        if self.field:
            return "changed"
        return "added" if self.old is None else "removed"


@dataclass(frozen=True)
class StoredChange:
    """A recorded change as reconstruction needs it (effective date + insertion order)."""

    id: int
    entity: str
    field: str
    old: Any
    new: Any
    effective: date


# --- canonical records -------------------------------------------------------------------


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def target_records(plan: Plan) -> Records:
    """Targets (content/plan/targets.yaml): value, unit, deadline, baseline and the rest."""
    out: Records = {}
    for t in plan.targets:
        out[f"target:{t.slug}"] = {
            "title_zh": t.title_zh, "title_en": t.title_en, "comparator": t.comparator,
            "target_value": t.target_value, "unit": t.unit, "approximate": t.approximate,
            "baseline_value": t.baseline_value, "baseline_year": t.baseline_year,
            "deadline": _iso(t.deadline) or t.recurring, "tasks": list(t.tasks), "measure": t.measure,
        }
    return out


def plan_content_records(plan: Plan) -> Records:
    """Measures, tasks, their department assignments and the names of bodies and districts."""
    out: Records = {}
    for m in plan.measures:
        out[f"measure:{m.number}"] = {"title_zh": m.title_zh, "title_en": m.title_en,
                                      "text_zh": m.text_zh, "text_en": m.text_en}
    for t in plan.tasks:
        out[f"task:{t.number}"] = {
            "heading_zh": t.heading_zh, "heading_en": t.heading_en, "text_zh": t.text_zh,
            "text_en": t.text_en, "responsibility_zh": t.responsibility_zh, "measure": t.measure,
            "districts": list(t.districts), "deadlines": [d.isoformat() for d in t.deadlines],
            "recurring": t.recurring,
        }
        for d in t.departments:
            out[f"assignment:{t.number}/{d.slug}"] = {"role": d.role}
    for d in plan.departments:
        out[f"department:{d.slug}"] = {"name_zh": d.name_zh, "name_en": d.name_en}
    for d in plan.districts:
        out[f"district:{d.slug}"] = {"name_zh": d.name_zh, "name_en": d.name_en}
    return out


def value_records(values: Mapping[str, Sequence[IndicatorValue]]) -> tuple[Records, dict[str, Meta]]:
    """Published indicator values, keyed by target, date and period; each cites its source."""
    out: Records = {}
    meta: dict[str, Meta] = {}
    for slug, rows in values.items():
        for v in rows:
            key = f"value:{slug}/{v.date.isoformat()}/{v.period}"
            out[key] = {"value": v.value, "source_title": v.source_title, "source_url": v.source_url,
                        "note": v.note}
            meta[key] = Meta(None, v.source_title, v.source_url, v.note)
    return out, meta


_PROGRESS_KEYS = {"district": ("district", "district_slug"), "task": ("task", "task_number"),
                  "as_of": ("as_of", "as_of_date", "date")}


def progress_records(path: Path) -> tuple[Records, dict[str, Meta]]:
    """District progress (data/districts/progress.csv): one record per district and task.

    The file belongs to the maps capability; only its district, task and as-of columns are
    required here, every other column is tracked as a field. A missing file = no records.
    """
    path = Path(path)
    if not path.exists():
        return {}, {}
    out: Records = {}
    meta: dict[str, Meta] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        names = {n.strip().lower(): n for n in reader.fieldnames or ()}
        cols = {}
        for role, options in _PROGRESS_KEYS.items():
            found = next((names[o] for o in options if o in names), None)
            if found is None and role != "as_of":
                raise ValueError(f"{path}: line 1: needs a column named {' or '.join(options)}")
            cols[role] = found
        for row in reader:
            district = (row.get(cols["district"]) or "").strip()
            task = (row.get(cols["task"]) or "").strip()
            if not district:
                raise ValueError(f"{path}: line {reader.line_num}: empty district")
            key = f"progress:{district}/{task}"
            out[key] = {k: (v or "").strip() for k, v in row.items() if k not in (cols["district"], cols["task"]) and k}
            raw_date = (row.get(cols["as_of"]) or "").strip() if cols["as_of"] else ""
            effective = _parse_date_or_none(raw_date)
            meta[key] = Meta(effective, (row.get("source_title") or "").strip(),
                             (row.get("source_url") or "").strip(), (row.get("note") or "").strip())
    return out, meta


def _parse_date_or_none(raw: Any) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def targets_meta(path: Path) -> dict[str, Meta]:
    """Optional per-target `changed`, `change_source`, `change_source_url`, `change_note` keys.

    They say when a change took effect and which publication justified it; without them a
    change takes the load date (see docs/history.md, "Where the date of a change comes from").
    """
    path = Path(path)
    if not path.exists():
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    out: dict[str, Meta] = {}
    for item in data.get("targets") or ():
        if not isinstance(item, dict) or "slug" not in item:
            continue
        changed = item.get("changed")
        effective = _parse_date_or_none(changed)
        if changed is not None and effective is None:
            raise ValueError(f"{path}: {item['slug']}.changed: {changed!r} is not a YYYY-MM-DD date")
        if effective or item.get("change_source") or item.get("change_note"):
            out[f"target:{item['slug']}"] = Meta(
                effective, str(item.get("change_source") or ""), str(item.get("change_source_url") or ""),
                str(item.get("change_note") or ""),
            )
    return out


def source_digest(root: Path, files: Iterable[str]) -> str:
    """SHA-256 over the files' names and bytes (missing files count as absent)."""
    h = hashlib.sha256(CANONICAL_VERSION.encode())
    for name in files:
        p = Path(root) / name
        h.update(name.encode() + b"\0")
        h.update(p.read_bytes() if p.exists() else b"<missing>")
        h.update(b"\0")
    return h.hexdigest()


# --- diff and reconstruction -------------------------------------------------------------


def diff_records(source: str, old: Mapping[str, Record], new: Mapping[str, Record]) -> list[Change]:
    """Field-level differences; whole-record rows for added and removed entities."""
    changes: list[Change] = []
    for key in sorted(old.keys() | new.keys(), key=_natural):
        before, after = old.get(key), new.get(key)
        if before is None:
            changes.append(Change(source, key, "", None, after))
        elif after is None:
            changes.append(Change(source, key, "", before, None))
        else:
            for field in sorted(before.keys() | after.keys()):
                if before.get(field) != after.get(field):
                    changes.append(Change(source, key, field, before.get(field), after.get(field)))
    return changes


def _natural(key: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", key)]


def reconstruct(current: Mapping[str, Record], changes: Iterable[StoredChange], as_of: date) -> Records:
    """Records as they stood at the end of `as_of`: undo every change that took effect later.

    Changes are undone newest first (effective date, then recording order), so several
    changes to one field after `as_of` restore the value before the first of them.
    """
    records: Records = {k: dict(v) for k, v in current.items()}
    later = sorted((c for c in changes if c.effective > as_of), key=lambda c: (c.effective, c.id), reverse=True)
    for c in later:
        if not c.field:
            if c.old is None:
                records.pop(c.entity, None)
            else:
                records[c.entity] = dict(c.old)
        elif c.entity in records:
            records[c.entity][c.field] = c.old
    return records


def refs(entity: str) -> dict[str, Any]:
    """What a change concerns, for filtering: target, task, department, district."""
    kind, _, ident = entity.partition(":")
    out: dict[str, Any] = {"target": None, "task": None, "department": None, "district": None}
    if kind in ("target",):
        out["target"] = ident
    elif kind == "value":
        out["target"] = ident.split("/")[0]
    elif kind == "task":
        out["task"] = int(ident) if ident.isdigit() else None
    elif kind == "assignment":
        number, _, slug = ident.partition("/")
        out["task"] = int(number) if number.isdigit() else None
        out["department"] = slug
    elif kind == "department":
        out["department"] = ident
    elif kind == "district":
        out["district"] = ident
    elif kind == "progress":
        district, _, number = ident.partition("/")
        out["district"] = None if district == "city" else district  # progress:city/<n>: city-wide
        out["task"] = int(number) if number.isdigit() else None
    return out


def plan_as_of(plan: Plan, records: Mapping[str, Record]) -> Plan:
    """The plan with targets and tasks as the reconstructed records describe them.

    Entities that did not exist then are dropped; text the history does not track (chapters,
    glossary) stays as it is today.
    """
    targets = []
    for t in plan.targets:
        r = records.get(f"target:{t.slug}")
        if r is None:
            continue
        deadline = r.get("deadline")
        targets.append(dataclasses.replace(
            t,
            title_zh=r.get("title_zh", t.title_zh), title_en=r.get("title_en", t.title_en),
            comparator=r.get("comparator", t.comparator), target_value=r.get("target_value"),
            unit=r.get("unit"), approximate=bool(r.get("approximate")),
            baseline_value=r.get("baseline_value"), baseline_year=r.get("baseline_year"),
            deadline=_parse_date_or_none(deadline) if deadline != "yearly" else None,
            recurring="yearly" if deadline == "yearly" else None,
            tasks=tuple(r.get("tasks") or ()), measure=r.get("measure"),
        ))
    assignments: dict[int, list[TaskDepartment]] = {}
    for key, r in records.items():
        if key.startswith("assignment:"):
            number, _, slug = key.removeprefix("assignment:").partition("/")
            assignments.setdefault(int(number), []).append(TaskDepartment(slug, r["role"]))
    tasks = []
    for t in plan.tasks:
        r = records.get(f"task:{t.number}")
        if r is None:
            continue
        current_order = [d.slug for d in t.departments]
        deps = sorted(assignments.get(t.number, []),
                      key=lambda d: current_order.index(d.slug) if d.slug in current_order else 999)
        tasks.append(dataclasses.replace(
            t,
            heading_zh=r.get("heading_zh", t.heading_zh), heading_en=r.get("heading_en", t.heading_en),
            text_zh=r.get("text_zh", t.text_zh), text_en=r.get("text_en", t.text_en),
            responsibility_zh=r.get("responsibility_zh", t.responsibility_zh),
            districts=tuple(r.get("districts") or ()),
            deadlines=tuple(date.fromisoformat(d) for d in r.get("deadlines") or ()),
            recurring=r.get("recurring"), departments=tuple(deps),
            targets=tuple(tg.slug for tg in targets if t.number in tg.tasks),
        ))
    return dataclasses.replace(plan, targets=tuple(targets), tasks=tuple(tasks))


def values_as_of(records: Mapping[str, Record]) -> dict[str, list[IndicatorValue]]:
    """Indicator values the site had published, rebuilt from `value:` records."""
    out: dict[str, list[IndicatorValue]] = {}
    for key, r in records.items():
        if not key.startswith("value:"):
            continue
        slug, when, period = key.removeprefix("value:").split("/")
        out.setdefault(slug, []).append(IndicatorValue(
            slug, float(r["value"]), date.fromisoformat(when), period, r.get("source_title", ""),
            r.get("source_url", ""), r.get("note", ""),
        ))
    for rows in out.values():
        rows.sort(key=lambda v: v.date)
    return out


# --- Atom 1.0 (RFC 4287) -----------------------------------------------------------------

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    updated: datetime
    published: datetime
    link: str
    summary: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    self_url: str
    alternate_url: str
    author: str
    lang: str
    updated: datetime | None = None


def rfc3339(moment: datetime) -> str:
    """RFC 3339 timestamp with an explicit offset (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def tag_uri(authority: str, year: int, specific: str) -> str:
    """A tag: URI (RFC 4151) — stable whatever host or path the site is served from."""
    clean = re.sub(r"[^A-Za-z0-9._:/?#@!$&'()*+,;=~-]", "-", specific)
    return f"tag:{authority},{year}:{clean}"


def build_atom(feed: Feed, entries: Sequence[FeedEntry]) -> bytes:
    """An Atom 1.0 document; `updated` is the newest entry's (or the feed's own when empty)."""
    ET.register_namespace("", ATOM_NS)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        e = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            e.text = text
        return e

    root = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": feed.lang})
    el(root, "id", feed.id)
    el(root, "title", feed.title)
    newest = max((e.updated for e in entries), default=None) or feed.updated or datetime(2026, 1, 1, tzinfo=UTC)
    el(root, "updated", rfc3339(newest))
    el(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    el(root, "link", rel="alternate", type="text/html", href=feed.alternate_url)
    author = el(root, "author")
    el(author, "name", feed.author)
    el(root, "generator", "cleanair history")
    for entry in entries:
        e = el(root, "entry")
        el(e, "id", entry.id)
        el(e, "title", entry.title)
        el(e, "updated", rfc3339(entry.updated))
        el(e, "published", rfc3339(entry.published))
        el(e, "link", rel="alternate", type="text/html", href=entry.link)
        for term in entry.categories:
            el(e, "category", term=term)
        el(e, "summary", entry.summary, type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


# --- citations ---------------------------------------------------------------------------


def citation(site: str, title: str, url: str, version: str | None, accessed: date, year: int,
             lang: str = "en") -> dict[str, str]:
    """"Cite this" in plain text and BibTeX (title, URL, access date, data version), in the
    page's language (BibTeX keeps its English field names)."""
    if lang == "zh":
        version_text = version or "未发布"
        note = f"数据版本 {version_text}；访问日期 {accessed.isoformat()}"
        plain = f"{site}：《{title}》，{url}（{note}）。"
    else:
        version_text = version or "unreleased"
        note = f"Data version {version_text}; accessed {accessed.isoformat()}"
        plain = f"{site}. “{title}”. {url} (data version {version_text}; accessed {accessed.isoformat()})."
    key = "cleanair-" + re.sub(r"[^a-z0-9]+", "-", url.lower().split("://", 1)[-1]).strip("-")[-40:]

    def bib(text: str) -> str:
        return text.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}").replace("%", "\\%").replace("&", "\\&")

    bibtex = (
        f"@misc{{{key},\n"
        f"  title = {{{bib(title)}}},\n"
        f"  author = {{{{{bib(site)}}}}},\n"
        f"  year = {{{year}}},\n"
        f"  howpublished = {{\\url{{{url}}}}},\n"
        f"  note = {{{bib(note)}}},\n"
        f"  urldate = {{{accessed.isoformat()}}}\n"
        f"}}"
    )
    return {"plain": plain, "bibtex": bibtex}


def to_json_text(value: Any) -> str | None:
    """Storage form of an old/new value (None stays NULL)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def from_json_text(text: str | None) -> Any:
    return None if text is None else json.loads(text)
