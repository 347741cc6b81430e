"""`flask tips purge` and `flask tips export`."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    @app.cli.group()
    def tips() -> None:
        """Citizen tips: retention and export."""

    @tips.command()
    @click.option("--days", type=int, default=None, help="Retention period (default: TIPS_RETENTION_DAYS, 365).")
    def purge(days: int | None) -> None:
        """Remove personal data and photos of tips closed more than DAYS ago (statistics are kept)."""
        from .service import purge as do_purge

        days = days if days is not None else int(current_app.config["TIPS_RETENTION_DAYS"])
        counts = do_purge(days)
        click.echo(f"purged personal data of {counts['tips']} tip(s) and {counts['photos']} photo(s) closed more than {days} days ago")

    @tips.command()
    def export() -> None:
        """Write all tips as CSV to standard output, without personal data (streamed)."""
        from ..domain.opendata import iter_csv
        from .service import EXPORT_COLUMNS, export_rows

        for chunk in iter_csv(export_rows(), EXPORT_COLUMNS):
            sys.stdout.write(chunk)
