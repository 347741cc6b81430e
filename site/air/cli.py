"""`flask --app wsgi aq import|sync|recompute|status`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import clock, services
from ..extensions import db
from . import service
from .lock import SyncBusy, sync_lock
from .store import FileReport, import_paths, recompute_all
from .sync import DayOutcome, SyncSettings, recent_window, sync


@click.group("aq")
def aq() -> None:
    """Air-quality data: import files, sync from the publisher, recompute."""


def _run_import(paths: list[Path], city: str | None) -> int:
    st = service.state()
    report = import_paths(paths, st.standards, st.frame, city=city, echo=click.echo)
    service.invalidate()
    click.echo(report.summary())
    return 1 if report.failed else 0


@aq.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--city", help="CNEMC city name for city-daily files whose name does not say (e.g. 苏州).")
@with_appcontext
def import_cmd(paths: tuple[Path, ...], city: str | None) -> None:
    """Import CNEMC station-hourly (wide or long) and aqistudy city-daily files or folders."""
    raise SystemExit(_run_import(list(paths), city))


def _date(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2022-01-04") from None


def _date_opt(ctx, param, value: str | None) -> date | None:
    return None if value is None else _date(ctx, param, value)


def _settings(base_url: str | None) -> SyncSettings:
    cfg = current_app.config
    return SyncSettings(base_url=base_url or cfg["AIR_SYNC_BASE_URL"], pattern=cfg["AIR_SYNC_FILE_PATTERN"],
                        folder=sync_folder(), timeout=float(cfg["AIR_SYNC_TIMEOUT"]),
                        retries=int(cfg["AIR_SYNC_RETRIES"]), backoff=float(cfg["AIR_SYNC_BACKOFF"]))


def sync_folder() -> Path:
    return Path(current_app.config.get("AIR_SYNC_DIR") or Path(current_app.instance_path) / "air-sync")


def lock_path() -> Path:
    return Path(current_app.config.get("AIR_SYNC_LOCK_FILE") or sync_folder() / "aq-sync.lock")


@aq.command("sync")
@click.option("--start", callback=_date_opt, help="First day, YYYY-MM-DD.")
@click.option("--end", callback=_date_opt, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--recent", is_flag=True,
              help="From the day of the newest stored observation through today (Asia/Shanghai), re-fetching "
                   "today's and yesterday's files. Safe to run every few minutes.")
@click.option("--base-url", help="Override AIR_SYNC_BASE_URL for this run.")
@with_appcontext
def sync_cmd(start: date | None, end: date | None, recent: bool, base_url: str | None) -> None:
    """Download station-hourly files (--start/--end, or --recent), then import them.

    One run at a time (a lock that a crashed run does not leave behind). Exit status 0 when every
    published file was fetched and imported, 1 otherwise.
    """
    if recent and (start or end):
        raise click.UsageError("use either --recent or --start/--end, not both")
    if not recent and not (start and end):
        raise click.UsageError("give --start and --end, or --recent")
    if not recent and end < start:
        raise click.BadParameter(f"--end {end} is before --start {start}")
    try:
        with sync_lock(lock_path(), db.engine):
            code = _sync_recent(_settings(base_url)) if recent else _sync_range(start, end, _settings(base_url))
    except SyncBusy as exc:
        # Not a failure: the run that holds the lock is doing this work (freshness is watched by
        # /healthz/data). Only a lock held for very long is worth an alert.
        since = exc.holder.since
        held = (clock.now_utc() - since).total_seconds() / 60 if since else 0
        click.echo(f"aq sync: {exc}; this run did nothing")
        code = 1 if held > LOCK_HELD_TOO_LONG_MINUTES else 0
        if code:
            click.echo(f"aq sync: the lock has been held for {held:.0f} minutes: check that run")
    raise SystemExit(code)


# A run holding the lock longer than this makes the next ones exit 1 (a hung download, say).
LOCK_HELD_TOO_LONG_MINUTES = 60


def _sync_range(start: date, end: date, settings: SyncSettings) -> int:
    result = sync(start, end, settings, echo=click.echo)
    click.echo(f"sync: {len(result.downloaded)} downloaded, {len(result.present)} already present, "
               f"{len(result.missing)} not published, {len(result.failed)} failed")
    code = _run_import(result.files, None) if result.files else 0
    return 1 if result.failed else code


def _sync_recent(settings: SyncSettings) -> int:
    cfg = current_app.config
    newest = service.newest_observation()
    today = services.today()
    window = recent_window(newest.date() if newest else None, today, int(cfg["AIR_SYNC_RECENT_MAX_DAYS"]))
    click.echo(f"aq sync --recent: {window.start} to {window.end} (today in {cfg['SITE_TIMEZONE']}); newest stored "
               f"observation: {newest.strftime('%Y-%m-%d %H:%M') if newest else 'none'}; re-fetching "
               + ", ".join(str(d) for d in sorted(window.refetch) if window.start <= d <= window.end))
    if window.gap_from:
        click.echo(f"aq sync --recent: WARNING the newest stored observation is from {window.gap_from}; only the "
                   f"last {cfg['AIR_SYNC_RECENT_MAX_DAYS']} days are fetched. Fill the gap with: flask aq sync "
                   f"--start {window.gap_from} --end {window.start}")
    result = sync(window.start, window.end, settings, echo=None, refetch=window.refetch)
    files = [d.path for d in result.days if d.path is not None]
    report = None
    if files:
        st = service.state()
        report = import_paths(files, st.standards, st.frame)
        service.invalidate()
    by_path = {fr.path: fr for fr in report.files} if report else {}
    for day in result.days:
        click.echo(day_line(day, by_path.get(day.path)))
        fr = by_path.get(day.path)
        for msg in (fr.errors[:20] if fr else []):
            click.echo("  " + msg)
    imported = sum(fr.imported for fr in by_path.values())
    corrected = sum(fr.corrected for fr in by_path.values())
    failed_imports = [fr for fr in by_path.values() if fr.status == "failed"]
    click.echo(f"aq sync --recent: {len(result.days)} days, {imported - corrected} new hours, {corrected} corrected, "
               f"{len(result.failed)} download failures, {len(failed_imports)} import failures"
               + (f"; recomputed {report.derived_days} daily and {report.derived_years} annual values" if report else ""))
    return 1 if result.failed or failed_imports or window.gap_from else 0


def day_line(day: DayOutcome, fr: FileReport | None) -> str:
    """One log line per file: what the download did and what the import changed."""
    fetched = {"downloaded": f"downloaded ({day.size:,} bytes)", "refetched": f"re-fetched ({day.size:,} bytes)",
               "present": "kept copy", "missing": "not published yet (HTTP 404)",
               "failed": f"download {day.detail}"}[day.action]
    if day.action in ("missing", "failed") and day.path is not None:
        fetched += "; importing the kept copy"
    if fr is None:
        return f"{day.day} {day.name}: {fetched}"
    if fr.status == "already":
        what = "no change (this exact file was imported before)"
    elif fr.status == "failed":
        what = f"import FAILED, nothing imported ({len(fr.errors)} problems)"
    else:
        what = (f"{fr.imported - fr.corrected} new hours, {fr.corrected} corrected, {fr.unchanged} unchanged"
                + (f", {fr.kept_other} kept from a file of higher precedence" if fr.kept_other else ""))
    return f"{day.day} {day.name}: {fetched}; {what}"


@aq.command("recompute")
@with_appcontext
def recompute_cmd() -> None:
    """Recompute every AQI, daily and annual value from the stored observations."""
    st = service.state()
    days, years = recompute_all(st.standards, st.frame)
    service.invalidate()
    click.echo(f"recomputed {days} daily and {years} annual values")


@aq.command("status")
@with_appcontext
def status_cmd() -> None:
    """Latest observation, freshness (as /healthz/data judges it), corrections and the most recent imports."""
    click.echo(f"data version: {service.data_version()}")
    click.echo(f"latest observation: {service.latest_time() or 'none'}")
    f = service.data_freshness()
    city = f["city"]
    click.echo(f"freshness: {f['status']} (city {city['name']}: newest {city['newest'] or 'none'}, "
               f"{city['age_minutes'] if city['age_minutes'] is not None else '-'} minutes old, limit "
               f"{f['stale_after_minutes']}; {f['stations_reporting']} of {f['stations_total']} stations reported "
               f"in the last {f['reporting_window_minutes'] // 60} hours)")
    click.echo(f"corrections by the publisher recorded: {len({c['id'] for c in service.corrections()})}")
    for row in service.import_log(10):
        click.echo(f"{row['imported_at']:%Y-%m-%d %H:%M} {row['summary']}")
