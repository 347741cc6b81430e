"""Small pages for other sites' <iframe>s: /embed/targets/<slug>, /embed/air (blueprint `embed`)."""

from flask import Blueprint

bp = Blueprint("embed", __name__, url_prefix="/embed")


@bp.record_once
def _init(setup_state) -> None:
    # The framing rule is app-wide (embeds framable by anyone, everything else same-origin only).
    from .. import security

    security.init_app(setup_state.app)


from . import routes  # noqa: F401
