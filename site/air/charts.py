"""The air pages' bar charts: stored rows in, chart geometry out (cleanair.domain.charts).

Years without any data between two imported years are rows of their own ("no data"), so a gap
in the record reads as a gap; an incomplete year is dashed, starred and says how many days it
holds; AQI bars take the colour of their level, as the badges do.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from ..domain.charts import BarChart, BarItem, bar_chart


def official_counts(y: dict) -> dict:
    """A year's heavy-pollution days and good-day ratio as the plan counts them: from the
    publisher's daily AQI when it gives one for every day this site has an AQI for, else the
    counts recomputed here (the same rule as the target values, service._target_values)."""
    official = y.get("heavy_days_published") is not None and (y.get("aqi_days_published") or 0) >= (y.get("aqi_days") or 0)
    if official:
        return {"official": True, "heavy_days": y["heavy_days_published"], "good_days_ratio": y["good_days_ratio_published"],
                "good_days": y["good_days_published"], "aqi_days": y["aqi_days_published"]}
    return {"official": False, "heavy_days": y["heavy_days"], "good_days_ratio": y["good_days_ratio"],
            "good_days": y["good_days"], "aqi_days": y["aqi_days"]}


def year_label(y: dict) -> str:
    return f"{y['year']}{'' if y['complete'] else '*'}"


def _partial_note(y: dict) -> str:
    return "" if y["complete"] else ngettext("%(num)s day", "%(num)s days", y["valid_days"])


def years_with_gaps(annual: Sequence[dict]) -> list[dict | int]:
    """The annual rows in order, with the missing years between them as bare ints (gaps)."""
    by = {y["year"]: y for y in annual}
    if not by:
        return []
    return [by.get(yr, yr) for yr in range(min(by), max(by) + 1)]


def annual_chart(annual: Sequence[dict], field: str, line: float | None, line_label: str = "", *,
                 scale: float = 1.0, digits: int = 1, max_value: float | None = None,
                 above_is_bad: bool = True) -> BarChart | None:
    """One bar per year (oldest first); `field` of the row, or of official_counts() for counts."""
    items = []
    for y in years_with_gaps(annual):
        if isinstance(y, int):
            items.append(BarItem(str(y), None, gap=True))
            continue
        row = {**y, **official_counts(y)} if field in ("heavy_days", "good_days_ratio") else y
        v = row[field]
        items.append(BarItem(year_label(y), None if v is None else v * scale, partial=not y["complete"],
                             note=_partial_note(y)))
    return bar_chart(items, line, line_label, max_value=max_value, digits=digits, above_is_bad=above_is_bad,
                     gap_text=_("no data"))


def monthly_chart(months: Sequence[dict], year: int, month_min_days: int, february_min_days: int,
                  line: float | None, line_label: str) -> BarChart | None:
    """Twelve rows, January first: a month without data is a gap, a month with fewer valid days than
    HJ 663-2013 asks for is partial."""
    by = {int(m["month"][5:7]): m for m in months if m["month"].startswith(str(year))}
    if not by:
        return None
    items = []
    for n in range(1, 13):
        m = by.get(n)
        label = date(year, n, 1).strftime("%m")
        if m is None or m["pm25"] is None:
            items.append(BarItem(label, None, gap=True))
            continue
        needed = february_min_days if n == 2 else month_min_days
        partial = m["pm25_days"] < needed
        items.append(BarItem(label + ("*" if partial else ""), m["pm25"], partial=partial,
                             note=ngettext("%(num)s day", "%(num)s days", m["pm25_days"]) if partial else ""))
    return bar_chart(items, line, line_label, gap_text=_("no data"))


def hourly_chart(hours: Sequence[dict], line: float | None, line_label: str, limit: int = 24) -> BarChart | None:
    """The `limit` hours up to the newest stored one, newest first (as the table below); an hour
    not stored is a gap, and the date is written on the first row of each day."""
    if not hours:
        return None
    by = {h["time"]: h for h in hours}
    newest = hours[0]["time"]
    items = []
    for i in range(limit):
        t = newest - timedelta(hours=i)
        label = t.strftime("%m-%d %H:00") if i == 0 or t.hour == 23 else t.strftime("%H:00")
        h = by.get(t)
        v = None if h is None else (h["aqi"] if h["aqi"] is not None else h["aqi_published"])
        items.append(BarItem(label, v, level=h.get("level") if h is not None and h["aqi"] is not None else None,
                             gap=h is None))
    return bar_chart(items, line, line_label, digits=0, gap_text=_("no value"))
