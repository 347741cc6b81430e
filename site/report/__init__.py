"""Citizen tips: the public form, receipts, status pages and statistics (blueprint `report`)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import Blueprint, Flask
from sqlalchemy import event

bp = Blueprint("report", __name__)
log = logging.getLogger(__name__)


@bp.record_once
def _setup(state) -> None:
    init_tips(state.app)


def init_tips(app: Flask) -> None:
    """Load categories, keys and storage once; refuse to start when production secrets are missing."""
    from ..domain.opendata import Column, Dataset
    from ..domain.tips.categories import load_categories
    from ..domain.tips.policy import PolicyError, from_config
    from ..extensions import db
    from . import cli
    from .secrets_ import load_cipher
    from .service import TipsRuntime
    from .storage import FilesystemStorage

    site = app.extensions["cleanair"]
    try:
        policy = from_config(app.config)
    except PolicyError as exc:
        raise RuntimeError(f"Tip settings: {exc}") from exc
    # Every page that takes or describes a tip states this one policy (templates/report/_policy.html).
    app.extensions["cleanair_tip_policy"] = policy
    app.add_template_global(policy, "tip_policy")
    content_dir = Path(app.config["CONTENT_DIR"])
    cats = load_categories(content_dir / "tips" / "categories.yaml", site.plan)
    cipher = load_cipher(app.config.get("TIPS_ENCRYPTION_KEY"), app.config["CLEANAIR_ENV"], app.instance_path)
    photo_dir = Path(app.config.get("TIPS_PHOTO_DIR") or Path(app.instance_path) / "tip-photos")
    boundaries_path = Path(app.config["DATA_DIR"]) / "boundaries" / "suzhou_districts.wgs84.geojson"
    boundaries = None
    if boundaries_path.exists():  # made by issue 4; the form works without it
        try:
            boundaries = json.loads(boundaries_path.read_text("utf-8"))
        except ValueError:
            log.warning("%s is not valid GeoJSON; the map shows a plain box", boundaries_path)
    app.extensions["cleanair_tips"] = TipsRuntime(cats, cipher, FilesystemStorage(photo_dir), boundaries, boundaries_path)

    if app.config["CLEANAIR_ENV"] == "production":
        # Staff sessions must never travel over plain HTTP.
        app.config["SESSION_COOKIE_SECURE"] = True

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            timeout_ms = int(app.config.get("SQLITE_BUSY_TIMEOUT", 15)) * 1000

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record) -> None:
                # WAL lets readers work while one request writes; the busy timeout makes a
                # second writer wait for the lock instead of failing.
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA busy_timeout = {timeout_ms}")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = FULL")
                cur.close()

            engine.dispose()  # connections opened before the listener existed get the pragmas too

    site.datasets.append(
        Dataset(
            key="tips-stats",
            path="/report/stats",
            title_en="Citizen tips: statistics",
            title_zh="群众举报统计",
            description_en="Tips received through this site, counted by category, district, responsible body, month and status. Counts only: no tip text, place or personal data.",
            description_zh="通过本站收到的举报，按类别、区县、责任部门、月份和状态计数。仅含数量，不含举报内容、地点或个人信息。",
            columns=(
                Column("dimension", "string", "What is counted: category, district, body, month, status or total", "统计维度：类别、区县、责任部门、月份、状态或合计"),
                Column("key", "string", "Category slug, district slug, department slug, month (YYYY-MM) or state", "类别、区县、部门标识，月份（YYYY-MM）或状态"),
                Column("count", "integer", "Number of tips", "举报数量"),
            ),
            source_en="This site's tip register (live)",
            source_zh="本站举报登记（实时）",
            licence="CC BY 4.0",
        )
    )
    cli.register(app)
    from ..security import UPLOAD_LIMITS
    from .routes import request_limit

    UPLOAD_LIMITS["report.form"] = request_limit  # photos; every other post is capped at 1 MB


from . import routes  # noqa: F401
