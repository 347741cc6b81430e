"""Map builders: plain data in, folium Map out. No Flask, no request, no translations lookup.

Callers pass records that are already in the page's language (names, status words) plus a few
`labels`; the builders only draw. Every overlay is drawn in the datum of the basemap: WGS-84 by
default, converted to GCJ-02 when the tiles are Gaode's.

Legends never rely on colour alone: every district label carries a symbol and a word for its
status/scope, outlines differ in dash pattern, and station markers show the AQI number itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template
from markupsafe import Markup, escape

from .config import GCJ02, MapAssets, TileConfig, new_map
from .coords import convert_geometry, wgs84_to_gcj02

# Approximate position of SIP's administrative centre (WGS-84). Only a label anchor: SIP has no
# polygon in the boundary source, and the label says so.
SIP_LABEL_POINT = (31.318, 120.717)  # lat, lon

PROGRESS_STYLE = {
    "done": {"fill": "#1a7f37", "dash": None, "symbol": "✔"},
    "in_progress": {"fill": "#d49b00", "dash": "8 4", "symbol": "◐"},
    "not_started": {"fill": "#c0392b", "dash": "2 4", "symbol": "○"},
    "overdue": {"fill": "#7b0012", "dash": "12 3 2 3", "symbol": "⚠", "opacity": 0.6},
    "unknown": {"fill": "#8a8a8a", "dash": "1 6", "symbol": "?"},
}
# District PM2.5 beside the city target: below / at or above / no complete year.
AIR_STYLE = {
    "below": {"fill": "#2e7d32", "dash": None, "symbol": "▼", "opacity": 0.45},
    "above": {"fill": "#b3261e", "dash": "6 3", "symbol": "▲", "opacity": 0.5},
    "none": {"fill": "#8a8a8a", "dash": "1 6", "symbol": "–", "opacity": 0.2},
}
FIREWORKS_STYLE = {
    "whole": {"fill": "#b3261e", "opacity": 0.55, "dash": None, "symbol": "■"},
    "partial": {"fill": "#e8833a", "opacity": 0.3, "dash": "6 4", "symbol": "◩"},
    "unknown": {"fill": "#8a8a8a", "opacity": 0.2, "dash": "1 6", "symbol": "?"},
}
NO_DATA_COLOUR = "#8a8a8a"

Point = Callable[[float, float], tuple[float, float]]


def _datum_fn(tiles: TileConfig | None) -> Point | None:
    return wgs84_to_gcj02 if tiles is not None and tiles.datum == GCJ02 else None


def _latlon(lat: float, lon: float, fn: Point | None) -> list[float]:
    if fn is None:
        return [lat, lon]
    glon, glat = fn(lon, lat)
    return [glat, glon]


def _bounds(features: Sequence[Mapping[str, Any]]) -> list[list[float]]:
    lons, lats = [], []

    def walk(c: Any) -> None:
        if c and isinstance(c[0], (int, float)):
            lons.append(c[0])
            lats.append(c[1])
        else:
            for x in c:
                walk(x)

    for f in features:
        walk(f["geometry"]["coordinates"])
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _feature_in_datum(feature: Mapping[str, Any], fn: Point | None) -> dict:
    if fn is None:
        return dict(feature)
    return {**feature, "geometry": convert_geometry(feature["geometry"], fn, 6)}


def _label_icon(html: str, css_class: str = "district-label") -> folium.DivIcon:
    # A zero-size icon whose label centres itself on the point (CSS transform), whatever its length.
    return folium.DivIcon(html=f'<div class="{css_class}">{html}</div>', class_name="label-wrap",
                          icon_size=(0, 0), icon_anchor=(0, 0))


class HtmlPopup(MacroElement):
    """A popup bound with plain Leaflet (`bindPopup(html)`).

    folium.Popup builds its content with jQuery (`$(...)`), which this site does not load.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }}, {maxWidth: {{ this.max_width }}});"
        "{% endmacro %}"
    )

    def __init__(self, html: str, max_width: int = 280) -> None:
        super().__init__()
        self._name = "HtmlPopup"
        self.html = str(html)
        self.max_width = int(max_width)


def _popup(html: str) -> HtmlPopup:
    return HtmlPopup(html)


def _source_link(title: str, url: str | None) -> str:
    if url:
        return f'<a href="{escape(url)}" target="_blank" rel="noopener">{escape(title)}</a>'
    return str(escape(title))


def _district_layers(
    m: folium.Map | folium.FeatureGroup,
    boundaries: Mapping[str, Any],
    fn: Point | None,
    style_of: Callable[[str], dict],
    label_of: Callable[[str], str | None],
    popup_of: Callable[[str], str],
) -> None:
    for feature in boundaries["features"]:
        props = feature["properties"]
        slug = props["slug"]
        style = style_of(slug)
        popup_html = popup_of(slug)
        layer = folium.GeoJson(
            _feature_in_datum(feature, fn),
            style_function=lambda _f, s=style: {
                "fillColor": s["fill"], "color": "#333333", "weight": 1.5,
                "fillOpacity": s.get("opacity", 0.45), "dashArray": s.get("dash"),
            },
            highlight_function=lambda _f: {"weight": 3, "color": "#000000"},
            name=slug,
            control=False,
        ).add_to(m)
        layer.add_child(_popup(popup_html))
        label = label_of(slug)
        if label:
            # The label is a keyboard-focusable marker that opens the same popup as the polygon.
            folium.Marker(
                _latlon(props["label_lat"], props["label_lon"], fn),
                icon=_label_icon(label),
                keyboard=True,
                title=Markup(label).striptags(),
            ).add_to(m).add_child(_popup(popup_html))


def _sip_marker(m: folium.Map | folium.FeatureGroup, fn: Point | None, label: str, popup_html: str) -> None:
    folium.Marker(
        _latlon(*SIP_LABEL_POINT, fn),
        icon=_label_icon(label, "district-label sip-label"),
        keyboard=True,
        title=Markup(label).striptags(),
    ).add_to(m).add_child(_popup(popup_html))


def _note(m: folium.Map, text: str) -> None:
    """A short note in the map's corner (e.g. 'SIP has no boundary in the source')."""
    macro = MacroElement()
    script = (
        "(function(){var c=L.control({position:'bottomleft'});c.onAdd=function(){"
        "var d=L.DomUtil.create('div','map-note');d.setAttribute('role','note');d.textContent=TEXT;return d;};"
        "c.addTo(MAP);})();"
    ).replace("TEXT", _js_string(text)).replace("MAP", m.get_name())
    macro._template = Template("{% macro script(this, kwargs) %}" + script.replace("{", "{{ '{' }}") + "{% endmacro %}")
    m.add_child(macro)


def _js_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("</", "<\\/")


def _prefers_dark_text(colour: str) -> bool:
    """True when black text contrasts better than white on this #rrggbb background (WCAG luminance)."""
    c = colour.lstrip("#")
    if len(c) not in (6, 8):
        return False

    def channel(h: str) -> float:
        v = int(h, 16) / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(c[0:2]) + 0.7152 * channel(c[2:4]) + 0.0722 * channel(c[4:6])
    return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05)


def progress_map(
    boundaries: Mapping[str, Any],
    districts: Sequence[Mapping[str, Any]],
    *,
    assets: MapAssets,
    tiles: TileConfig | None,
    labels: Mapping[str, str],
    tip_counts: Mapping[str, int] | None = None,
    air: Mapping[str, Mapping[str, Any]] | None = None,
) -> folium.Map:
    """Districts coloured (and labelled with symbol + word) by progress on the tasks that concern them.

    `air` (optional): per district slug the latest complete year's PM2.5 beside the city target,
    drawn as a second layer the reader switches to (see `_air_layer`).

    `districts`: one record per district slug with keys name, status, status_text, note and
    tasks = [{number, heading, url, status, status_text, as_of_text, source_title, source_url}].
    `tip_counts`: citizen tips per district slug (counts only), drawn when given — the seam for
    the tips capability; None leaves the map without a tips line.
    `labels`: sip_label, sip_note, tasks_heading, no_tasks, source, as_of, tips.
    """
    fn = _datum_fn(tiles)
    by_slug = {d["slug"]: d for d in districts}
    m = new_map(assets, tiles, bounds=_bounds(boundaries["features"]))

    def popup_of(slug: str) -> str:
        d = by_slug[slug]
        rows = "".join(
            f'<tr><th scope="row"><a href="{escape(t["url"])}" target="_top">{t["number"]}</a></th>'
            f'<td>{escape(t["heading"])}</td><td>{PROGRESS_STYLE[t["status"]]["symbol"]} {escape(t["status_text"])}'
            + (f'<br>{escape(labels["as_of"])} {escape(t["as_of_text"])}' if t.get("as_of_text") else "")
            + (f'<br>{escape(labels["source"])}: {_source_link(t["source_title"], t.get("source_url"))}' if t.get("source_title") else "")
            + "</td></tr>"
            for t in d["tasks"]
        )
        body = f"<table>{rows}</table>" if rows else f"<p>{escape(labels['no_tasks'])}</p>"
        tips = ""
        if tip_counts is not None:
            tips = f"<p>{escape(labels['tips'])}: {int(tip_counts.get(slug, 0))}</p>"
        return (f"<strong>{escape(d['name'])}</strong><br>{PROGRESS_STYLE[d['status']]['symbol']} "
                f"{escape(d['status_text'])}<p>{escape(d.get('note', ''))}</p>{body}{tips}")

    def label_of(slug: str) -> str:
        d = by_slug[slug]
        extra = f" · {int(tip_counts.get(slug, 0))}" if tip_counts is not None else ""
        return f"{escape(d['short_name'])} {PROGRESS_STYLE[d['status']]['symbol']}{extra}"

    layer = folium.FeatureGroup(name=labels.get("progress_layer", "progress"), show=True) if air is not None else m
    _district_layers(layer, boundaries, fn, lambda s: PROGRESS_STYLE[by_slug[s]["status"]], label_of, popup_of)
    if "sip" in by_slug:
        _sip_marker(layer, fn, f"{label_of('sip')} ◎", f"<p><em>{escape(labels['sip_note'])}</em></p>{popup_of('sip')}")
    if air is not None:
        layer.add_to(m)
        _air_layer(m, boundaries, fn, air, labels)
        folium.LayerControl(collapsed=False, position="topright").add_to(m)
    _note(m, labels["sip_note"])
    return m


def _air_layer(m: folium.Map, boundaries: Mapping[str, Any], fn: Point | None,
               air: Mapping[str, Mapping[str, Any]], labels: Mapping[str, str]) -> None:
    """Latest complete year's PM2.5 by district beside the city target (a second, hidden layer).

    `air`: per slug {name, short_name, level ('below'|'above'|'none'), text, source}.
    """
    group = folium.FeatureGroup(name=labels.get("air_layer", "PM2.5"), show=False)

    def popup_of(slug: str) -> str:
        a = air[slug]
        return (f"<strong>{escape(a['name'])}</strong><br>{AIR_STYLE[a['level']]['symbol']} {escape(a['text'])}"
                f"<p><small>{escape(a.get('source', ''))}</small></p>")

    def label_of(slug: str) -> str:
        a = air[slug]
        return f"{escape(a['short_name'])} {AIR_STYLE[a['level']]['symbol']} {escape(a.get('value_text', ''))}".strip()

    _district_layers(group, boundaries, fn, lambda s: AIR_STYLE[air[s]["level"]], label_of, popup_of)
    if "sip" in air:
        _sip_marker(group, fn, f"{label_of('sip')} ◎", popup_of("sip"))
    group.add_to(m)


def fireworks_map(
    boundaries: Mapping[str, Any],
    districts: Sequence[Mapping[str, Any]],
    zones: Sequence[Mapping[str, Any]],
    *,
    assets: MapAssets,
    tiles: TileConfig | None,
    labels: Mapping[str, str],
    citywide_ban: str | None = None,
) -> folium.Map:
    """Whole-district vs partial bans by district (described areas in the popup), plus official zone layers.

    `districts`: {slug, name, short_name, scope, scope_text, area, task27_text or None}.
    `zones`: {name, district_name, source_title, source_url, as_of_text, features (WGS-84)}.
    `labels`: sip_label, sip_note, area, task27, zone, source, as_of, caveat.
    `citywide_ban`: while a rule bans fireworks in the whole city (a heavy-pollution alert), its
    text: every district is then drawn as a whole-area ban, the text leads each popup and a note
    says so on the map; the usual areas stay in the popups.
    """
    fn = _datum_fn(tiles)
    by_slug = {d["slug"]: d for d in districts}
    m = new_map(assets, tiles, bounds=_bounds(boundaries["features"]))

    def scope_of(slug: str) -> str:
        return "whole" if citywide_ban else by_slug[slug]["scope"]

    def popup_of(slug: str) -> str:
        d = by_slug[slug]
        t27 = f"<p>{escape(labels['task27'])}: {escape(d['task27_text'])}</p>" if d.get("task27_text") else ""
        now = f"<p><strong>{FIREWORKS_STYLE['whole']['symbol']} {escape(citywide_ban)}</strong></p>" if citywide_ban else ""
        return (f"<strong>{escape(d['name'])}</strong>{now}<br>{FIREWORKS_STYLE[d['scope']]['symbol']} "
                f"{escape(d['scope_text'])}<p>{escape(labels['area'])}: {escape(d['area'])}</p>{t27}"
                f"<p><small>{escape(labels['caveat'])}</small></p>")

    def label_of(slug: str) -> str:
        d = by_slug[slug]
        return f"{escape(d['short_name'])} {FIREWORKS_STYLE[scope_of(slug)]['symbol']}"

    _district_layers(m, boundaries, fn, lambda s: FIREWORKS_STYLE[scope_of(s)], label_of, popup_of)
    if "sip" in by_slug:
        _sip_marker(m, fn, f"{label_of('sip')} ◎", f"<p><em>{escape(labels['sip_note'])}</em></p>{popup_of('sip')}")
    for zone in zones:
        popup = (f"<strong>{escape(labels['zone'])}: {escape(zone['name'])}</strong> ({escape(zone['district_name'])})"
                 f"<br>{escape(labels['source'])}: {_source_link(zone['source_title'], zone.get('source_url'))}"
                 f"<br>{escape(labels['as_of'])} {escape(zone['as_of_text'])}")
        folium.GeoJson(
            {"type": "FeatureCollection", "features": [_feature_in_datum(f, fn) for f in zone["features"]]},
            style_function=lambda _f: {"fillColor": "#6a1b9a", "color": "#4a148c", "weight": 2,
                                       "fillOpacity": 0.35, "dashArray": None},
            name=zone["name"],
        ).add_to(m).add_child(_popup(popup))
    _note(m, f"{citywide_ban} {labels['sip_note']}" if citywide_ban else labels["sip_note"])
    return m


def stations_map(
    stations: Sequence[Mapping[str, Any]],
    *,
    assets: MapAssets,
    tiles: TileConfig | None,
    labels: Mapping[str, str],
    boundaries: Mapping[str, Any] | None = None,
) -> folium.Map:
    """Every station as a marker showing its latest AQI number on its level colour, with its time.

    A reading older than the staleness limit keeps its value and colour but gets a dashed outline
    and says "old data" with its time; only a station without any reading is a grey '–'.
    `stations`: {code, name, lat, lon (WGS-84), aqi or None, colour or None, level_text, stale (bool:
    the reading is old), time_text, values: [(label, text)], url or None, background (bool)}.
    `labels`: no_data, old, station_page, background, time, aqi, empty (note shown when there are no stations).
    """
    fn = _datum_fn(tiles)
    features = (boundaries or {}).get("features") or []
    if features:
        bounds = _bounds(features)
    elif stations:
        lats, lons = [s["lat"] for s in stations], [s["lon"] for s in stations]
        bounds = [[min(lats) - 0.05, min(lons) - 0.05], [max(lats) + 0.05, max(lons) + 0.05]]
    else:
        bounds = None
    m = new_map(assets, tiles, bounds=bounds)
    for feature in features:
        # Outlines only, for orientation: the station map's information is in the markers.
        folium.GeoJson(
            _feature_in_datum(feature, fn),
            style_function=lambda _f: {"fillColor": "#ffffff", "color": "#555555", "weight": 1, "fillOpacity": 0.15},
            name=feature["properties"]["slug"], control=False, interactive=False,
        ).add_to(m)
    for s in stations:
        no_data = s.get("aqi") is None
        old = bool(s.get("stale")) and not no_data
        colour = NO_DATA_COLOUR if no_data or not s.get("colour") else s["colour"]
        text = "–" if no_data else str(int(s["aqi"]))
        dark_text = _prefers_dark_text(colour)
        css = " no-data" if no_data else (" old" if old else "")
        icon = folium.DivIcon(
            html=(f'<div class="aqi-pin{css}" style="background:{escape(colour)};'
                  f'color:{"#111" if dark_text else "#fff"}">{escape(text)}</div>'),
            class_name="aqi-wrap", icon_size=(30, 30), icon_anchor=(15, 15),
        )
        values = "".join(f"<tr><th scope=\"row\">{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in s.get("values", []))
        status = escape(labels["no_data"]) if no_data else f"{escape(labels['aqi'])} {escape(text)} · {escape(s.get('level_text') or '')}"
        if old:
            status += f" — <strong>{escape(labels['old'])}</strong>"
        link = (f'<p><a href="{escape(s["url"])}" target="_top">{escape(labels["station_page"])}</a></p>'
                if s.get("url") else "")
        popup = (f"<strong>{escape(s['name'])}</strong> ({escape(s['code'])})"
                 + (f" — {escape(labels['background'])}" if s.get("background") else "")
                 + f"<br>{status}<br>{escape(labels['time'])}: {escape(s.get('time_text') or '—')}"
                 + (f"<table>{values}</table>" if values and not no_data else "") + link)
        title = labels["no_data"] if no_data else f"{labels['aqi']} {text} · {s.get('time_text') or '—'}"
        folium.Marker(
            _latlon(s["lat"], s["lon"], fn), icon=icon, keyboard=True,
            title=f"{s['name']}: {title}" + (f" ({labels['old']})" if old else ""),
        ).add_to(m).add_child(_popup(popup))
    if not stations and labels.get("empty"):
        _note(m, labels["empty"])
    return m


STATION_CSS = """
.aqi-pin{width:28px;height:28px;border-radius:50%;border:2px solid #222;font:bold 12px/28px system-ui,sans-serif;text-align:center}
.aqi-pin.no-data{border-style:dashed;background:#e0e0e0!important;color:#222!important}
.aqi-pin.old{border:3px dashed #222;line-height:26px;width:30px;height:30px}
"""
