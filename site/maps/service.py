"""Maps runtime: data loaded once at start-up, records for pages/twins, cached map documents.

Views call these functions; folium work happens only inside `map_document`, once per
(map, locale, basemap, data version) thanks to `MapCache`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from cleanair_maps import builders
from cleanair_maps.config import MapAssets, TileConfig, render_document, tile_config
from cleanair_maps.fireworks import BanZone, FireworksRules, load_rules, load_zones
from cleanair_maps.progress import ProgressEntry, load_progress
from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from .. import clock
from ..i18n import ENV_BASE, current_locale, html_lang, pick
from ..services import plan
from .cache import MapCache, MapDocument, cache_key

MAP_NAMES = ("progress", "fireworks", "stations")
BOUNDARIES_FILE = Path("boundaries") / "suzhou_districts.wgs84.geojson"
TASK_27 = 27
PACKAGE_FILES = (Path(builders.__file__).parent, Path(__file__).parent)


@dataclass
class MapsData:
    boundaries: dict
    boundaries_bytes: bytes
    progress: list[ProgressEntry]
    fireworks: FireworksRules
    zones: list[BanZone]
    tiles: TileConfig | None
    version: str  # digest of every input of the progress and fireworks maps, and of the map code
    cache: MapCache
    sources: dict[str, str] = field(default_factory=dict)


def _digest(paths: list[Path], extra: bytes = b"") -> str:
    h = hashlib.sha256(extra)
    for path in sorted(paths):
        if path.is_file():
            h.update(str(path.name).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def init_maps(app: Flask) -> None:
    """Load and validate every map input once; a bad file stops start-up with a message naming it."""
    data_dir = Path(app.config["DATA_DIR"])
    site = app.extensions["cleanair"]
    p = site.plan
    slugs = [d.slug for d in p.districts]
    boundaries_path = data_dir / BOUNDARIES_FILE
    boundaries_bytes = boundaries_path.read_bytes()
    boundaries = json.loads(boundaries_bytes)
    progress_path = data_dir / "districts" / "progress.csv"
    rules_path = data_dir / "fireworks" / "bans.yaml"
    zones_dir = data_dir / "fireworks" / "zones"
    inputs = [boundaries_path, progress_path, rules_path, *zones_dir.glob("*.geojson")]
    inputs += list((Path(app.config["CONTENT_DIR"]) / "plan").glob("*.yaml"))
    code = [f for folder in PACKAGE_FILES for f in folder.glob("*.py")]
    code += list((Path(app.root_path) / "translations").rglob("*.mo"))
    cache_dir = app.config.get("MAP_CACHE_DIR")
    app.extensions["cleanair_maps"] = MapsData(
        boundaries=boundaries,
        boundaries_bytes=boundaries_bytes,
        progress=load_progress(progress_path, slugs, [t.number for t in p.tasks]),
        fireworks=load_rules(rules_path, slugs),
        zones=load_zones(zones_dir, slugs),
        tiles=tile_config(app.config),
        version=_digest(inputs + code),
        cache=MapCache(Path(cache_dir) if cache_dir else Path(app.instance_path) / "map-cache"),
    )


def maps_data() -> MapsData:
    return current_app.extensions["cleanair_maps"]


# ---------------------------------------------------------------- vocabulary (translated per request)

def status_text(status: str) -> str:
    return {
        "done": _("Done"),
        "in_progress": _("In progress"),
        "not_started": _("Not started"),
        "overdue": _("Overdue"),
        "unknown": _("Unknown (no published status)"),
    }[status]


def scope_text(scope: str) -> str:
    return {"whole": _("Whole area banned"), "partial": _("Partial ban (named areas)"), "unknown": _("Unknown")}[scope]


def short_name(d: Any) -> str:
    if current_locale() == "en":
        return "SIP" if d.slug == "sip" else d.name_en.replace(" District", "").split(" (")[0]
    return "园区" if d.slug == "sip" else d.name_zh.split("（")[0]


# ---------------------------------------------------------------- records (language-neutral, for twins)

def has_boundary(slug: str) -> bool:
    return any(f["properties"]["slug"] == slug for f in maps_data().boundaries["features"])


def _task_url(number: int) -> str:
    return url_for("plan.task", number=number)


def progress_records() -> list[dict[str, Any]]:
    """One record per district: summary status and its tasks with the latest published status.

    Statuses come from the published progress reports (cleanair.progress) and any rows of
    data/districts/progress.csv, judged by the one set of rules in cleanair.domain.progress:
    a task naming the district whose deadline has passed without a published `done` is
    `overdue`; no report is `unknown`.
    """
    from ..domain import progress as dp
    from ..progress import service as progress_svc
    from ..services import today

    p, data = plan(), maps_data()
    pub = progress_svc.published()
    reports = list(pub.reports)
    shown: dict[int, dict[str, Any]] = dict(pub.by_id)
    for i, e in enumerate(data.progress):  # file rows: published statements kept in the CSV
        if e.status in dp.STATUSES and e.as_of:
            ident = -(i + 1)
            reports.append(dp.Report(e.task, e.district, e.status, e.as_of, None, ident))
            shown[ident] = {"as_of": e.as_of.isoformat(), "source_title": e.source_title, "source_url": e.source_url,
                            "note": e.note}
    day = today()
    out = []
    for d in p.districts:
        named = {t.number for t in p.tasks_for_district(d.slug)}
        tasks, standings = [], []
        for task in dp.district_tasks(p, d.slug, reports):
            standing, scope = dp.district_standing(task, d.slug, reports, day)
            latest = dp.current(task, d.slug, reports)
            r = shown.get(latest.ident, {}) if latest else {}
            status = "unknown" if standing == "no_report" else standing
            standings.append(standing)
            tasks.append({
                "number": task.number,
                "heading_zh": task.heading_zh, "heading_en": task.heading_en,
                "names_district": task.number in named,
                "status": status, "reported_status": scope.status, "days_late": scope.days_late,
                "as_of": date.fromisoformat(r["as_of"]) if r.get("as_of") else None,
                "source_title": r.get("source_title"), "source_url": r.get("source_url"),
                "note": r.get("note"),
            })
        summary = dp.district_summary(standings)
        out.append({
            "slug": d.slug, "name_zh": d.name_zh, "name_en": d.name_en, "code": d.code,
            "has_boundary": has_boundary(d.slug), "status": "unknown" if summary == "no_report" else summary,
            "tasks": tasks,
        })
    return out


def air_records() -> list[dict[str, Any]]:
    """Per district: the latest complete year's PM2.5 (HJ 663-2013) beside the city target."""
    from ..air import districts as air_districts

    target = plan().target("pm25-annual-mean")
    goal = target.target_value if target else None
    out = []
    for d in plan().districts:
        a = air_districts.district_air(d.slug)
        latest = air_districts.latest_complete(a["annual"])
        pm25 = latest["pm25"] if latest else None
        level = "none" if pm25 is None or goal is None else ("below" if pm25 < goal else "above")
        out.append({"slug": d.slug, "name_zh": d.name_zh, "name_en": d.name_en, "method": a["method"],
                    "series": a["series"], "stations": a["stations"], "year": latest["year"] if latest else None,
                    "pm25": pm25, "target": goal, "level": level,
                    "years_available": [int(r["year"]) for r in a["annual"]]})
    return out


def progress_csv_rows(records: list[dict]) -> list[dict]:
    rows = []
    for r in records:
        base = {"district": r["slug"], "district_name_zh": r["name_zh"], "district_name_en": r["name_en"],
                "district_status": r["status"], "tips_public": r.get("tips_public")}
        if not r["tasks"]:
            rows.append({**base, "status": "unknown"})
        for t in r["tasks"]:
            rows.append({**base, "task": t["number"], "task_heading_zh": t["heading_zh"], "status": t["status"],
                         "as_of": t["as_of"], "source_title": t["source_title"], "source_url": t["source_url"],
                         "note": t["note"]})
    return rows


def task27_status(records: list[dict] | None = None) -> dict[str, dict]:
    """Task 27's status for each district it names (吴江, 吴中, 相城), from the progress data."""
    records = records if records is not None else progress_records()
    out = {}
    for r in records:
        for t in r["tasks"]:
            if t["number"] == TASK_27 and t["names_district"]:
                out[r["slug"]] = t
    return out


def alerts_in_force() -> list[dict[str, Any]]:
    """Heavy-pollution alerts in force now (air capability); [] while that capability is absent.

    The city-wide fireworks rule (bans.yaml `citywide_*`) applies while any is in force.
    """
    if "air" not in current_app.blueprints:
        return []
    from cleanair.air import alerts, service as air

    now = air.now()
    return [alerts.record(a, now) for a in alerts.active(now)]


def fireworks_records() -> dict[str, Any]:
    p, data = plan(), maps_data()
    rules = data.fireworks
    t27 = task27_status()
    districts = []
    for d in p.districts:
        ban = rules.ban(d.slug)
        districts.append({
            "slug": d.slug, "name_zh": d.name_zh, "name_en": d.name_en, "has_boundary": has_boundary(d.slug),
            "scope": ban.scope, "area_zh": ban.area_zh, "area_en": ban.area_en,
            "task27": t27.get(d.slug),
        })
    return {
        "legal_basis": {"title_zh": rules.legal_title_zh, "title_en": rules.legal_title_en, "in_force": rules.in_force},
        "source": {"title_zh": rules.source_title_zh, "title_en": rules.source_title_en,
                   "reported": rules.reported, "url": rules.source_url},
        "caveat_zh": rules.caveat_zh, "caveat_en": rules.caveat_en,
        "citywide_zh": rules.citywide_zh, "citywide_en": rules.citywide_en,
        # A heavy-pollution alert in force now: the city-wide ban applies (judged when served).
        "alerts_in_force": (in_force := alerts_in_force()),
        "citywide_ban_now": bool(in_force),
        "districts": districts,
        "zones": [{"file": z.file, "district": z.district, "name_zh": z.name_zh, "name_en": z.name_en,
                   "source_title": z.source_title, "source_url": z.source_url, "as_of": z.as_of,
                   "features": list(z.features)} for z in data.zones],
    }


# ---------------------------------------------------------------- stations (air engine contract)

POLLUTANT_NAMES = {"pm25": "PM2.5", "pm10": "PM10", "so2": "SO₂", "no2": "NO₂", "co": "CO", "o3": "O₃"}

@dataclass(frozen=True)
class AirSnapshot:
    version: str
    stations: list[Any]  # cleanair.air.service.Station
    readings: Mapping[str, Any]  # code -> Reading


def air_snapshot() -> AirSnapshot | None:
    """Stations and latest readings from the air engine; None while that engine is not part of the app."""
    if "air" not in current_app.blueprints:
        return None
    try:
        from cleanair.air import service as air
    except ImportError as exc:
        # Only the engine's own absence means "not available"; any other import error is a bug.
        if exc.name in ("cleanair.air", "cleanair.air.service"):
            return None
        raise
    return AirSnapshot(version=air.data_version(), stations=list(air.station_registry()), readings=air.latest_readings())


def tip_counts() -> dict[str, int] | None:
    """Publicly visible citizen tips per district (counts only); None while the tips capability is absent."""
    if "report" not in current_app.blueprints:
        return None
    try:
        from cleanair.report.service import tip_counts_by_district
    except ImportError as exc:
        if exc.name in ("cleanair.report", "cleanair.report.service"):
            return None
        raise
    return {str(k): int(v) for k, v in tip_counts_by_district().items()}


def _station_endpoint() -> str | None:
    for rule in current_app.url_map.iter_rules():
        if rule.rule == "/air/stations/<code>":
            return rule.endpoint
    return None


def station_records(snapshot: AirSnapshot | None) -> list[dict[str, Any]]:
    if snapshot is None:
        return []
    endpoint = _station_endpoint()
    p = plan()
    out = []
    for s in snapshot.stations:
        r = snapshot.readings.get(s.code)
        # An old reading keeps its value (marked old, with its time); only a station without any
        # reading, or whose latest hour has no AQI, shows no value.
        no_data = r is None or r.aqi is None
        district = p.district(s.district) if s.district else None
        out.append({
            "code": s.code, "name": pick(s.name_zh, s.name_en), "city": s.city,
            "district": pick(district.name_zh, district.name_en) if district else "—",
            "district_slug": s.district,
            "lat": s.lat_wgs84, "lon": s.lon_wgs84, "background": s.background,
            "aqi": None if no_data else r.aqi,
            "colour": None if no_data else r.colour,
            "level_text": None if no_data else pick(r.level_name_zh or "", r.level_name_en or ""),
            "stale": bool(r and r.stale),
            "time": r.time if r else None,
            # An hour label of the publisher (Beijing time), written as on the air pages.
            "time_text": clock.observation_instant(r.time).astimezone(clock.BEIJING).strftime("%Y-%m-%d %H:%M") if r else None,
            # Pollutant names, never the data codes (pm25 → PM2.5), as on the air pages.
            "primary": ", ".join(POLLUTANT_NAMES.get(p, p) for p in r.primary_pollutants) if r and r.primary_pollutants else "",
            "values": [] if r is None else [
                (label, f"{v:g}") for label, v in (
                    ("PM2.5 µg/m³", r.pm25), ("PM10 µg/m³", r.pm10), ("O₃ µg/m³", r.o3),
                    ("NO₂ µg/m³", r.no2), ("SO₂ µg/m³", r.so2), ("CO mg/m³", r.co),
                ) if v is not None
            ],
            "url": url_for(endpoint, code=s.code) if endpoint else None,
        })
    return out


# ---------------------------------------------------------------- map documents

def _assets() -> MapAssets:
    from ..templating import asset_url

    version = current_app.config["LEAFLET_VERSION"]
    return MapAssets(
        leaflet_js=asset_url(f"vendor/leaflet-{version}/leaflet.js"),
        leaflet_css=asset_url(f"vendor/leaflet-{version}/leaflet.css"),
    )


def _icon_link() -> str:
    from ..templating import asset_url

    return f'<link rel="icon" href="{asset_url("img/favicon.svg")}" type="image/svg+xml">'


def _common_labels() -> dict[str, str]:
    return {
        "sip_note": _("Suzhou Industrial Park has no boundary in the map source; its label marks its location only."),
        "source": _("Source"),
        "as_of": _("as of"),
        "tips": _("Citizen tips"),
    }


def _air_text(a: dict[str, Any]) -> tuple[str, str]:
    if a["pm25"] is None:
        return "", _("No complete year of PM2.5 imported for this district.")
    word = _("below the target") if a["level"] == "below" else _("at or above the target")
    return (format_decimal(a["pm25"]),
            _("PM2.5 %(year)s: %(value)s µg/m³, %(word)s (%(target)s)", year=a["year"], value=format_decimal(a["pm25"]),
              word=word, target=format_decimal(a["target"])))


def _build_progress(tiles: TileConfig | None, tip_counts: Mapping[str, int] | None = None) -> str:
    p = plan()
    records = progress_records()
    districts = []
    for r in records:
        d = p.district(r["slug"])
        districts.append({
            "slug": r["slug"], "name": pick(r["name_zh"], r["name_en"]), "short_name": short_name(d),
            "status": r["status"], "status_text": status_text(r["status"]),
            "note": "" if r["tasks"] else _("No task names this district; every task is also implemented by all county-level governments."),
            "tasks": [{
                "number": t["number"], "heading": pick(t["heading_zh"], t["heading_en"]), "url": _task_url(t["number"]),
                "status": t["status"], "status_text": status_text(t["status"]),
                "as_of_text": format_date(t["as_of"]) if t["as_of"] else "",
                "source_title": t["source_title"] or "", "source_url": t["source_url"],
            } for t in r["tasks"]],
        })
    air = {}
    for a in air_records():
        value_text, text = _air_text(a)
        air[a["slug"]] = {"name": pick(a["name_zh"], a["name_en"]), "short_name": short_name(p.district(a["slug"])),
                          "level": a["level"], "text": text, "value_text": value_text,
                          "source": _("Own city series (HJ 663-2013)") if a["method"] == "city_series"
                          else _("Mean of the district's evaluation stations (HJ 663-2013)") if a["method"] == "stations"
                          else _("No national station in this district")}
    labels = {**_common_labels(), "no_tasks": _("No published status for any task."),
              "progress_layer": _("Progress on tasks"), "air_layer": _("PM2.5, latest complete year")}
    m = builders.progress_map(maps_data().boundaries, districts, assets=_assets(), tiles=tiles, labels=labels,
                              tip_counts=tip_counts, air=air)
    return render_document(m, lang=html_lang(), title=_("Map: district progress"), extra_head=_icon_link())


def _build_fireworks(tiles: TileConfig | None) -> str:
    p = plan()
    rec = fireworks_records()
    citywide = _("Heavy-pollution alert in force: fireworks are banned in the whole city.") if rec["citywide_ban_now"] else None
    districts = []
    for r in rec["districts"]:
        t27 = r["task27"]
        districts.append({
            "slug": r["slug"], "name": pick(r["name_zh"], r["name_en"]), "short_name": short_name(p.district(r["slug"])),
            "scope": r["scope"], "scope_text": scope_text(r["scope"]), "area": pick(r["area_zh"], r["area_en"]),
            "task27_text": status_text(t27["status"]) if t27 else None,
        })
    zones = [{"name": pick(z["name_zh"], z["name_en"]), "district_name": pick(p.district(z["district"]).name_zh, p.district(z["district"]).name_en),
              "source_title": z["source_title"], "source_url": z["source_url"], "as_of_text": format_date(z["as_of"]),
              "features": z["features"]} for z in rec["zones"]]
    labels = {**_common_labels(), "area": _("Ban area"), "task27": _("Task 27 (optimise ban zones by end-2024)"),
              "zone": _("Official ban zone"),
              "caveat": _("As publicly reported on 6 January 2023; verify against the official notice.")}
    m = builders.fireworks_map(maps_data().boundaries, districts, zones, assets=_assets(), tiles=tiles, labels=labels,
                               citywide_ban=citywide)
    return render_document(m, lang=html_lang(), title=_("Map: fireworks ban"), extra_head=_icon_link())


def _build_stations(tiles: TileConfig | None, snapshot: AirSnapshot | None) -> str:
    labels = {"no_data": _("No data"), "old": _("old data"), "station_page": _("Station page"), "background": _("background station"),
              "time": _("Time"), "aqi": _("AQI"), "empty": _("No station data available yet.")}
    m = builders.stations_map(station_records(snapshot), assets=_assets(), tiles=tiles, labels=labels,
                              boundaries=maps_data().boundaries)
    return render_document(m, lang=html_lang(), title=_("Map: monitoring stations"),
                           extra_head=f"<style>{builders.STATION_CSS}</style>{_icon_link()}")


def map_document(name: str) -> MapDocument:
    """The cached document for this map in the current locale; built only when its inputs changed."""
    data = maps_data()
    tiles = data.tiles
    snapshot = air_snapshot() if name == "stations" else None
    # What a map shows that changes with the clock: stations turning stale, an alert in force.
    clock_state = (sorted(c for c, r in snapshot.readings.items() if r.stale) if snapshot
                   else [a["id"] for a in alerts_in_force()] if name == "fireworks" else None)
    tips = tip_counts() if name == "progress" else None
    if name == "progress":  # published reports and imported observations change this map
        from ..progress import service as progress_svc

        inputs = [progress_svc.version(), air_snapshot().version if air_snapshot() else None]
    else:
        inputs = None
    if tips is not None and not any(tips.values()):
        tips = None  # the tips layer appears once there are tips to count
    builders_by_name: dict[str, Callable[[], str]] = {
        "progress": lambda: _build_progress(tiles, tips),
        "fireworks": lambda: _build_fireworks(tiles),
        "stations": lambda: _build_stations(tiles, snapshot),
    }
    key = cache_key(
        name=name, locale=current_locale(), base=request.environ.get(ENV_BASE, ""),
        tiles=None if tiles is None else [tiles.mode, tiles.url, tiles.label_url, tiles.attribution],
        data=data.version, air=snapshot.version if snapshot else None,
        air_present=snapshot is not None, progress_inputs=inputs, tips=sorted(tips.items()) if tips is not None else None, leaflet=current_app.config["LEAFLET_VERSION"],
        clock_state=clock_state,
        manifest=current_app.config["STATIC_MANIFEST"].get(f"vendor/leaflet-{current_app.config['LEAFLET_VERSION']}/leaflet.js"),
    )
    return data.cache.get(f"{name}:{current_locale()}", key, builders_by_name[name])
