"""Download station-hourly files (china_sites_YYYYMMDD.csv) from the publisher's file host.

Resumable: finished files are kept in the sync folder and not fetched again; an interrupted
download continues with an HTTP Range request. Timeouts and retries come from the config.
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
class SyncResult:
    downloaded: list[Path] = field(default_factory=list)
    present: list[Path] = field(default_factory=list)
    missing: list[tuple[date, str]] = field(default_factory=list)  # not published (404)
    failed: list[tuple[date, str]] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return sorted(self.present + self.downloaded)


def days(start: date, end: date) -> list[date]:
    if end < start:
        raise ValueError(f"--end {end} is before --start {start}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _fetch(url: str, target: Path, s: SyncSettings, session: requests.Session) -> None:
    part = target.with_name(target.name + ".part")
    headers = {}
    if part.exists() and part.stat().st_size > 0:
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


def sync(start: date, end: date, s: SyncSettings, echo: Callable[[str], None] = print,
         session: requests.Session | None = None) -> SyncResult:
    """Fetch every day's file from `start` to `end` (inclusive) into `s.folder`."""
    s.folder.mkdir(parents=True, exist_ok=True)
    session = session or requests.Session()
    result = SyncResult()
    for day in days(start, end):
        name = s.pattern.format(date=day)
        target = s.folder / name
        if target.exists():
            result.present.append(target)
            continue
        url = s.base_url.rstrip("/") + "/" + name
        for attempt in range(1, s.retries + 2):
            try:
                _fetch(url, target, s, session)
                result.downloaded.append(target)
                echo(f"{day}: downloaded {name}")
                break
            except FileNotFoundError:
                result.missing.append((day, "not published (HTTP 404)"))
                echo(f"{day}: not published (HTTP 404) at {url}")
                break
            except (requests.RequestException, OSError) as exc:
                if attempt > s.retries:
                    result.failed.append((day, str(exc)))
                    echo(f"{day}: FAILED after {attempt} attempts: {exc}")
                    break
                echo(f"{day}: attempt {attempt} failed ({exc}); retrying")
                time.sleep(s.backoff * attempt)
    return result
