"""`flask --app wsgi aq import|sync|recompute|status`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import service
from .store import import_paths, recompute_all
from .sync import SyncSettings, sync


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


@aq.command("sync")
@click.option("--start", required=True, callback=_date, help="First day, YYYY-MM-DD.")
@click.option("--end", required=True, callback=_date, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--base-url", help="Override AIR_SYNC_BASE_URL for this run.")
@with_appcontext
def sync_cmd(start: date, end: date, base_url: str | None) -> None:
    """Download station-hourly files for the days from START to END, then import them."""
    cfg = current_app.config
    folder = Path(cfg.get("AIR_SYNC_DIR") or Path(current_app.instance_path) / "air-sync")
    settings = SyncSettings(base_url=base_url or cfg["AIR_SYNC_BASE_URL"], pattern=cfg["AIR_SYNC_FILE_PATTERN"],
                            folder=folder, timeout=float(cfg["AIR_SYNC_TIMEOUT"]),
                            retries=int(cfg["AIR_SYNC_RETRIES"]), backoff=float(cfg["AIR_SYNC_BACKOFF"]))
    try:
        result = sync(start, end, settings, echo=click.echo)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo(f"sync: {len(result.downloaded)} downloaded, {len(result.present)} already present, "
               f"{len(result.missing)} not published, {len(result.failed)} failed")
    code = _run_import(result.files, None) if result.files else 0
    raise SystemExit(1 if result.failed else code)


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
    """Latest observation, data version and the most recent imports."""
    click.echo(f"data version: {service.data_version()}")
    click.echo(f"latest observation: {service.latest_time() or 'none'}")
    for row in service.import_log(10):
        click.echo(f"{row['imported_at']:%Y-%m-%d %H:%M} {row['summary']}")
