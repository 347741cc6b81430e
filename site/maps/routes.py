"""Map pages, their twins, the cached map documents and the district GeoJSON. Views stay thin."""

from __future__ import annotations

from cleanair_maps.progress import MAP_STATUSES, status_counts
from flask import Response, abort, render_template, request

from ..links import current_url
from ..security import allow_inline_scripts
from ..services import plan
from ..twins import render_twin, twin_links, twin_route
from . import bp
from . import records as rec
from . import service as svc


def _meta(source_en: str, source_zh: str) -> dict:
    return {"source_en": source_en, "source_zh": source_zh, "licence": rec.LICENCE, "url": current_url()}


@bp.route("/maps")
def index():
    return render_template("maps/index.html")


@twin_route(bp, "/maps/progress")
def progress(fmt: str):
    records = svc.progress_records()
    air = svc.air_records()
    tips = svc.tip_counts()
    if tips is not None:
        for r in records:
            r["tips_public"] = tips.get(r["slug"], 0)
    return render_twin(
        fmt, "maps/progress.html",
        lambda: {
            "districts": records, "statuses": list(MAP_STATUSES), "air": air,
            "note_zh": plan().note_zh, "note_en": plan().note_en,
            "meta": _meta(rec.PROGRESS_SOURCE_EN, rec.PROGRESS_SOURCE_ZH),
        },
        lambda: svc.progress_csv_rows(records), rec.PROGRESS_COLUMNS, "suzhou-district-progress.csv",
        records=records, counts=status_counts(r["status"] for r in records), plan=plan(), tips=tips, air=air,
        alternates=twin_links("maps.progress"),
    )


@twin_route(bp, "/maps/fireworks")
def fireworks(fmt: str):
    data = svc.fireworks_records()
    rows = lambda: [
        {**{k: d[k] for k in ("name_zh", "name_en", "scope", "area_zh", "area_en")}, "district": d["slug"],
         "task27_status": d["task27"]["status"] if d["task27"] else None, "reported": data["source"]["reported"],
         "citywide_ban_now": data["citywide_ban_now"]}
        for d in data["districts"]
    ]
    return render_twin(
        fmt, "maps/fireworks.html",
        lambda: {**data, "meta": _meta(rec.FIREWORKS_SOURCE_EN, rec.FIREWORKS_SOURCE_ZH)},
        rows, rec.FIREWORKS_COLUMNS, "suzhou-fireworks-ban.csv",
        data=data, plan=plan(), alternates=twin_links("maps.fireworks"),
    )


@bp.route("/maps/stations")
def stations():
    snapshot = svc.air_snapshot()
    return render_template("maps/stations.html", stations=svc.station_records(snapshot), engine=snapshot is not None)


@bp.route("/maps/<any(progress, fireworks, stations):name>/map.html")
def document(name: str):
    doc = svc.map_document(name)
    if request.if_none_match and doc.etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{doc.etag}"'})
    accepted = request.accept_encodings
    body, encoding = doc.html, None
    if doc.br is not None and accepted["br"]:
        body, encoding = doc.br, "br"
    elif accepted["gzip"]:
        body, encoding = doc.gzip, "gzip"
    # folium's map code is inline: allow exactly those scripts, by hash, for this document.
    allow_inline_scripts(doc.script_hashes, inline_styles=True)
    resp = Response(body, content_type="text/html; charset=utf-8")
    if encoding:
        resp.headers["Content-Encoding"] = encoding
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["ETag"] = f'"{doc.etag}"'
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


# `fmt` marks this as a data download (like the .json/.csv twins), not a page to render.
@bp.route("/maps/districts.geojson", defaults={"fmt": "geojson"})
def districts_geojson(fmt: str):
    """The committed WGS-84 district boundaries at a stable URL."""
    data = svc.maps_data()
    if not data.boundaries_bytes:
        abort(404)
    resp = Response(data.boundaries_bytes, content_type="application/geo+json; charset=utf-8")
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Content-Disposition"] = 'inline; filename="suzhou_districts.wgs84.geojson"'
    return resp
