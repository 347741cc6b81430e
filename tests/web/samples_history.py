"""Sample URL values for the history and embed blueprints (issue 7)."""

from __future__ import annotations


def _release(app, what: str) -> str:
    from cleanair.history import store

    with app.test_request_context():
        store.ensure_synced(app)
        rel = store.releases()[-1]
        if what == "version":
            return rel.version
        # a JSON file: browsers show it inline, while a CSV would start a download
        return "data.json"


SAMPLES = {
    ("history.target_feed", "slug"): lambda app: app.extensions["cleanair"].plan.targets[0].slug,
    ("history.share_image", "slug"): lambda app: app.extensions["cleanair"].plan.targets[0].slug,
    ("history.task_feed", "number"): lambda app: 27,
    ("history.department_feed", "slug"): lambda app: "ecology-environment",
    ("history.district_feed", "slug"): lambda app: "wujiang",
    ("history.release_download", "version"): lambda app: _release(app, "version"),
    ("history.release_download", "name"): lambda app: _release(app, "name"),
    ("history.release_archive", "version"): lambda app: _release(app, "version"),
    ("embed.target", "slug"): lambda app: "pm25-annual-mean",
}
