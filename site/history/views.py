"""Helpers the plan pages call: "as of" parsing, page history, feed and absolute links."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import links
from ..domain.plan import IndicatorValue, Plan
from ..i18n import ENV_BASE, current_locale, locale_prefix
from ..services import plan, site_data, today
from . import store
from .records import change_record

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

FIELD_LABELS = {
    "title_zh": _l("title (Chinese)"), "title_en": _l("title (English)"), "comparator": _l("comparison"),
    "target_value": _l("target value"), "unit": _l("unit"), "approximate": _l("approximate"),
    "baseline_value": _l("baseline value"), "baseline_year": _l("baseline year"), "deadline": _l("deadline"),
    "tasks": _l("tasks"), "measure": _l("measure"), "heading_zh": _l("heading (Chinese)"),
    "heading_en": _l("heading (English)"), "text_zh": _l("text (Chinese)"), "text_en": _l("text (English)"),
    "responsibility_zh": _l("responsibility"), "districts": _l("districts"), "deadlines": _l("deadlines"),
    "recurring": _l("recurring"), "role": _l("role"), "name_zh": _l("name (Chinese)"),
    "name_en": _l("name (English)"), "value": _l("value"), "source_title": _l("source"),
    "source_url": _l("source link"), "note": _l("note"), "status": _l("status"),
}


# Words for the status codes of progress changes (docs/progress.md); None = no earlier report.
STATUS_WORDS = {"done": _l("done"), "in_progress": _l("in progress"), "not_started": _l("not started"),
                "unknown": _l("unknown"), None: "—"}


def requested_as_of() -> date | None:
    """`?as_of=YYYY-MM-DD` from the query string; a bad or future date is a clear 400."""
    raw = (request.args.get("as_of") or "").strip()
    if not raw:
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        when = date.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("“as_of” must be a date written YYYY-MM-DD, for example 2026-01-31."))
    if when > today():
        abort(400, description=_("“as_of” cannot be in the future: the history only knows what has already been published."))
    return when


def plan_on(as_of: date | None) -> tuple[Plan, Callable[[str], list[IndicatorValue]], date]:
    """(plan, values by target slug, the day statuses are judged on) now or as of a date."""
    data = site_data()
    st = store.state()
    if as_of is None or not st.current:
        return plan(), data.indicator_values, (as_of or today())
    then, file_values = store.as_of(current_app._get_current_object(), as_of)  # type: ignore[attr-defined]

    def values(slug: str) -> list[IndicatorValue]:
        # Values computed by engines (e.g. air PM2.5) are not versioned: those dated by the day count.
        computed = [v for p in data.providers for v in p().get(slug, []) if v.date <= as_of]
        return list(file_values.get(slug, [])) + computed

    return then, values, as_of


def as_of_banner(as_of: date | None) -> dict[str, Any] | None:
    if as_of is None:
        return None
    st = store.state()
    args = links.kept_args("as_of", *(request.view_args or {}))
    return {
        "date": as_of,
        "baseline_on": st.baseline_on,
        "before_baseline": st.baseline_on is not None and as_of < st.baseline_on,
        "current_url": url_for(request.endpoint, **(request.view_args or {}), **args),
    }


def page_history(plan_: Plan, **filters: Any) -> list[dict[str, Any]]:
    return [change_record(plan_, c) for c in store.list_changes(filters, limit=100)]


def external_base() -> str:
    """Scheme and host for absolute links (cleanair.links: SITE_BASE_URL, never a forged Host)."""
    return links.base_url()


def absolute(path: str, locale: str | None = None) -> str:
    """Absolute URL of a site path (no locale prefix in `path`) in the current or given locale."""
    prefix = request.environ.get(ENV_BASE, "") + locale_prefix(locale or current_locale())
    return external_base() + prefix + path


def tag_authority() -> str:
    return urlsplit(external_base()).hostname or "localhost"


def data_version() -> str | None:
    return store.state().version


def atom_link(href: str) -> dict[str, str]:
    """An Atom feed as an alternate of a page (announced in <head>, offered with the downloads)."""
    return {"fmt": "atom", "type": "application/atom+xml", "href": href}
