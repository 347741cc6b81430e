"""Air quality: today's air, station pages, history, methodology, open data and `flask aq`."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("air", __name__)

from . import routes  # noqa: F401


def init_app(app: Flask) -> None:
    """Register the blueprint, the `flask aq` commands, the target provider and the datasets."""
    from .cli import aq
    from .records import AIR_DATASETS
    from .service import indicator_provider, init_state

    init_state(app)
    app.register_blueprint(bp)
    app.cli.add_command(aq)
    data = app.extensions["cleanair"]
    data.providers.append(indicator_provider)
    data.datasets.extend(AIR_DATASETS)
    from ..pagecache import cache_of
    from .service import data_version

    cache_of(app).providers.append(data_version)  # an import makes cached pages stale
