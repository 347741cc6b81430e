"""`flask staff create` (and `list`, `disable`)."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select


def register(app: Flask) -> None:
    @app.cli.group()
    def staff() -> None:
        """Staff desk accounts."""

    from .guards import ROLES

    @staff.command()
    @click.argument("username")
    @click.option("--role", type=click.Choice(ROLES), default="reviewer", show_default=True,
                  help="reviewer/admin: tips desk; editor: a responsible body's staff; publisher: the plan office.")
    @click.option("--department", "departments", multiple=True,
                  help="Editors: slug of a responsible body they work for (repeatable).")
    @click.password_option(help="At least 12 characters (asked for when not given).")
    def create(username: str, role: str, departments: tuple[str, ...], password: str) -> None:
        """Create a staff account."""
        from ..progress.service import Invalid, set_bodies
        from .auth import AccountError, create_user

        if role == "editor" and not departments:
            raise click.ClickException("an editor needs at least one --department (a responsible body's slug)")
        if departments and role != "editor":
            raise click.ClickException("--department is for editors only")
        try:
            user = create_user(username, password, role)
            if departments:
                set_bodies(user, departments)
                db_commit()
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        except Invalid as exc:
            rollback_user(username)
            raise click.ClickException("unknown department(s): " + ", ".join(e.split(":", 1)[1] for e in exc.errors)) from exc
        click.echo(f"created {role} {username}" + (f" for {', '.join(departments)}" if departments else ""))

    def db_commit() -> None:
        from ..extensions import db

        db.session.commit()

    def rollback_user(username: str) -> None:
        from ..extensions import db
        from ..report.models import StaffUser

        db.session.rollback()
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is not None:  # created a moment ago with a bad body list: remove it again
            db.session.delete(user)
            db.session.commit()

    @staff.command(name="list")
    def list_() -> None:
        """List staff accounts."""
        from ..extensions import db
        from ..report.models import StaffUser

        from ..progress.service import bodies_of

        for u in db.session.scalars(select(StaffUser).order_by(StaffUser.username)):
            bodies = ",".join(bodies_of(u)) or "-"
            click.echo(f"{u.username}\t{u.role}\t{bodies}\t{'active' if u.active else 'disabled'}\t{u.last_login_at or '-'}")

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
