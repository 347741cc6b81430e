"""`flask staff create` (and `list`, `disable`)."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select


def register(app: Flask) -> None:
    @app.cli.group()
    def staff() -> None:
        """Staff desk accounts."""

    @staff.command()
    @click.argument("username")
    @click.option("--role", type=click.Choice(["reviewer", "admin"]), default="reviewer", show_default=True)
    @click.password_option(help="At least 12 characters (asked for when not given).")
    def create(username: str, role: str, password: str) -> None:
        """Create a staff account."""
        from .auth import AccountError, create_user

        try:
            create_user(username, password, role)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"created {role} {username}")

    @staff.command(name="list")
    def list_() -> None:
        """List staff accounts."""
        from ..extensions import db
        from ..report.models import StaffUser

        for u in db.session.scalars(select(StaffUser).order_by(StaffUser.username)):
            click.echo(f"{u.username}\t{u.role}\t{'active' if u.active else 'disabled'}\t{u.last_login_at or '-'}")

    @staff.command()
    @click.argument("username")
    def disable(username: str) -> None:
        """Disable an account (it is kept for the audit log); its sessions end at once."""
        from .auth import AccountError
        from .auth import disable as do_disable

        try:
            ended = do_disable(username, actor="cli")
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"disabled {username}; {ended} session(s) ended")

    @staff.command(name="set-password")
    @click.argument("username")
    @click.password_option(help="At least 12 characters (asked for when not given).")
    def set_password_cmd(username: str, password: str) -> None:
        """Set a new password; every session of the account ends."""
        from ..extensions import db
        from ..report.models import StaffUser
        from .auth import AccountError, set_password

        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        try:
            ended = set_password(user, password)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"password of {username} changed; {ended} session(s) ended")
