"""Command-line tools: message catalogs and plan-content checks (`flask --app wsgi ...`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
TRANSLATIONS = PACKAGE_DIR / "translations"
POT = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    cmd = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.call(cmd) != 0:
        raise click.ClickException("pybabel failed: " + " ".join(args))


def compile_catalogs() -> None:
    """Compile .po to .mo (run by setup and tests; .mo files are not committed)."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def register_cli(app: Flask) -> None:
    @app.cli.group()
    def translate() -> None:
        """Message catalogs (babel.cfg, .po committed, .mo compiled)."""

    @translate.command()
    def update() -> None:
        """Extract messages and merge them into every catalog."""
        # Same steps as scripts/translate_fill.py, which also fills translations from JSON.
        subprocess.check_call([sys.executable, str(REPO_ROOT / "scripts" / "translate_fill.py")])

    @translate.command()
    def compile() -> None:
        """Compile the catalogs."""
        compile_catalogs()
