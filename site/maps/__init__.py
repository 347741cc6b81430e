"""Maps of district progress, the fireworks ban and monitoring stations (blueprint `maps`)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("maps", __name__)


@bp.record_once
def _setup(state) -> None:
    from .records import MAP_DATASETS
    from .service import init_maps

    init_maps(state.app)
    state.app.extensions["cleanair"].datasets.extend(MAP_DATASETS)
    if "report" in state.app.blueprints:
        # The progress page shows tip counts per district: a new tip or status makes it stale.
        from ..pagecache import cache_of
        from ..report.service import register_version

        for endpoint in ("maps.progress",):
            cache_of(state.app).depends(endpoint, lambda: f"tips:{register_version()}")


from . import routes  # noqa: F401
