"""Public statistics of tips, computed from plain rows (no personal data reaches this module)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .states import STATES, VERIFIED


@dataclass(frozen=True)
class TipFacts:
    category: str
    district: str | None
    bodies: tuple[str, ...]  # the body the tip was routed to, or the suggested lead bodies
    submitted_at: datetime
    status: str
    first_action_at: datetime | None
    decided: bool  # verified or not_verified: the base of the share verified


def tip_stats(rows: Iterable[TipFacts]) -> dict:
    rows = list(rows)
    by_status = Counter(r.status for r in rows)
    decided = [r for r in rows if r.decided]
    waits = [
        (r.first_action_at - r.submitted_at).total_seconds() / 86400 for r in rows if r.first_action_at is not None
    ]
    return {
        "total": len(rows),
        "by_category": dict(Counter(r.category for r in rows).most_common()),
        "by_district": dict(Counter(r.district or "" for r in rows).most_common()),
        "by_body": dict(Counter(b for r in rows for b in r.bodies).most_common()),
        "by_month": dict(sorted(Counter(r.submitted_at.strftime("%Y-%m") for r in rows).items())),
        "by_status": {s: by_status.get(s, 0) for s in STATES},
        "decided": len(decided),
        "verified": sum(1 for r in decided if r.status == VERIFIED),
        "share_verified": (sum(1 for r in decided if r.status == VERIFIED) / len(decided)) if decided else None,
        "median_days_to_first_action": round(statistics.median(waits), 2) if waits else None,
        "with_first_action": len(waits),
    }


def stats_rows(stats: dict) -> list[dict]:
    """The same figures as a long table: dimension, key, count."""
    rows = []
    for dim in ("category", "district", "body", "month", "status"):
        for key, count in stats[f"by_{dim}"].items():
            rows.append({"dimension": dim, "key": key, "count": count})
    rows.append({"dimension": "total", "key": "", "count": stats["total"]})
    return rows
