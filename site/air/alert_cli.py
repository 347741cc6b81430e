"""`flask --app wsgi alert issue|end|list`: heavy-pollution alerts from the command line.

The same rules as the staff desk (cleanair.domain.air.alerts); times in ISO 8601, read as Suzhou
time when they carry no offset.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from .. import clock
from ..domain.air import alerts as rules
from . import alerts


def _instant(ctx, param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return rules.parse_instant(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _line(a: alerts.Alert) -> str:
    end = clock.isoformat(a.ends_at) if a.ends_at else "open (until lifted)"
    return (f"{a.id}\t{a.level}\t{clock.isoformat(a.starts_at)} → {end}\t{a.issuer}\t{a.title}\t{a.url}\t"
            f"{rules.status(a, alerts._now())}")


@click.group("alert")
def alert() -> None:
    """Heavy-pollution weather alerts (重污染天气预警) as issued by the authorities."""


@alert.command("issue")
@click.option("--level", required=True, type=click.Choice(list(rules.LEVELS)), help="yellow (Ⅲ), orange (Ⅱ), red (Ⅰ).")
@click.option("--start", required=True, callback=_instant, help="When it takes effect, ISO 8601 (no offset: Suzhou time).")
@click.option("--end", callback=_instant, help="When it is lifted; leave out while it is open.")
@click.option("--issuer", required=True, help="The issuing body, e.g. 苏州市重污染天气应急指挥部办公室.")
@click.option("--title", required=True, help="Title of the issuing document or notice.")
@click.option("--url", required=True, help="Address of that document (http or https).")
@click.option("--by", "actor", default="cli", show_default=True, help="Who records it (kept with the alert).")
@with_appcontext
def issue_cmd(level: str, start: datetime, end: datetime | None, issuer: str, title: str, url: str,
              actor: str) -> None:
    """Record an alert."""
    try:
        a = alerts.issue(level, start, end, issuer, title, url, actor)
    except rules.AlertInputError as exc:
        raise click.ClickException(f"not recorded: {exc}") from None
    click.echo(f"recorded alert {a.id}: {_line(a)}")


@alert.command("end")
@click.argument("alert_id", type=int)
@click.option("--at", "at", required=True, callback=_instant, help="When it was lifted, ISO 8601 (no offset: Suzhou time).")
@click.option("--by", "actor", default="cli", show_default=True)
@with_appcontext
def end_cmd(alert_id: int, at: datetime, actor: str) -> None:
    """Record when an open alert was lifted."""
    try:
        a = alerts.end(alert_id, at, actor)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    except rules.AlertInputError as exc:
        raise click.ClickException(f"alert {alert_id} not changed: {exc}") from None
    click.echo(f"ended alert {a.id}: {_line(a)}")


@alert.command("list")
@with_appcontext
def list_cmd() -> None:
    """Every recorded alert, newest first."""
    for a in alerts.all_alerts():
        click.echo(_line(a))
