"""Alembic: one linear history, and the models match what the migrations build."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from cleanair.extensions import db


def test_single_head_and_models_match_migrations(fresh_app):
    with fresh_app.app_context():
        config = fresh_app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1, "migrations must not branch"
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"


def test_flask_migrate_is_configured_on_the_package_folder(app):
    assert isinstance(app.extensions["migrate"].migrate, Migrate)
    assert app.extensions["migrate"].directory.endswith("site/migrations")


def test_0010_hardening_goes_down_and_up_again_keeping_the_accounts(fresh_app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    with fresh_app.app_context():
        db.session.execute(text("INSERT INTO staff_users (id, username, password_hash, role, active, created_at)"
                                " VALUES (1, 'u', 'x', 'admin', true, '2026-11-30 02:05:00')"))
        db.session.commit()
        downgrade(revision="0009_progress")
        assert {"failed_logins", "locked_until"} <= {c["name"] for c in inspect(db.engine).get_columns("staff_users")}
        assert "staff_sessions" not in inspect(db.engine).get_table_names()
        # A tip acted on 2 days, 3 hours and 4 seconds after it came in (hand-made row).
        db.session.execute(text(
            "INSERT INTO tips (id, code, submission_key, category, address, location_source, occurred_at, submitted_at,"
            " description, polluter, identity, not_staff, consent_at, locale, status, first_action_at) VALUES"
            " (1, 'ABCDEFGHJKMN', 'k', 'dust', '', 'none', '2026-11-01 00:00:00', '2026-11-01 01:00:00', 'd', '',"
            " 'anonymous', true, '2026-11-01 01:00:00', 'zh_Hans', 'accepted', '2026-11-03 04:00:04')"))
        db.session.commit()
        upgrade()
        assert db.session.execute(text("SELECT first_action_wait FROM tips")).scalar_one() == 2 * 86400 + 3 * 3600 + 4
        tables = inspect(db.engine).get_table_names()
        assert {"staff_sessions", "staff_login_throttle", "staff_audit"} <= set(tables)
        assert db.session.execute(text("SELECT username FROM staff_users")).scalar_one() == "u"
        db.session.commit()
