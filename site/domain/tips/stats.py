"""Public statistics of tips (no personal data reaches this module).

`stats_from_counts` builds them from counts the database has already grouped (what the site
serves: its cost does not grow with every tip the way reading every row did). `tip_stats`
builds the same figures from one fact per tip: the definition the grouped version is tested
against.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from .states import NOT_VERIFIED, STATES, VERIFIED

DAY_SECONDS = 86400


@dataclass(frozen=True)
class TipFacts:
    category: str
    district: str | None
    bodies: tuple[str, ...]  # the body the tip was routed to, or the suggested lead bodies
    submitted_at: datetime  # in the site's zone: months are its calendar months
    status: str
    first_action_at: datetime | None
    decided: bool  # verified or not_verified: the base of the share verified


def _ranked(counts: Counter) -> dict:
    """Largest first; equal counts by key, so the order never depends on the order rows came in."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def _figures(by_category: Counter, by_district: Counter, by_body: Counter, by_month: Counter,
             by_status: Counter, median_days: float | None, with_first_action: int) -> dict:
    decided = by_status.get(VERIFIED, 0) + by_status.get(NOT_VERIFIED, 0)
    return {
        "total": sum(by_status.values()),
        "by_category": _ranked(by_category),
        "by_district": _ranked(by_district),
        "by_body": _ranked(by_body),
        "by_month": dict(sorted(by_month.items())),
        "by_status": {s: by_status.get(s, 0) for s in STATES},
        "decided": decided,
        "verified": by_status.get(VERIFIED, 0),
        "share_verified": by_status.get(VERIFIED, 0) / decided if decided else None,
        "median_days_to_first_action": round(median_days, 2) if median_days is not None else None,
        "with_first_action": with_first_action,
    }


def tip_stats(rows: Iterable[TipFacts]) -> dict:
    """The figures from one fact per tip (the reference definition)."""
    rows = list(rows)
    waits = [(r.first_action_at - r.submitted_at).total_seconds() / DAY_SECONDS
             for r in rows if r.first_action_at is not None]
    return _figures(
        Counter(r.category for r in rows), Counter(r.district or "" for r in rows),
        Counter(b for r in rows for b in r.bodies), Counter(r.submitted_at.strftime("%Y-%m") for r in rows),
        Counter(r.status for r in rows), statistics.median(waits) if waits else None, len(waits),
    )


def stats_from_counts(
    route_category: Iterable[tuple[str | None, str, int]],
    status_district: Iterable[tuple[str, str | None, int]],
    months: Mapping[str, int],
    lead_bodies: Mapping[str, tuple[str, ...]],
    with_first_action: int,
    median_wait_seconds: float | None,
) -> dict:
    """The figures from grouped counts: (routed_to, category, n), (status, district, n), tips per
    month, the lead bodies of each category (for tips not routed yet), and the number and the
    median of the waits until a first staff action."""
    by_category: Counter = Counter()
    by_body: Counter = Counter()
    for routed_to, category, n in route_category:
        by_category[category] += n
        for body in (routed_to,) if routed_to else lead_bodies.get(category, ()):
            by_body[body] += n
    by_status: Counter = Counter()
    by_district: Counter = Counter()
    for status, district, n in status_district:
        by_status[status] += n
        by_district[district or ""] += n
    median = median_wait_seconds / DAY_SECONDS if median_wait_seconds is not None else None
    return _figures(by_category, by_district, by_body, Counter({m: n for m, n in months.items() if n}), by_status,
                    median, with_first_action)


def month_starts(first: datetime, last: datetime, zone: tzinfo) -> list[tuple[str, datetime]]:
    """The calendar months of `zone` from the one holding instant `first` to the one after the
    one holding `last`: ("YYYY-MM", the UTC instant it begins). Counting the instants between
    two starts gives a month's tips exactly, whatever the zone's offsets."""
    a, b = first.astimezone(zone), last.astimezone(zone)
    y, m = a.year, a.month
    out = []
    while True:
        out.append((f"{y:04d}-{m:02d}", datetime(y, m, 1, tzinfo=zone).astimezone(UTC)))
        if (y, m) > (b.year, b.month):
            return out
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def stats_rows(stats: dict) -> list[dict]:
    """The same figures as a long table: dimension, key, count."""
    rows = []
    for dim in ("category", "district", "body", "month", "status"):
        for key, count in stats[f"by_{dim}"].items():
            rows.append({"dimension": dim, "key": key, "count": count})
    rows.append({"dimension": "total", "key": "", "count": stats["total"]})
    return rows
