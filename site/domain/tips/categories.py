"""Tip categories are data (content/tips/categories.yaml), each tied to the plan tasks it enforces.

Routing follows the plan: the suggested responsible bodies of a tip are the departments the
plan's responsibility table names for the category's tasks, lead bodies first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml

SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
ROLE_ORDER = {"lead": 0, "joint": 1, "cooperating": 2, "implementing": 3}


@dataclass(frozen=True)
class Category:
    slug: str
    name_zh: str
    name_en: str
    hint_zh: str
    hint_en: str
    tasks: tuple[int, ...]
    active: bool = True


@dataclass(frozen=True)
class SuggestedBody:
    slug: str
    role: str  # the strongest role the body has in any of the category's tasks
    tasks: tuple[int, ...]


class _TaskDepartment(Protocol):
    slug: str
    role: str


class _Task(Protocol):
    number: int
    departments: tuple[_TaskDepartment, ...]


class _Plan(Protocol):
    def task(self, number: int) -> _Task | None: ...


def load_categories(path: Path, plan: _Plan | None = None) -> tuple[Category, ...]:
    """Read and check the category file; with `plan`, every task number must exist in the plan."""
    raw = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), list):
        raise ValueError(f"{path}: expected a mapping with a 'categories' list")
    out: list[Category] = []
    for i, item in enumerate(raw["categories"]):
        where = f"{path}: categories[{i}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected a mapping")
        slug = str(item.get("slug") or "")
        if not slug or not set(slug) <= SLUG_CHARS or len(slug) > 40:
            raise ValueError(f"{where}: slug must be lower-case letters, digits, '-' or '_' (≤ 40)")
        for key in ("name_zh", "name_en"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise ValueError(f"{where} ({slug}): {key} is required")
        tasks = item.get("tasks") or []
        if not isinstance(tasks, list) or not all(isinstance(t, int) for t in tasks):
            raise ValueError(f"{where} ({slug}): tasks must be a list of task numbers")
        if plan is not None:
            missing = [t for t in tasks if plan.task(t) is None]
            if missing:
                raise ValueError(f"{where} ({slug}): no such plan task(s) {missing}")
        active = item.get("active", True)
        if not isinstance(active, bool):
            raise ValueError(f"{where} ({slug}): active must be true or false")
        out.append(
            Category(
                slug=slug,
                name_zh=item["name_zh"].strip(),
                name_en=item["name_en"].strip(),
                hint_zh=str(item.get("hint_zh") or "").strip(),
                hint_en=str(item.get("hint_en") or "").strip(),
                tasks=tuple(tasks),
                active=active,
            )
        )
    slugs = [c.slug for c in out]
    dupes = sorted({s for s in slugs if slugs.count(s) > 1})
    if dupes:
        raise ValueError(f"{path}: duplicate category slugs {dupes}")
    return tuple(out)


def suggested_bodies(category: Category, plan: _Plan) -> list[SuggestedBody]:
    """Departments responsible for the category's tasks, lead bodies first (routing suggestion)."""
    roles: dict[str, str] = {}
    tasks: dict[str, list[int]] = {}
    for number in category.tasks:
        task = plan.task(number)
        if task is None:
            continue
        for dep in task.departments:
            best = roles.get(dep.slug)
            if best is None or ROLE_ORDER.get(dep.role, 9) < ROLE_ORDER.get(best, 9):
                roles[dep.slug] = dep.role
            tasks.setdefault(dep.slug, [])
            if number not in tasks[dep.slug]:
                tasks[dep.slug].append(number)
    bodies = [SuggestedBody(slug, role, tuple(tasks[slug])) for slug, role in roles.items()]
    # Stable: strongest role first, then the body named in the most tasks, then plan order.
    order = {slug: i for i, slug in enumerate(roles)}
    bodies.sort(key=lambda b: (ROLE_ORDER.get(b.role, 9), -len(b.tasks), order[b.slug]))
    return bodies


def active(categories: Iterable[Category]) -> list[Category]:
    return [c for c in categories if c.active]
