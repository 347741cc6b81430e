"""`flask progress import|export|publish|seed`: the CSV files as bulk import and export.

The formats are those of data/districts/progress.csv (task reports; an empty district = the
city as a whole) and data/indicators/values.csv (indicator values), each with optional extra
columns for the source (docs/progress.md). Import creates drafts, never publications: the
plan office still publishes them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select


def _user(name: str):
    from ..extensions import db
    from ..report.models import StaffUser

    user = db.session.scalar(select(StaffUser).where(StaffUser.username == name))
    if user is None:
        raise click.ClickException(f"no staff account {name!r} (create it with `flask staff create`)")
    return user


def register(app: Flask) -> None:
    @app.cli.group()
    def progress() -> None:
        """Progress reports and indicator values (drafts → published)."""

    @progress.command(name="import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--by", "by", required=True, help="Staff account the drafts are attributed to.")
    def import_(file: Path, by: str) -> None:
        """Create drafts from a progress.csv- or values.csv-shaped FILE (idempotent)."""
        from .bulk import BulkError, import_file

        try:
            report = import_file(file, _user(by))
        except BulkError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"{file}: {report.kind}: {report.created} draft(s) created, {report.existing} already imported")

    @progress.command()
    @click.option("--kind", type=click.Choice(["reports", "values"]), default="reports", show_default=True)
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: standard output).")
    def export(kind: str, out: Path | None) -> None:
        """Write every published record as CSV (the import format)."""
        from .bulk import export_csv

        text = export_csv(kind)
        if out:
            out.write_text(text, encoding="utf-8")
            click.echo(f"wrote {out}")
        else:
            sys.stdout.write(text)

    @progress.command()
    @click.option("--by", "by", required=True, help="Publishing account (role publisher or admin).")
    @click.option("--drafted-by", default=None, help="Only drafts created by this account.")
    def publish(by: str, drafted_by: str | None) -> None:
        """Publish every open draft (optionally only one account's)."""
        from .bulk import publish_drafts

        n = publish_drafts(_user(by), drafted_by)
        click.echo(f"published {n} record(s)")

    @progress.command()
    @click.option("--reports", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  default=Path(app.config["DATA_DIR"]) / "progress" / "seed-reports.csv", show_default=True)
    @click.option("--values", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  default=Path(app.config["DATA_DIR"]) / "progress" / "seed-values.csv", show_default=True)
    @click.option("--by", "by", default="progress-seed", show_default=True,
                  help="System account the records are attributed to (created, signed-in never).")
    def seed(reports: Path, values: Path, by: str) -> None:
        """Enter the cited records in data/progress/ through the loop: drafted, then published."""
        from .bulk import seed as run_seed

        for line in run_seed(reports, values, by):
            click.echo(line)
