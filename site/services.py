"""Data the site loads once at start-up and shares between requests (never rebuilt per request)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import Flask, current_app

from . import clock
from .domain.opendata import Dataset
from .domain.pages import Page, load_pages
from .domain.plan import IndicatorValue, Plan, load_indicator_values, load_plan
from .domain.plan_records import plan_datasets

# A provider returns computed indicator values by target slug (e.g. the air engine's PM2.5).
IndicatorProvider = Callable[[], dict[str, list[IndicatorValue]]]


@dataclass
class SiteData:
    plan: Plan
    file_values: dict[str, list[IndicatorValue]]
    pages: dict[tuple[str, str], Page] = field(default_factory=dict)
    datasets: list[Dataset] = field(default_factory=list)
    providers: list[IndicatorProvider] = field(default_factory=list)

    def indicator_values(self, slug: str) -> list[IndicatorValue]:
        values = list(self.file_values.get(slug, []))
        for provider in self.providers:
            values.extend(provider().get(slug, []))
        return values


def init_services(app: Flask) -> None:
    content_dir = Path(app.config["CONTENT_DIR"])
    data_dir = Path(app.config["DATA_DIR"])
    plan = load_plan(content_dir)
    app.extensions["cleanair"] = SiteData(
        plan=plan,
        file_values=load_indicator_values(data_dir / "indicators" / "values.csv"),
        pages=load_pages(content_dir / "pages", {"plan_title": (plan.title_zh, plan.title_en)}),
        datasets=list(plan_datasets(plan)),
    )


def site_data() -> SiteData:
    return current_app.extensions["cleanair"]


def plan() -> Plan:
    return site_data().plan


def today() -> date:
    """Today in Suzhou; pinned by CLEANAIR_TODAY (tests, reproducible screenshots)."""
    pinned = current_app.config.get("TODAY")
    return date.fromisoformat(pinned) if pinned else clock.to_local(clock.now_utc()).date()
