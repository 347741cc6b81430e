"""Progress tracking: published task reports and indicator values for everyone (blueprint
`progress`: /progress, /districts, /districts/<slug>). The staff screens that create them live
under the staff blueprint (`cleanair.staff.progress`) and its guards. docs/progress.md."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("progress", __name__)


@bp.record_once
def _setup(state) -> None:
    from ..pagecache import cache_of
    from . import cli
    from .records import PROGRESS_DATASETS
    from .service import indicator_provider, init_runtime, version

    app = state.app
    init_runtime(app)
    site = app.extensions["cleanair"]
    # Published values feed the same target status function as data/indicators/values.csv.
    site.providers.append(indicator_provider)
    site.datasets.extend(PROGRESS_DATASETS)
    # Any step of the loop makes cached pages stale, in every worker (a database query, not memory).
    cache_of(app).providers.append(version)
    cli.register(app)
    app.jinja_env.filters["day"] = day_text
    app.jinja_env.filters["instant"] = instant_text


def day_text(value, format: str = "medium") -> str:
    """A calendar day (a date or its ISO text, as JSON records carry it) in the page's locale."""
    from datetime import date

    from ..templating import fmt_date

    if isinstance(value, str) and value:
        value = date.fromisoformat(value[:10])
    return fmt_date(value or None, format)


def instant_text(value, format: str | None = None) -> str:
    """An instant (aware, or ISO text with its offset) in Suzhou time (docs/time.md)."""
    from datetime import datetime

    from ..templating import fmt_localtime

    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    return fmt_localtime(value or None, format) if format else fmt_localtime(value or None)


from . import routes  # noqa: E402,F401
