"""Change history, Atom feeds, "as of" views, data releases and share images (blueprint `history`)."""

from flask import Blueprint

bp = Blueprint("history", __name__)


@bp.record_once
def _init(setup_state) -> None:
    from .cli import register_cli
    from .records import HISTORY_DATASETS
    from .store import ensure_synced, state

    app = setup_state.app
    state(app)
    app.extensions["cleanair"].datasets.extend(HISTORY_DATASETS)

    @app.before_request
    def _record_changes_before_first_request() -> None:
        ensure_synced(app)

    from ..pagecache import cache_of

    # A new release (changes recorded) makes cached pages stale.
    cache_of(app).providers.append(lambda: state(app).version or "")

    register_cli(app)


from . import routes  # noqa: F401
