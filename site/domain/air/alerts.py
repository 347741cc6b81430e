"""Heavy-pollution weather alerts (重污染天气预警): levels, input rules, when an alert is in force.

Pure functions, no Flask or database. An alert is what an issuing body published: its level,
the instant it starts, the instant it is lifted (or none yet), the body, the document's title
and address. Instants are aware; a time typed without an offset is Suzhou time (docs/time.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol
from urllib.parse import urlsplit

from ... import clock


@dataclass(frozen=True)
class Level:
    key: str
    rank: int  # 1 = least severe
    name_zh: str
    name_en: str
    response: str  # emergency response level started by this alert (Ⅲ级 … Ⅰ级)
    colour: str  # the alert colour itself (text is always shown beside it)


LEVELS: dict[str, Level] = {
    "yellow": Level("yellow", 1, "黄色预警", "Yellow alert", "Ⅲ", "#f2c500"),
    "orange": Level("orange", 2, "橙色预警", "Orange alert", "Ⅱ", "#f28c00"),
    "red": Level("red", 3, "红色预警", "Red alert", "Ⅰ", "#d0021b"),
}

MAX_TEXT = {"issuer": 200, "title": 500, "url": 1000}


class AlertLike(Protocol):
    id: int
    level: str
    starts_at: datetime
    ends_at: datetime | None


class AlertInputError(ValueError):
    """Input that cannot become an alert; `problems` maps a field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def parse_instant(text: str, zone: tzinfo | None = None) -> datetime:
    """ISO 8601 date-time → aware UTC instant. Without an offset the time is Suzhou time.

    Accepts `2026-12-01T20:00`, `2026-12-01 20:00`, `2026-12-01T12:00:00Z`, `…+08:00`; a date
    alone means 00:00 of that day. Raises ValueError with a readable message otherwise.
    """
    raw = (text or "").strip()
    if not raw:
        raise ValueError("a time is required, e.g. 2026-12-01T20:00 (Suzhou time) or 2026-12-01T12:00Z")
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{raw!r} is not a date and time like 2026-12-01T20:00") from None
    if value.tzinfo is None:
        value = clock.from_local(value, zone)
    return value.astimezone(UTC).replace(microsecond=0)


def check(level: str, starts_at: datetime | None, ends_at: datetime | None, issuer: str, title: str,
          url: str) -> dict[str, str]:
    """Problems with an alert's fields, by field name (empty when it can be recorded)."""
    problems: dict[str, str] = {}
    if level not in LEVELS:
        problems["level"] = f"must be one of {', '.join(LEVELS)}"
    if starts_at is None:
        problems["start"] = "a start time is required"
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        problems["end"] = "the end must be after the start"
    for name, value in (("issuer", issuer), ("title", title), ("url", url)):
        if not (value or "").strip():
            problems[name] = "required"
        elif len(value) > MAX_TEXT[name]:
            problems[name] = f"at most {MAX_TEXT[name]} characters"
    if "url" not in problems:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems["url"] = "must be the http(s) address of the issuing document"
    return problems


def check_end(starts_at: datetime, ends_at: datetime | None, at: datetime) -> str | None:
    """Why an alert cannot be ended at `at`, or None."""
    if ends_at is not None:
        return f"already ended at {clock.isoformat(ends_at)}"
    if at <= starts_at:
        return "the end must be after the start"
    return None


def is_active(alert: AlertLike, now: datetime) -> bool:
    """In force at `now`: started, and not yet lifted (an end is exclusive)."""
    return alert.starts_at <= now and (alert.ends_at is None or now < alert.ends_at)


def status(alert: AlertLike, now: datetime) -> str:
    """scheduled | active | ended."""
    if now < alert.starts_at:
        return "scheduled"
    return "active" if is_active(alert, now) else "ended"


def active(alerts: Iterable[AlertLike], now: datetime) -> list[AlertLike]:
    """Alerts in force at `now`, most severe first, then the most recent."""
    found = [a for a in alerts if is_active(a, now)]
    return sorted(found, key=lambda a: (-LEVELS[a.level].rank, -a.starts_at.timestamp(), -a.id))


def next_change(alerts: Iterable[AlertLike], now: datetime) -> datetime | None:
    """The next instant after `now` at which some alert starts or ends (what is in force changes)."""
    times = [t for a in alerts for t in (a.starts_at, a.ends_at) if t is not None and t > now]
    return min(times, default=None)


def day_span(day: date, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """A Suzhou calendar day as [start, end) instants."""
    start = datetime.combine(day, time(0), tzinfo=zone or clock.site_zone())
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone or clock.site_zone())


def in_force_on(alerts: Sequence[AlertLike], day: date, zone: tzinfo | None = None) -> list[AlertLike]:
    """Alerts in force at any moment of a Suzhou calendar day (an open alert: until now and on)."""
    start, end = day_span(day, zone)
    return [a for a in alerts if a.starts_at < end and (a.ends_at is None or a.ends_at > start)]
