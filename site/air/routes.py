"""Air pages. Views parse the request, ask the service for stored values and render."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from ..domain import history as h
from ..domain.air.alerts import LEVELS as ALERT_LEVELS
from ..domain.air.stations import CITIES, DEFAULT_CITY
from ..history.views import absolute, atom_link, tag_authority
from ..i18n import current_locale, html_lang
from ..links import current_url
from ..services import site_data
from ..templating import fmt_localtime
from ..twins import render_twin, twin_links, twin_route
from . import alerts, bp, charts, records, service

HTML_DAILY_LIMIT = 400


def _key() -> str:
    key = request.args.get("station") or DEFAULT_CITY
    if not service.valid_key(key):
        abort(404, description=_("There is no station or city “%(key)s”.", key=key[:40]))
    return key


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("“%(name)s” must be a date written YYYY-MM-DD, for example 2016-01-31.", name=name))


def _common() -> dict:
    st = service.standards()
    return {"standards": st, "std": st.default, "switch_date": st.switch_date(), "cities": CITIES,
            "now": service.now(), "stations_by_code": {s.code: s for s in service.station_registry()},
            "source_text": service.source_text, "has_observations": service.data_version() != "air-empty"}


def _latest_records() -> list[dict]:
    readings = service.latest_readings()
    out = []
    for s in service.station_registry():
        r = readings.get(s.code)
        if r is None:
            continue
        out.append({"station": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "city": s.city,
                    "background": s.background, "time": r.time, "aqi": r.aqi, "aqi_published": r.aqi_published,
                    "level": r.level, "level_name_zh": r.level_name_zh, "level_name_en": r.level_name_en,
                    "colour": r.colour, "primary_pollutants": list(r.primary_pollutants), "pm25": r.pm25,
                    "pm10": r.pm10, "so2": r.so2, "no2": r.no2, "co": r.co, "o3": r.o3,
                    "standard": r.standard, "stale": r.stale})
    return out


def _meta() -> dict:
    return {"source_en": records.SOURCE_EN, "source_zh": records.SOURCE_ZH, "licence": records.LICENCE,
            "data_version": service.data_version(), "url": current_url()}


@bp.route("/air")
def index():
    return _index("html")


@bp.route("/air/latest", defaults={"fmt": "html"}, endpoint="latest")
@bp.route("/air/latest.json", defaults={"fmt": "json"}, endpoint="latest")
@bp.route("/air/latest.csv", defaults={"fmt": "csv"}, endpoint="latest")
def latest(fmt: str):
    return _index(fmt)


def _index(fmt: str):
    rows = _latest_records()
    latest_time = service.latest_time()
    city_daily = service.daily_rows(DEFAULT_CITY)
    return render_twin(
        fmt, "air/index.html",
        lambda: {"stations": rows, "cities": service.latest_city_readings(), "latest_time": latest_time,
                 "meta": _meta()},
        lambda: rows, records.LATEST_COLUMNS, "suzhou-air-latest.csv",
        rows=rows, city_rows=service.latest_city_readings(), latest_time=latest_time,
        city_time=next((c["time"] for c in service.latest_city_readings() if c["city"] == DEFAULT_CITY), None),
        last_city_day=city_daily[-1] if city_daily else None,
        alternates=twin_links("air.latest"), **_common(),
    )


@twin_route(bp, "/air/stations")
def stations(fmt: str):
    regs = service.station_registry()
    rows = [s.__dict__ for s in regs]
    return render_twin(
        fmt, "air/stations.html", lambda: {"stations": rows, "meta": _meta()},
        lambda: rows, records.STATION_COLUMNS, "suzhou-air-stations.csv",
        stations=regs, readings=service.latest_readings(), plan=site_data().plan,
        alternates=twin_links("air.stations"), **_common(),
    )


@twin_route(bp, "/air/stations/<code>")
def station(code: str, fmt: str):
    st = service.station(code)
    if st is None:
        abort(404)
    hours = service.station_hours(code, 48)
    days = service.daily_rows(code)[-30:]
    chart = charts.hourly_chart(hours, 100, _("AQI 100"))
    reading = service.latest_readings().get(code)
    return render_twin(
        fmt, "air/station.html",
        lambda: {"station": st.__dict__, "latest": reading.__dict__ if reading else None, "hours": hours,
                 "days": days, "meta": _meta()},
        lambda: hours, [c for c in records.LATEST_COLUMNS if c.name not in ("name_zh", "name_en", "city", "background", "level_name_en", "level_name_zh", "stale")],
        f"suzhou-air-station-{code}.csv",
        station=st, hours=hours, days=list(reversed(days)), reading=reading, chart=chart,
        district=site_data().plan.district(st.district) if st.district else None,
        alternates=twin_links("air.station", code=code), **_common(),
    )


@twin_route(bp, "/air/daily")
def daily(fmt: str):
    key, start, end = _key(), _date_arg("start"), _date_arg("end")
    rows = service.daily_rows(key, start, end)
    payload = lambda: {"rows": rows, "station": key, "standard": _standard_label(rows), "meta": _meta()}
    shown = rows[-HTML_DAILY_LIMIT:] if fmt == "html" else rows
    return render_twin(
        fmt, "air/daily.html", payload, lambda: rows, records.DAILY_COLUMNS, "suzhou-air-daily.csv",
        rows=list(reversed(shown)), total=len(rows), key=key, start=start, end=end,
        alternates=twin_links("air.daily"), **_common(),
    )


def _standard_label(rows: list[dict]) -> str:
    names = sorted({r["standard"] for r in rows if r.get("standard")})
    return " + ".join(names) if names else service.standards().default.name


@twin_route(bp, "/air/annual")
def annual(fmt: str):
    key = _key()
    rows = service.annual_rows(key)
    years = [{k: r[k] for k in ("year", "pm25", "pm10", "no2", "so2", "co_p95", "o3_8h_p90", "good_days_ratio",
                                "heavy_days", "valid_days", "complete", "aqi_days", "good_days",
                                "good_days_ratio_published", "heavy_days_published", "aqi_days_published",
                                "good_days_published", "first_date", "last_date", "standard", "station", "sources")}
             | {"level_days": r["level_days"], "completeness": r["completeness"],
                "source_files": [f for s in r["sources"] for f in ([s["file"]] if s["file"] else s["files"])]}
             for r in rows]
    return render_twin(
        fmt, "air/annual.html", lambda: {"years": years, "station": key, "meta": _meta()},
        lambda: years, records.ANNUAL_COLUMNS, "suzhou-air-annual.csv",
        years=years, gapped=charts.years_with_gaps, key=key, alternates=twin_links("air.annual"), **_common(),
    )


@bp.route("/air/history")
def history():
    key = _key()
    data = service.history(key)
    annual = data["annual"]
    incomplete = {y["year"] for y in annual if not y["complete"]}
    year_arg = request.args.get("year", type=int)
    # Open on the latest complete year: a running or barely covered year would fill the page
    # with an empty calendar and a misleading bar.
    complete = [y for y in data["years"] if y not in incomplete]
    default = complete[-1] if complete else (data["years"][-1] if data["years"] else None)
    year = year_arg if year_arg in data["years"] else default
    monthly = [m for m in data["monthly"] if year and m["month"].startswith(str(year))]
    rules = service.standards().rules
    return render_template(
        "air/history.html", key=key, data=data, year=year, monthly=monthly, incomplete=incomplete,
        rows=charts.years_with_gaps(annual), official=charts.official_counts,
        charts={
            "pm25": charts.annual_chart(annual, "pm25", 30, _("target ≤ 30")),
            "heavy": charts.annual_chart(annual, "heavy_days", 1, _("target ≤ 1"), digits=0, max_value=5),
            "good": charts.annual_chart(annual, "good_days_ratio", None, scale=100, max_value=100),
            "monthly": charts.monthly_chart(monthly, year, rules.month_min_days, rules.february_min_days, 30,
                                            _("PM2.5 30")) if year else None,
        },
        calendar=data["calendar"].get(year, {}) if year else {},
        heavy_days=service.heavy_days(key, year) if year else [],
        alternates=twin_links("air.annual"), **_common(),
    )


@bp.route("/about/methodology")
def methodology():
    page = site_data().pages.get(("methodology", "en" if current_locale() == "en" else "zh"))
    if page is None:
        abort(404)
    return render_template("air/methodology.html", page=page, **_common())


@bp.route("/air/levels.css")
def levels_css():
    """Level colours as CSS classes, generated from the standard data files (no inline styles, so
    the site's Content-Security-Policy needs no 'unsafe-inline')."""
    from flask import Response

    rules = []
    for v in service.standards().versions:
        if v.standard is None:
            continue
        for lv in v.standard.levels:
            # fill: the bars of AQI charts take the same colour as the level badges.
            rules.append(f".aqi-l{lv.level} {{ background: {lv.colour}; fill: {lv.colour}; }}")
    resp = Response("\n".join(dict.fromkeys(rules)) + "\n", content_type="text/css; charset=utf-8")
    resp.cache_control.public = True
    resp.cache_control.max_age = 3600
    return resp


# --- heavy-pollution alerts ------------------------------------------------------------------

# Tasks of the plan about heavy-pollution weather (measure 20): what the plan itself requires.
ALERT_TASKS = (38, 39)


def _fireworks_rule() -> dict | None:
    """The city-wide fireworks rule of data/fireworks/bans.yaml (maps capability), if loaded."""
    maps = current_app.extensions.get("cleanair_maps")
    if maps is None:
        return None
    r = maps.fireworks
    return {"citywide_zh": r.citywide_zh, "citywide_en": r.citywide_en, "legal_title_zh": r.legal_title_zh,
            "legal_title_en": r.legal_title_en, "in_force": r.in_force, "reported": r.reported,
            "caveat_zh": r.caveat_zh, "caveat_en": r.caveat_en}


@twin_route(bp, "/alerts", endpoint="alerts")
def alerts_view(fmt: str):
    now = service.now()
    recorded = alerts.all_alerts()
    rows = [alerts.record(a, now) for a in recorded]
    in_force = [r for r in rows if r["status"] == "active"]
    page = site_data().pages.get(("alerts", "en" if current_locale() == "en" else "zh"))
    p = site_data().plan
    return render_twin(
        fmt, "air/alerts.html",
        lambda: {"alerts": rows, "active": [r["id"] for r in in_force], "checked_at": now,
                 "levels": {k: {"name_zh": v.name_zh, "name_en": v.name_en, "response_level": v.response}
                            for k, v in ALERT_LEVELS.items()},
                 "meta": {**_meta(), "source_en": records.ALERT_SOURCE_EN, "source_zh": records.ALERT_SOURCE_ZH}},
        lambda: rows, records.ALERT_COLUMNS, "suzhou-heavy-pollution-alerts.csv",
        rows=rows, in_force=in_force, page=page, levels=ALERT_LEVELS, fireworks=_fireworks_rule(),
        tasks=[t for t in (p.task(n) for n in ALERT_TASKS) if t], checked_at=now,
        alternates=twin_links("air.alerts") + [atom_link(url_for("air.alerts_feed"))], **_common(),
    )


@bp.route("/alerts.atom", defaults={"fmt": "atom"})
def alerts_feed(fmt: str):
    """Atom 1.0: one entry per alert, updated when it is lifted (same builder as /changes.atom)."""
    now = service.now()
    suffix = "" if current_locale() == "zh_Hans" else "/en"
    authority = tag_authority()
    entries = []
    for a in alerts.all_alerts()[:100]:
        r = alerts.record(a, now)
        title = alert_title(r)
        lines = [title, _("From %(t)s (Suzhou time)", t=fmt_localtime(a.starts_at)),
                 _("Until %(t)s (Suzhou time)", t=fmt_localtime(a.ends_at)) if a.ends_at else _("Until lifted"),
                 _("Issued by: %(b)s", b=a.issuer), _("Document: %(t)s", t=a.title), a.url]
        entries.append(h.FeedEntry(
            id=h.tag_uri(authority, a.created_at.year, f"alert/{a.id}{suffix}"), title=title,
            updated=a.end_recorded_at or a.created_at, published=a.created_at,
            link=absolute("/alerts") + f"#alert-{a.id}", summary="\n".join(lines), categories=(f"level:{a.level}",),
        ))
    feed = h.Feed(id=h.tag_uri(authority, 2026, f"alerts{suffix}"),
                  title=_("Suzhou heavy-pollution weather alerts"),
                  self_url=absolute("/alerts.atom"), alternate_url=absolute("/alerts"),
                  author=_("Suzhou Clean Air Plan"), lang=html_lang(current_locale()))
    resp = Response(h.build_atom(feed, entries), content_type="application/atom+xml; charset=utf-8")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def alert_title(r: dict) -> str:
    name = r["level_name_en"] if current_locale() == "en" else r["level_name_zh"]
    return _("%(level)s (level %(n)s response): %(title)s", level=name, n=r["response_level"], title=r["title"])


# --- publisher corrections -------------------------------------------------------------------

@twin_route(bp, "/air/corrections")
def corrections(fmt: str):
    rows = service.corrections()
    shown = rows[:HTML_DAILY_LIMIT] if fmt == "html" else rows
    return render_twin(
        fmt, "air/corrections.html",
        lambda: {"corrections": rows, "meta": _meta()},
        lambda: rows, records.CORRECTION_COLUMNS, "suzhou-air-corrections.csv",
        rows=shown, total=len(rows), alternates=twin_links("air.corrections"), **_common(),
    )
