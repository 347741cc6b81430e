"""Template helpers: locale-aware links, hashed asset URLs, formatting, page preferences."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, format_decimal, format_percent, gettext, ngettext
from markupsafe import Markup

from . import clock, i18n, links

TEXT_SIZE_COOKIE = "text_size"


def asset_url(name: str) -> str:
    """URL of a static file under its content-hashed name (cacheable forever)."""
    manifest: dict[str, str] = current_app.config["STATIC_MANIFEST"]
    base = request.environ.get(i18n.ENV_BASE, "")
    return f"{base}/static/{manifest.get(name, name)}"


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def fmt_number(value: float | int | None, digits: int | None = None) -> str:
    """A number in the page's locale; '—' for missing values."""
    if value is None:
        return "—"
    if digits is not None:
        return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0")
    return format_decimal(value)


def fmt_date(value: Any, format: str = "medium") -> str:
    if value is None:
        return "—"
    return format_date(value, format=format)


# Units are stored in targets.yaml in a neutral form; these are their display forms.
UNIT_LABELS = {
    "days": ("天", "days"),
    "vehicles": ("辆", "vehicles"),
    "10k t": ("万吨", "×10,000 t"),
    "count": ("个", ""),
}


def unit_label(unit: str | None) -> str:
    if not unit:
        return ""
    zh, en = UNIT_LABELS.get(unit, (unit, unit))
    return en if i18n.current_locale() == "en" else zh


PERIOD_LABELS = {
    "year": ("全年（最终值）", "full year (final)"),
    "year_to_date": ("年内至今（滚动值）", "year to date (running)"),
    "half_year": ("半年", "half year"),
    "quarter": ("季度", "quarter"),
    "month": ("月度", "month"),
    "snapshot": ("时点值", "snapshot"),
}


def period_label(period: str | None) -> str:
    zh, en = PERIOD_LABELS.get(period or "", (period or "", period or ""))
    return en if i18n.current_locale() == "en" else zh


def fmt_localtime(value: Any, format: str = "medium") -> str:
    """An instant (aware) in Suzhou time, in the page's locale; naive values are refused."""
    if value is None:
        return "—"
    return format_datetime(clock.to_local(value), format)


def text_size() -> str:
    return "large" if request.cookies.get(TEXT_SIZE_COOKIE) == "large" else "normal"


def init_templating(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["number"] = fmt_number
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.filters["unit"] = unit_label
    app.jinja_env.filters["period"] = period_label
    app.jinja_env.filters["localtime"] = fmt_localtime
    app.jinja_env.filters["isotime"] = lambda v: "" if v is None else clock.isoformat(v)
    app.jinja_env.filters["percent"] = lambda v, f=None: "—" if v is None else format_percent(v, f)

    @app.context_processor
    def inject() -> dict[str, Any]:
        locale = i18n.current_locale()
        return {
            "locale": locale,
            "html_lang": i18n.html_lang(locale),
            "is_en": locale == "en",
            "pick": i18n.pick,
            "asset_url": asset_url,
            "has_endpoint": has_endpoint,
            "url_in_locale": i18n.url_in_locale,
            "site_url": links.absolute,
            "other_locale": "zh_Hans" if locale == "en" else "en",
            "text_size": text_size(),
            "_": gettext,
            "ngettext": ngettext,
            "Markup": Markup,
        }
