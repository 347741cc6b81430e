"""Template helpers: locale-aware links, hashed asset URLs, formatting, page preferences."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, format_decimal, format_percent, gettext, ngettext
from markupsafe import Markup

from . import clock, i18n, links
from .domain import targets
from .domain.plan import ROLE_NAMES

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


def unit_label(unit: str | None) -> str:
    """A unit of targets.yaml alone (values with units read better through `value_text`)."""
    if not unit:
        return ""
    zh, en = targets.UNIT_NAMES.get(unit, (unit, unit))
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


# One way to write an instant on every page, in both languages: unambiguous to a reader anywhere
# (Babel's English "short" format, 12/5/26, reads as 12 May or 5 December depending on the reader).
MINUTE = "yyyy-MM-dd HH:mm"


def fmt_localtime(value: Any, format: str = MINUTE) -> str:
    """An instant (aware) in Suzhou time, in the page's locale; naive values are refused."""
    if value is None:
        return "—"
    return format_datetime(clock.to_local(value), format)


def goal_text(target: Any) -> str:
    """A target as a phrase in the page's language ("at most 30 µg/m³"), from the domain's wording."""
    return targets.goal_text(target, "en" if i18n.current_locale() == "en" else "zh")


def value_text(value: float, unit: str | None) -> str:
    """A target's value with its unit as the domain words it ("8 million tonnes", "1 day")."""
    return targets.value_text(value, unit, "en" if i18n.current_locale() == "en" else "zh")


def chapter_name(ch: Any) -> str:
    """'十、…' on Chinese pages, 'Chapter 10: …' on English ones (no Chinese ordinals in English)."""
    if i18n.current_locale() == "en":
        return f"Chapter {ch.number}: {ch.title_en}"
    return f"{ch.numeral}、{ch.title_zh}"


def measure_name(m: Any) -> str:
    """'（二十五）…' on Chinese pages, 'Measure 25: …' on English ones."""
    if i18n.current_locale() == "en":
        return f"Measure {m.number}: {m.title_en}"
    return f"（{m.numeral}）{m.title_zh}"


def plan_title() -> str:
    """The plan's one title in the page's language (content/plan), never retyped in a template."""
    from .services import plan

    p = plan()
    return i18n.pick(p.title_zh, p.title_en)


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

    # Globals, unlike the context below, are visible inside imported macros too.
    app.jinja_env.globals.update(pick=i18n.pick, role_names=ROLE_NAMES, status_names=targets.STATUS_NAMES,
                                 goal_text=goal_text, value_text=value_text, plan_title=plan_title,
                                 chapter_name=chapter_name, measure_name=measure_name)

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
