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


from . import routes  # noqa: F401
