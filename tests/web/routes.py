"""Discover every public GET route from the URL map, with sample parameters.

Each capability adds the sample values of its URL variables in `tests/web/samples_<name>.py`,
a module with `SAMPLES = {(endpoint, argument): function(app) -> value}`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

from flask import Flask


def _extra_samples() -> dict[tuple[str, str], Callable[[Flask], object]]:
    samples: dict = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("samples_"):
            samples.update(importlib.import_module(f"tests.web.{info.name}").SAMPLES)
    return samples


SKIP_ENDPOINTS = {"public.text_size"}
INTERNAL_PREFIXES = ("/staff", "/static", "/healthz", "/favicon.ico")


def sample_values(app: Flask, endpoint: str, arg: str) -> object:
    data = app.extensions["cleanair"]
    plan = data.plan
    if endpoint == "plan.measure":
        return plan.measures[-1].number
    if endpoint == "plan.task":
        return 27
    if endpoint == "plan.department":
        return plan.departments[0].slug
    if endpoint == "plan.target":
        return plan.targets[0].slug
    extra = _extra_samples()
    if (endpoint, arg) in extra:
        return extra[(endpoint, arg)](app)
    raise KeyError(f"no sample value for {endpoint}:{arg} — add one in tests/web/samples_<name>.py")


def _extension(rule: str) -> str | None:
    last = rule.rsplit("/", 1)[-1]
    if "." in last and not last.endswith(">"):
        return last.rsplit(".", 1)[-1]
    return None


def public_urls(app: Flask, fmt: str | None = "html") -> list[str]:
    """One URL per public GET rule (of the given twin format, or all formats with fmt=None)."""
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint in SKIP_ENDPOINTS:
                continue
            if rule.rule.startswith(INTERNAL_PREFIXES) or rule.endpoint == "static":
                continue
            defaults = rule.defaults or {}
            rule_fmt = defaults.get("fmt") or _extension(rule.rule) or "html"
            if fmt is not None and rule_fmt != fmt:
                continue
            values = {arg: sample_values(app, rule.endpoint, arg) for arg in rule.arguments if arg not in defaults}
            urls.append(url_for(rule.endpoint, **values, **defaults))
    return sorted(set(urls))
