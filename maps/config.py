"""The ONE place where map assets and basemap tiles are configured.

folium's defaults load Leaflet, jQuery, Bootstrap, Font Awesome and awesome-markers from
public CDN hosts (jsDelivr, cdnjs, the jQuery CDN, netdna) — none of which a page of this
site may request.
Those lists live on the classes (`folium.Map.default_js` is a module-level list shared by every
map in the process) and `add_js_link`/`add_css_link` mutate them in place, so changing them
globally would leak between apps, tests and threads. Instead every map made by `new_map` gets
its OWN instance-level lists holding only the self-hosted Leaflet files, and `render_document`
refuses to return a document that still fetches anything from another host (tiles excepted,
and only the configured tile host).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import folium
from markupsafe import escape

TILE_MODES = ("none", "tianditu", "gaode", "osm")
WGS84, GCJ02 = "WGS84", "GCJ02"


@dataclass(frozen=True)
class TileConfig:
    """A basemap: what Leaflet needs plus the datum its tiles are drawn in."""

    mode: str
    url: str
    attribution: str  # HTML; includes the provider's 审图号 where one applies
    subdomains: tuple[str, ...]
    datum: str  # 'WGS84' (also used for CGCS2000, which differs by centimetres) | 'GCJ02'
    max_zoom: int
    label_url: str | None = None  # Tianditu draws place names as a separate layer


class MapConfigError(ValueError):
    """A map setting is missing or invalid; the message names the setting."""


def _review_text(config: Mapping[str, Any], key: str, default: str) -> str:
    value = config.get(key)
    return default if value in (None, "") else str(value)


def tile_config(config: Mapping[str, Any]) -> TileConfig | None:
    """The basemap chosen by MAP_TILES (None for 'none', the default: a plain offline vector map).

    Reads MAP_TILES, TIANDITU_KEY and the 审图号 texts MAP_REVIEW_NO_TIANDITU / _GAODE / _OSM.
    The review-number texts are configuration, not constants: they change when a provider renews
    its approval, and the operator must copy them from the provider's current terms.
    """
    mode = str(config.get("MAP_TILES") or "none").strip().lower()
    if mode not in TILE_MODES:
        raise MapConfigError(f"MAP_TILES must be one of {', '.join(TILE_MODES)}; got {mode!r}")
    if mode == "none":
        return None
    if mode == "tianditu":
        key = config.get("TIANDITU_KEY")
        if not key:
            raise MapConfigError("MAP_TILES=tianditu needs TIANDITU_KEY (a browser key from the Tianditu console)")
        review = _review_text(config, "MAP_REVIEW_NO_TIANDITU", "")
        base = "https://t{s}.tianditu.gov.cn/DataServer?T=%s_w&x={x}&y={y}&l={z}&tk=" + str(escape(key))
        return TileConfig(
            mode=mode,
            url=base % "vec",
            label_url=base % "cva",
            attribution="&copy; 天地图 Tianditu" + (f" · {escape(review)}" if review else ""),
            subdomains=tuple("01234567"),
            datum=WGS84,
            max_zoom=18,
        )
    if mode == "gaode":
        review = _review_text(config, "MAP_REVIEW_NO_GAODE", "")
        return TileConfig(
            mode=mode,
            url="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            attribution="&copy; 高德地图 AutoNavi" + (f" · {escape(review)}" if review else ""),
            subdomains=("1", "2", "3", "4"),
            datum=GCJ02,
            max_zoom=18,
        )
    review = _review_text(config, "MAP_REVIEW_NO_OSM", "")
    return TileConfig(
        mode=mode,
        url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution='&copy; <a href="https://www.openstreetmap.org/copyright" target="_top">OpenStreetMap</a> contributors'
        + (f" · {escape(review)}" if review else ""),
        subdomains=(),
        datum=WGS84,
        max_zoom=19,
    )


@dataclass(frozen=True)
class MapAssets:
    """URLs of the self-hosted Leaflet files (hashed names from the site's static manifest)."""

    leaflet_js: str
    leaflet_css: str
    extra_css: str = ""  # inline CSS for labels/legends inside the map document


# Inline styles for the map document: permanent labels readable on any background, focus visible.
MAP_DOCUMENT_CSS = """
html,body{margin:0;padding:0;height:100%;font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{position:absolute;inset:0}
.folium-map{background:#f4f6f4}
.leaflet-container a{color:#0b5394}
.district-label{background:rgba(255,255,255,.92);border:1px solid #444;border-radius:3px;color:#111;
 font-size:12px;line-height:1.25;padding:1px 4px;box-shadow:none;white-space:nowrap}
.label-wrap{background:none;border:0}
.district-label{position:absolute;transform:translate(-50%,-50%)}
.leaflet-marker-icon:focus .district-label,.leaflet-marker-icon:focus .aqi-pin{outline:3px solid #1d4ed8;outline-offset:2px}
@media (max-width:420px){.map-note{display:none}.district-label{font-size:10px;padding:0 2px}}
.leaflet-popup-content{font-size:14px;line-height:1.4;max-width:260px}
.leaflet-popup-content table{border-collapse:collapse}
.leaflet-popup-content td,.leaflet-popup-content th{border-top:1px solid #ddd;padding:2px 4px;text-align:left;vertical-align:top}
.map-note{background:rgba(255,255,255,.95);padding:4px 6px;font-size:12px;max-width:240px;border:1px solid #666}
"""


def new_map(
    assets: MapAssets,
    tiles: TileConfig | None,
    *,
    bounds: list[list[float]] | None = None,
    location: tuple[float, float] = (31.3, 120.62),
    zoom_start: int = 8,
) -> folium.Map:
    """A folium Map that loads only self-hosted assets and the configured tiles (if any)."""
    m = folium.Map(
        location=list(location),
        zoom_start=zoom_start,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        max_zoom=tiles.max_zoom if tiles else 14,
        min_zoom=7,
        # Fractional zoom lets fitBounds fill small frames (a 320 px phone) instead of jumping a level.
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # Instance-level lists: folium's class-level defaults stay untouched (see module docstring).
    m.default_js = [("leaflet", assets.leaflet_js)]
    m.default_css = [("leaflet_css", assets.leaflet_css)]
    if tiles is not None:
        folium.TileLayer(
            tiles=tiles.url,
            attr=tiles.attribution,
            name=tiles.mode,
            max_zoom=tiles.max_zoom,
            subdomains=list(tiles.subdomains) or "abc",
            control=False,
        ).add_to(m)
        if tiles.label_url:
            folium.TileLayer(
                tiles=tiles.label_url, attr=tiles.attribution, name=tiles.mode + "-labels",
                max_zoom=tiles.max_zoom, subdomains=list(tiles.subdomains), control=False, overlay=True,
            ).add_to(m)
    if bounds:
        m.fit_bounds(bounds)
    return m


_FETCH_ATTR = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


class OutsideAssetError(RuntimeError):
    """A map document would load something from a host other than the site (and the tile host)."""


def outside_fetches(html: str) -> list[str]:
    """Absolute or protocol-relative URLs the document's <script>/<link>/<img>/<iframe> would fetch."""
    return [u for u in _FETCH_ATTR.findall(html) if u.startswith(("http:", "https:", "//"))]


def render_document(m: folium.Map, *, lang: str, title: str, extra_head: str = "", extra_body: str = "") -> str:
    """The complete HTML map document: <html lang>, <title>, <main>, and no outside assets."""
    root = m.get_root()
    root.title = str(escape(title))
    html = root.render()
    html = html.replace("<html>", f'<html lang="{escape(lang)}">', 1)
    # folium's viewport disables pinch zoom (user-scalable=no), which WCAG 1.4.4 forbids.
    html = re.sub(r'<meta name="viewport"[^>]*/>', '<meta name="viewport" content="width=device-width, initial-scale=1">', html, count=1, flags=re.DOTALL)
    html = html.replace("</head>", f"<style>{MAP_DOCUMENT_CSS}</style>{extra_head}\n</head>", 1)
    body_start = html.index("<body>") + len("<body>")
    body_end = html.index("</body>")
    html = html[:body_start] + f"\n<main>{html[body_start:body_end]}{extra_body}</main>\n" + html[body_end:]
    if bad := outside_fetches(html):
        raise OutsideAssetError(f"map document would fetch from outside hosts: {bad}")
    return html
