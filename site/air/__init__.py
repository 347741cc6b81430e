"""Air quality: today's air, station pages, history, alerts, methodology, open data, `flask aq`/`alert`."""

from __future__ import annotations

from flask import Blueprint, Flask, request

bp = Blueprint("air", __name__)

from . import routes  # noqa: F401

# Pages that show how old the data is ("updated N minutes ago", old-data banners, stale markers):
# their cached copies are kept for the current minute only.
FRESHNESS_ENDPOINTS = frozenset({"public.home", "air.index", "air.latest", "air.stations", "air.station",
                                 "embed.air", "maps.stations"})


def _freshness_minute() -> str:
    if request.endpoint not in FRESHNESS_ENDPOINTS:
        return ""
    from .service import now

    return str(int(now().timestamp() // 60))


def init_app(app: Flask) -> None:
    """Register the blueprint, the `flask aq` and `flask alert` commands, the target provider, the
    datasets, and what the page cache must know (data version, alerts, the clock)."""
    from . import alerts
    from .alert_cli import alert
    from .cli import aq
    from .records import AIR_DATASETS
    from .service import data_version, indicator_provider, init_state

    init_state(app)
    app.register_blueprint(bp)
    app.cli.add_command(aq)
    app.cli.add_command(alert)
    data = app.extensions["cleanair"]
    data.providers.append(indicator_provider)
    data.datasets.extend(AIR_DATASETS)
    from ..pagecache import cache_of

    cache = cache_of(app)
    cache.providers.append(data_version)  # an import makes cached pages stale
    cache.providers.append(alerts.page_version)  # an alert recorded or ended, in any process
    cache.key_parts.append(alerts.active_token)  # an alert starting or ending by the clock
    cache.key_parts.append(_freshness_minute)

    from .service import age_text, freshness_of

    app.add_template_global(freshness_of, "air_freshness")
    app.add_template_global(age_text, "air_age_text")

    @app.context_processor
    def _alerts_in_force() -> dict:
        # Every page built on base.html shows the alerts in force (templates/_alert_banner.html).
        return {"alerts_in_force": alerts.active}
