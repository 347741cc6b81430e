"""Sample URL values for the tip routes: a hand-made tip created in the test app's database."""

from __future__ import annotations

from flask import Flask


def _sample_code(app: Flask) -> str:
    from cleanair.domain.tips.codes import grouped

    from tests.tips.helpers import make_tip

    cache = app.extensions.setdefault("tests_sample_tip", {})
    if "code" not in cache:  # one hand-made tip per app, reused by every route check
        cache["code"] = grouped(make_tip(app, description="Hand-made sample tip for the page checks").code)
    return cache["code"]


SAMPLES = {
    ("report.status", "code"): _sample_code,
    ("report.receipt", "code"): _sample_code,
}
