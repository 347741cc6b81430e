"""Download station-hourly files (china_sites_YYYYMMDD.csv) from the publisher's file host.

Resumable: finished files are kept in the sync folder and not fetched again; an interrupted
download continues with an HTTP Range request. Timeouts and retries come from the config.

Days whose file the publisher may still change (today's file grows hour by hour; yesterday's and
the newest stored day's may be corrected) are *re-fetched*: downloaded again from the start,
replacing the kept copy only once the new one is complete. `recent_window` decides which days
`aq sync --recent` covers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import requests


@dataclass
class SyncSettings:
    base_url: str
    pattern: str  # e.g. "china_sites_{date:%Y%m%d}.csv"
    folder: Path
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0


@dataclass
class DayOutcome:
    """What happened to one day's file: downloaded | refetched | present | missing | failed."""

    day: date
    name: str
    action: str
    path: Path | None = None  # the file to import (a kept copy counts even when a re-fetch failed)
    detail: str = ""
    size: int = 0


@dataclass
class SyncResult:
    downloaded: list[Path] = field(default_factory=list)
    present: list[Path] = field(default_factory=list)
    missing: list[tuple[date, str]] = field(default_factory=list)  # not published (404)
    failed: list[tuple[date, str]] = field(default_factory=list)
    days: list[DayOutcome] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return sorted(self.present + self.downloaded)


def days(start: date, end: date) -> list[date]:
    if end < start:
        raise ValueError(f"--end {end} is before --start {start}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True)
class RecentWindow:
    start: date
    end: date
    refetch: frozenset[date]  # days downloaded again even when a copy is kept
    gap_from: date | None = None  # the uncapped start, when the window was cut to `max_days`


def recent_window(newest: date | None, today: date, max_days: int) -> RecentWindow:
    """Days `aq sync --recent` covers: from the day of the newest stored observation (never later
    than yesterday) through today, at most `max_days` of them (the most recent).

    Re-fetched: today (the publisher appends hours), yesterday (its last hours and corrections
    arrive after midnight) and the newest stored day (its kept copy may be a partial one).
    """
    if max_days < 2:
        raise ValueError("AIR_SYNC_RECENT_MAX_DAYS must be at least 2 (yesterday and today)")
    yesterday = today - timedelta(days=1)
    start = min(newest, yesterday) if newest is not None else yesterday
    gap_from = None
    if (today - start).days + 1 > max_days:
        gap_from, start = start, today - timedelta(days=max_days - 1)
    refetch = {today, yesterday} | ({newest} if newest is not None and start <= newest <= today else set())
    return RecentWindow(start, today, frozenset(refetch), gap_from)


def _fetch(url: str, target: Path, s: SyncSettings, session: requests.Session, fresh: bool = False) -> None:
    part = target.with_name(target.name + ".part")
    headers = {}
    if fresh:
        # A re-fetch: the file may have changed anywhere, so never continue an older partial copy.
        part.unlink(missing_ok=True)
    elif part.exists() and part.stat().st_size > 0:
        headers["Range"] = f"bytes={part.stat().st_size}-"
    with session.get(url, headers=headers, timeout=s.timeout, stream=True) as resp:
        if resp.status_code == 404:
            raise FileNotFoundError(url)
        if resp.status_code == 416:  # the part file is already complete
            part.replace(target)
            return
        resp.raise_for_status()
        mode = "ab" if resp.status_code == 206 else "wb"
        with part.open(mode) as fh:
            for chunk in resp.iter_content(64 * 1024):
                fh.write(chunk)
    part.replace(target)


def sync(start: date, end: date, s: SyncSettings, echo: Callable[[str], None] | None = print,
         session: requests.Session | None = None, refetch: frozenset[date] = frozenset()) -> SyncResult:
    """Fetch every day's file from `start` to `end` (inclusive) into `s.folder`.

    Days in `refetch` are downloaded again even when a copy is kept; if that fails the kept copy
    is still offered for import (and the failure reported).
    """
    s.folder.mkdir(parents=True, exist_ok=True)
    session = session or requests.Session()
    say = echo or (lambda _m: None)
    result = SyncResult()
    for day in days(start, end):
        name = s.pattern.format(date=day)
        target = s.folder / name
        kept = target.exists()
        if kept and day not in refetch:
            result.present.append(target)
            result.days.append(DayOutcome(day, name, "present", target, size=target.stat().st_size))
            continue
        url = s.base_url.rstrip("/") + "/" + name
        for attempt in range(1, s.retries + 2):
            try:
                _fetch(url, target, s, session, fresh=kept)
                result.downloaded.append(target)
                result.days.append(DayOutcome(day, name, "refetched" if kept else "downloaded", target,
                                              size=target.stat().st_size))
                say(f"{day}: {'re-fetched' if kept else 'downloaded'} {name}")
                break
            except FileNotFoundError:
                result.missing.append((day, "not published (HTTP 404)"))
                result.days.append(DayOutcome(day, name, "missing", target if kept else None,
                                              "not published (HTTP 404)"))
                if kept:
                    result.present.append(target)
                say(f"{day}: not published (HTTP 404) at {url}")
                break
            except (requests.RequestException, OSError) as exc:
                if attempt > s.retries:
                    result.failed.append((day, str(exc)))
                    result.days.append(DayOutcome(day, name, "failed", target if kept else None,
                                                  f"failed after {attempt} attempts: {exc}"))
                    if kept:
                        result.present.append(target)
                    say(f"{day}: FAILED after {attempt} attempts: {exc}")
                    break
                say(f"{day}: attempt {attempt} failed ({exc}); retrying")
                time.sleep(s.backoff * attempt)
    return result
