"""`flask --app wsgi history record|release|show`: record changes of the data files."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask

from . import store


def _parse_date(_ctx, _param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a YYYY-MM-DD date") from None


def register_cli(app: Flask) -> None:
    @app.cli.group()
    def history() -> None:
        """Change history of the plan and data files, and data releases."""

    @history.command()
    @click.option("--date", "effective", callback=_parse_date, help="Date the changes took effect (YYYY-MM-DD); default: the date in the data file, else today.")
    @click.option("--source", default="", help="Publication that justifies the changes (used where the file gives none).")
    @click.option("--source-url", default="", help="Link to that publication.")
    @click.option("--note", default="", help="Short note stored with every change.")
    def record(effective: date | None, source: str, source_url: str, note: str) -> None:
        """Compare the data files with the last snapshot and record the differences."""
        try:
            result = store.sync(app, effective=effective, source=source, source_url=source_url, note=note)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        if result.baselines:
            click.echo(f"baseline recorded for: {', '.join(result.baselines)}")
        click.echo(f"{result.changes} change(s) recorded" + (f"; release {result.release}" if result.release else ""))

    @history.command()
    @click.option("--note", default="manual release", help="What this release is for.")
    def release(note: str) -> None:
        """Cut a data release now (e.g. after importing air-quality data, which has no data file)."""
        store.sync(app, release=False)
        version = store.cut_release(app, note=note)
        from ..extensions import db

        db.session.commit()
        store.refresh(app)
        click.echo(f"release {version}")
