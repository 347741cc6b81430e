"""The plan as typed, immutable objects loaded from content/, plus target status rules.

Content files (all UTF-8 YAML):
  content/plan/plan.zh.yaml     generated from the seed text by scripts/build_plan_content.py
  content/plan/plan.en.yaml     hand-written English, keyed by chapter/measure/task number
  content/plan/departments.yaml, districts.yaml, targets.yaml (hand-curated)
  content/glossary.yaml
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

# The plan's role words are data: (Chinese as printed, the English used everywhere on the site).
ROLE_NAMES = {
    "lead": ("牵头", "Lead"),
    "cooperating": ("配合", "Cooperating"),
    "joint": ("按职责分工负责", "Joint (by remit)"),
    # The county-level governments, for every task (the note on row 1 of the table).
    "implementing": ("负责落实", "Responsible for implementation"),
}
ROLES = tuple(ROLE_NAMES)
COMPARATORS = (
    "below",
    "at_most",
    "at_least",
    "reduce_by_pct",
    "increase_by_pct",
    "reach",
    "double",
    "complete",
)
DEPARTMENT_KINDS = (
    "city_bureau",
    "central_agency",
    "state_enterprise",
    "party_body",
    "generic",
    "local_government",
)
DISTRICT_KINDS = ("district", "county_city", "development_zone")
# `period` of an indicator value: what span the number covers; `date` is its last day.
PERIODS = ("year", "half_year", "quarter", "month", "year_to_date", "snapshot")


@dataclass(frozen=True)
class Department:
    slug: str
    name_zh: str
    name_en: str
    kind: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class District:
    slug: str
    name_zh: str
    name_en: str
    code: str | None
    kind: str


@dataclass(frozen=True)
class TaskDepartment:
    slug: str
    role: str  # one of ROLES


@dataclass(frozen=True)
class Task:
    number: int
    heading_zh: str
    heading_en: str
    heading_printed_zh: str | None
    text_zh: str
    text_en: str
    responsibility_zh: str
    chapter: int
    measure: int
    departments: tuple[TaskDepartment, ...]
    # Roles whose list of bodies ends with 等 ("and others") in the printed table.
    and_others: tuple[str, ...]
    districts: tuple[str, ...]
    deadlines: tuple[date, ...]
    recurring: str | None
    targets: tuple[str, ...]
    discrepancy_zh: str | None
    discrepancy_en: str | None


@dataclass(frozen=True)
class Measure:
    number: int
    numeral: str
    chapter: int
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    tasks: tuple[int, ...]


@dataclass(frozen=True)
class Chapter:
    number: int
    numeral: str
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str
    measures: tuple[int, ...]


@dataclass(frozen=True)
class IndicatorValue:
    """One published (or computed) value of a target's indicator, with where it comes from.

    `period` is the span the number covers and `date` its last day. `days` is how many days
    with data the value rests on, where known (an annual mean of 360 valid days; a running
    value of 1 day). `recomputed` is the same figure recomputed by this site where the value
    itself is the publisher's (heavy-pollution days from the published daily AQI), shown beside it.
    """

    slug: str
    value: float
    date: date
    period: str
    source_title: str
    source_url: str
    note: str
    days: int | None = None
    recomputed: float | None = None


@dataclass(frozen=True)
class Target:
    slug: str
    title_zh: str
    title_en: str
    comparator: str
    target_value: float | None
    unit: str | None
    baseline_value: float | None
    baseline_year: int | None
    deadline: date | None
    recurring: str | None
    tasks: tuple[int, ...]
    measure: int | None
    quote_zh: str
    approximate: bool
    notes_en: str
    notes_zh: str


@dataclass(frozen=True)
class GlossaryTerm:
    zh: str
    en: str
    explanation_zh: str
    explanation_en: str


@dataclass(frozen=True)
class Plan:
    title_zh: str
    title_en: str
    preamble_zh: str
    preamble_en: str
    general_requirements_zh: str
    general_requirements_en: str
    main_goals_zh: str
    main_goals_en: str
    note_zh: str
    note_en: str
    source: dict
    chapters: tuple[Chapter, ...]
    measures: tuple[Measure, ...]
    tasks: tuple[Task, ...]
    departments: tuple[Department, ...]
    districts: tuple[District, ...]
    targets: tuple[Target, ...]
    glossary: tuple[GlossaryTerm, ...]

    def task(self, number: int) -> Task | None:
        return next((t for t in self.tasks if t.number == number), None)

    def measure(self, number: int) -> Measure | None:
        return next((m for m in self.measures if m.number == number), None)

    def chapter(self, number: int) -> Chapter | None:
        return next((c for c in self.chapters if c.number == number), None)

    def department(self, slug: str) -> Department | None:
        return next((d for d in self.departments if d.slug == slug), None)

    def district(self, slug: str) -> District | None:
        return next((d for d in self.districts if d.slug == slug), None)

    def target(self, slug: str) -> Target | None:
        return next((t for t in self.targets if t.slug == slug), None)

    def tasks_for_department(self, slug: str) -> list[tuple[Task, str]]:
        """(task, role) for every task naming the department, in task order."""
        return [(t, d.role) for t in self.tasks for d in t.departments if d.slug == slug]

    def tasks_for_district(self, slug: str) -> list[Task]:
        """Tasks whose text names the district (not the blanket county-government note)."""
        return [t for t in self.tasks if slug in t.districts]

    def targets_for_task(self, number: int) -> list[Target]:
        return [t for t in self.targets if number in t.tasks]

    @property
    def start_year(self) -> int:
        """The first year the plan's deadlines fall in (2024: 2024年底前…). The seed carries no
        date of issue, so a value for an earlier year is a value from before the plan."""
        years = [d.year for t in self.tasks for d in t.deadlines] + [
            t.deadline.year for t in self.targets if t.deadline]
        return min(years)

    def responsibility_en(self, task: Task) -> str:
        """The printed responsibility column in English, built from the parsed roles and the one
        English name of each body (departments.yaml), so no body is ever named two ways."""
        parts = []
        for role in ROLES:
            names = [d.name_en for td in task.departments if td.role == role
                     if (d := self.department(td.slug))]
            # The county governments' role is printed once, in row 1 (the note), and applies to all.
            if not names or (role == "implementing" and self.note_zh not in task.responsibility_zh):
                continue
            if role == "implementing":
                parts.append(self.note_en)
                continue
            listed = "; ".join(names) + (" and others" if role in task.and_others else "")
            parts.append(f"{ROLE_NAMES[role][1]}: {listed}.")
        return " ".join(parts)


# --- loading -----------------------------------------------------------------------------


class _Reader:
    """Typed access to a YAML mapping that reports the file and key path on bad data."""

    def __init__(self, data: Any, file: str, path: str = "") -> None:
        self.data, self.file, self.path = data, file, path

    def fail(self, key: str, message: str) -> ValueError:
        where = f"{self.path}.{key}" if self.path else key
        return ValueError(f"{self.file}: {where}: {message}")

    def child(self, key: str | int, data: Any = None) -> _Reader:
        where = f"{self.path}.{key}" if self.path else str(key)
        return _Reader(self.get(key) if data is None else data, self.file, where)

    def get(self, key: str | int) -> Any:
        if not isinstance(self.data, dict) or key not in self.data:
            raise self.fail(str(key), "missing")
        return self.data[key]

    def opt(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def text(self, key: str | int) -> str:
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(str(key), "must be a non-empty string")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self.opt(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string or null")
        return value

    def integer(self, key: str) -> int:
        value = self.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(key, "must be an integer")
        return value

    def items(self, key: str) -> list[_Reader]:
        value = self.get(key)
        if not isinstance(value, list):
            raise self.fail(key, "must be a list")
        return [self.child(f"{key}[{i}]", v) for i, v in enumerate(value)]

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.get(key)
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return value


def _read_yaml(path: Path) -> Any:
    if not path.exists():
        raise ValueError(f"{path}: file missing")
    try:
        # The C loader is ~10x faster; fall back when PyYAML was built without libyaml.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: invalid YAML: {exc}") from exc


def _parse_date(value: Any, reader: _Reader, key: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise reader.fail(key, f"{value!r} is not a YYYY-MM-DD date") from None


def _roles(reader: _Reader, key: str) -> list[str]:
    value = reader.opt(key) or []
    if not isinstance(value, list) or any(v not in ROLES for v in value):
        raise reader.fail(key, f"must be a list of roles ({', '.join(ROLES)})")
    return value


_BODY = re.compile(r"\{body:([a-z0-9-]+)\}")


def _with_body_names(text: str, departments: tuple[Department, ...], reader: _Reader, key: str) -> str:
    """Replace {body:<slug>} by the body's English name: English texts never retype a name."""
    names = {d.slug: d.name_en for d in departments}

    def name(m: re.Match) -> str:
        if m.group(1) not in names:
            raise reader.fail(key, f"unknown body {m.group(1)!r} in {{body:…}}")
        return names[m.group(1)]

    return _BODY.sub(name, text)


def _number(value: Any, reader: _Reader, key: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise reader.fail(key, "must be a number or null")
    return float(value)


def _load_departments(path: Path) -> tuple[Department, ...]:
    root = _Reader(_read_yaml(path), str(path))
    out = []
    for r in root.items("departments"):
        out.append(
            Department(
                slug=r.text("slug"),
                name_zh=r.text("name_zh"),
                name_en=r.text("name_en"),
                kind=r.choice("kind", DEPARTMENT_KINDS),
                synonyms=tuple(r.opt("synonyms") or ()),
            )
        )
    _unique([d.slug for d in out], root, "departments")
    return tuple(out)


def _load_districts(path: Path) -> tuple[District, ...]:
    root = _Reader(_read_yaml(path), str(path))
    out = []
    for r in root.items("districts"):
        code = r.opt("code")
        out.append(
            District(
                slug=r.text("slug"),
                name_zh=r.text("name_zh"),
                name_en=r.text("name_en"),
                code=None if code is None else str(code),
                kind=r.choice("kind", DISTRICT_KINDS),
            )
        )
    _unique([d.slug for d in out], root, "districts")
    return tuple(out)


def _unique(slugs: list[Any], reader: _Reader, key: str) -> None:
    seen = set()
    for s in slugs:
        if s in seen:
            raise reader.fail(key, f"duplicate {s!r}")
        seen.add(s)


def _load_targets(path: Path) -> tuple[Target, ...]:
    root = _Reader(_read_yaml(path), str(path))
    out = []
    for r in root.items("targets"):
        comparator = r.choice("comparator", COMPARATORS)
        value = _number(r.opt("target_value"), r, "target_value")
        if value is None and comparator != "complete":
            raise r.fail("target_value", f"required for comparator {comparator}")
        raw_deadline = r.opt("deadline")
        deadline = recurring = None
        if raw_deadline == "yearly":
            recurring = "yearly"
        elif raw_deadline is not None:
            deadline = _parse_date(raw_deadline, r, "deadline")
        baseline_year = r.opt("baseline_year")
        if baseline_year is not None and not isinstance(baseline_year, int):
            raise r.fail("baseline_year", "must be an integer year or null")
        measure = r.opt("measure")
        if measure is not None and not isinstance(measure, int):
            raise r.fail("measure", "must be a measure number or null")
        tasks = r.opt("tasks") or []
        if not all(isinstance(t, int) for t in tasks):
            raise r.fail("tasks", "must be a list of task numbers")
        approximate = r.opt("approximate", False)
        if not isinstance(approximate, bool):
            raise r.fail("approximate", "must be true or false")
        out.append(
            Target(
                slug=r.text("slug"),
                title_zh=r.text("title_zh"),
                title_en=r.text("title_en"),
                comparator=comparator,
                target_value=value,
                unit=r.opt_text("unit"),
                baseline_value=_number(r.opt("baseline_value"), r, "baseline_value"),
                baseline_year=baseline_year,
                deadline=deadline,
                recurring=recurring,
                tasks=tuple(tasks),
                measure=measure,
                quote_zh=r.text("quote_zh"),
                approximate=approximate,
                notes_en=r.text("notes_en"),
                notes_zh=r.opt_text("notes_zh") or "",
            )
        )
    _unique([t.slug for t in out], root, "targets")
    return tuple(out)


def _load_glossary(path: Path) -> tuple[GlossaryTerm, ...]:
    root = _Reader(_read_yaml(path), str(path))
    return tuple(
        GlossaryTerm(
            zh=r.text("zh"),
            en=r.text("en"),
            explanation_zh=r.text("explanation_zh"),
            explanation_en=r.text("explanation_en"),
        )
        for r in root.items("terms")
    )


def load_plan(content_dir: Path) -> Plan:
    """Read and cross-check content/plan/*.yaml and content/glossary.yaml.

    Raises ValueError naming the file and key for missing or inconsistent data
    (for example a task without English, or a task naming an unknown department).
    """
    plan_dir = Path(content_dir) / "plan"
    zh_path, en_path = plan_dir / "plan.zh.yaml", plan_dir / "plan.en.yaml"
    zh = _Reader(_read_yaml(zh_path), str(zh_path))
    en = _Reader(_read_yaml(en_path), str(en_path))
    departments = _load_departments(plan_dir / "departments.yaml")
    districts = _load_districts(plan_dir / "districts.yaml")
    targets = _load_targets(plan_dir / "targets.yaml")
    glossary = _load_glossary(Path(content_dir) / "glossary.yaml")
    dept_slugs = {d.slug for d in departments}
    district_slugs = {d.slug for d in districts}

    en_chapters, en_measures, en_tasks = (
        en.child("chapters"),
        en.child("measures"),
        en.child("tasks"),
    )

    measures_zh = zh.items("measures")
    tasks_zh = zh.items("tasks")
    tasks_by_measure: dict[int, list[int]] = {}
    for r in tasks_zh:
        tasks_by_measure.setdefault(r.integer("measure"), []).append(r.integer("number"))
    targets_by_task: dict[int, list[str]] = {}
    for t in targets:
        for n in t.tasks:
            targets_by_task.setdefault(n, []).append(t.slug)

    chapters = []
    for r in zh.items("chapters"):
        n = r.integer("number")
        e = en_chapters.child(n)
        text_zh = r.opt("text") or ""
        chapters.append(
            Chapter(
                number=n,
                numeral=r.text("numeral"),
                title_zh=r.text("title"),
                title_en=e.text("title"),
                text_zh=text_zh,
                text_en=e.text("text") if text_zh else "",
                measures=tuple(r.get("measures")),
            )
        )

    measures = []
    for r in measures_zh:
        n = r.integer("number")
        e = en_measures.child(n)
        measures.append(
            Measure(
                number=n,
                numeral=r.text("numeral"),
                chapter=r.integer("chapter"),
                title_zh=r.text("title"),
                title_en=e.text("title"),
                text_zh=r.text("text"),
                text_en=e.text("text"),
                tasks=tuple(tasks_by_measure.get(n, ())),
            )
        )
    measure_numbers = {m.number for m in measures}

    tasks = []
    for r in tasks_zh:
        n = r.integer("number")
        e = en_tasks.child(n)
        depts = []
        for d in r.items("departments"):
            slug = d.text("slug")
            if slug not in dept_slugs:
                raise d.fail("slug", f"unknown department {slug!r} (not in departments.yaml)")
            depts.append(TaskDepartment(slug, d.choice("role", ROLES)))
        if not depts:
            raise r.fail("departments", "every task needs at least one department")
        for slug in r.get("districts") or ():
            if slug not in district_slugs:
                raise r.fail("districts", f"unknown district {slug!r}")
        measure = r.integer("measure")
        if measure not in measure_numbers:
            raise r.fail("measure", f"unknown measure {measure}")
        discrepancy_zh = r.opt_text("discrepancy")
        discrepancy_en = e.text("discrepancy") if discrepancy_zh else None
        tasks.append(
            Task(
                number=n,
                heading_zh=r.text("heading"),
                heading_en=e.text("heading"),
                heading_printed_zh=r.opt_text("heading_printed"),
                text_zh=r.text("text"),
                text_en=e.text("text"),
                responsibility_zh=r.text("responsibility"),
                chapter=r.integer("chapter"),
                measure=measure,
                departments=tuple(depts),
                and_others=tuple(_roles(r, "and_others")),
                districts=tuple(r.get("districts") or ()),
                deadlines=tuple(_parse_date(v, r, "deadlines") for v in r.get("deadlines") or ()),
                recurring=r.opt("recurring"),
                targets=tuple(targets_by_task.get(n, ())),
                discrepancy_zh=discrepancy_zh,
                discrepancy_en=discrepancy_en,
            )
        )
    task_numbers = {t.number for t in tasks}
    for t in targets:
        missing = [n for n in t.tasks if n not in task_numbers]
        if missing:
            raise ValueError(
                f"{plan_dir / 'targets.yaml'}: {t.slug}.tasks: unknown tasks {missing}"
            )
        if t.measure is not None and t.measure not in measure_numbers:
            raise ValueError(f"{plan_dir / 'targets.yaml'}: {t.slug}.measure: unknown measure")

    return Plan(
        title_zh=zh.text("title"),
        title_en=en.text("title"),
        preamble_zh=zh.text("preamble"),
        preamble_en=en.text("preamble"),
        general_requirements_zh=zh.text("general_requirements"),
        general_requirements_en=en.text("general_requirements"),
        main_goals_zh=zh.text("main_goals"),
        main_goals_en=en.text("main_goals"),
        note_zh=zh.text("note"),
        note_en=_with_body_names(en.text("note"), departments, en, "note"),
        source=dict(zh.get("source")),
        chapters=tuple(chapters),
        measures=tuple(measures),
        tasks=tuple(tasks),
        departments=departments,
        districts=districts,
        targets=targets,
        glossary=glossary,
    )


# --- indicator values and target status ------------------------------------------------

_CSV_COLUMNS = ["slug", "value", "date", "period", "source_title", "source_url", "note"]


def load_indicator_values(path: Path) -> dict[str, list[IndicatorValue]]:
    """Read data/indicators/values.csv → {target slug: [values in file order]}.

    A missing file means no data yet ({}). Any bad row raises ValueError naming file and line.
    """
    path = Path(path)
    if not path.exists():
        return {}
    out: dict[str, list[IndicatorValue]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != _CSV_COLUMNS:
            raise ValueError(f"{path}: line 1: header must be {','.join(_CSV_COLUMNS)}")
        for row in reader:
            line = reader.line_num

            def bad(msg: str, line: int = line) -> ValueError:
                return ValueError(f"{path}: line {line}: {msg}")

            if None in row or any(row[c] is None for c in _CSV_COLUMNS):
                raise bad("wrong number of columns")
            slug = row["slug"].strip()
            if not slug:
                raise bad("empty slug")
            try:
                value = float(row["value"])
            except ValueError:
                raise bad(f"value {row['value']!r} is not a number") from None
            if not math.isfinite(value):
                raise bad("value must be finite")
            try:
                when = date.fromisoformat(row["date"].strip())
            except ValueError:
                raise bad(f"date {row['date']!r} is not YYYY-MM-DD") from None
            if row["period"] not in PERIODS:
                raise bad(f"period {row['period']!r} is not one of {', '.join(PERIODS)}")
            if not row["source_title"].strip():
                raise bad("source_title is required: every value must cite a publication")
            if not row["source_url"].startswith(("https://", "http://")):
                raise bad("source_url must be an http(s) URL")
            out.setdefault(slug, []).append(
                IndicatorValue(
                    slug,
                    value,
                    when,
                    row["period"],
                    row["source_title"].strip(),
                    row["source_url"].strip(),
                    row["note"].strip(),
                )
            )
    return out


# --- reading a target's bound the way Chinese legal text does ------------------------------
# 以下 / 以内 / 不超过 / 不高于 include the bound (≤: "30 微克/立方米以下" is met at exactly 30);
# 低于 / 少于 exclude it (<); 以上 / 不低于 / 不少于 / 至少 include it (≥). quote_comparators
# returns what a quote allows, so a test can hold every target in targets.yaml to its quote.
_AT_MOST_AFTER = ("以下", "以内")
_AT_MOST_BEFORE = ("不超过", "不高于", "不多于")
_BELOW_BEFORE = ("低于", "少于")
_AT_LEAST_AFTER = ("以上",)
_AT_LEAST_BEFORE = ("不低于", "不少于", "至少")
_CN_ONE = "一"


def _number_forms(value: float) -> list[str]:
    plain = f"{value:g}"
    forms = [plain]
    if value >= 10_000 and value % 10_000 == 0:
        forms.append(f"{value / 10_000:g}万")
    if value == 1:
        forms.append(_CN_ONE)
    return forms


def quote_comparators(quote: str, value: float | None) -> set[str]:
    """The comparators a target's Chinese quote allows for `value` (empty: value not found).

    Only the words next to the number decide: what follows it up to the next punctuation
    (以下, 以上, 左右) and what precedes it in the same clause (不超过, 低于, 至少, 下降…).
    """
    if value is None:
        return {"complete"}
    if value == 2 and "翻一番" in quote:
        return {"double"}
    for form in _number_forms(value):
        at = quote.find(form)
        while at != -1:
            before_end = at
            after_start = at + len(form)
            # a longer number containing the form ("115" for "15") is not a match
            inside_number = quote[after_start:after_start + 1].isdigit() or (at > 0 and quote[at - 1].isdigit())
            if not inside_number:
                before = re.split(r"[，。；、,]", quote[:before_end])[-1]
                after = re.split(r"[，。；、,和]", quote[after_start:])[0]
                return _comparators_of(before, after)
            at = quote.find(form, at + 1)
    return set()


def _comparators_of(before: str, after: str) -> set[str]:
    change = {"reduce_by_pct"} if re.search("下降|削减|减少", before) else (
        {"increase_by_pct"} if re.search("增长|提高", before) else set())
    # The bound word right after the number and its unit ("30微克/立方米以下", "60%以上的…").
    bound = re.match(r"^\D{0,8}?(以下|以内|以上|左右)", after)
    word = bound.group(1) if bound else ""
    if word in _AT_MOST_AFTER or any(w in before for w in _AT_MOST_BEFORE):
        return {"at_most"}
    if any(w in before.replace("不低于", "").replace("不少于", "") for w in _BELOW_BEFORE):
        return {"below"}
    if word in _AT_LEAST_AFTER or any(w in before for w in _AT_LEAST_BEFORE):
        return change or {"at_least"}
    # "达13%左右", "达到50%", "建设绿色工厂10家": a level to reach (met at or above it).
    return change or {"reach", "at_least"}
