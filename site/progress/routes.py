"""Public progress pages: /progress, /districts, /districts/<slug>, evidence files. Views stay thin."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request, url_for

from ..air import districts as air_districts
from ..domain import progress as dp
from ..i18n import pick
from ..services import plan, today
from ..twins import render_twin, twin_links, twin_route
from . import bp
from . import records as rec
from . import service as svc


def _meta() -> dict[str, Any]:
    return {"source_en": rec.SOURCE_EN, "source_zh": rec.SOURCE_ZH, "licence": rec.LICENCE, "url": request.url}


def _overview() -> tuple[dp.Scorecard, list[dict[str, Any]]]:
    p, pub, day = plan(), svc.published(), today()
    card = dp.scorecard(p, pub.reports, day)
    tasks = [rec.task_summary(p, t, card.standings[t.number], pub.by_task.get(t.number, [])) for t in p.tasks]
    return card, tasks


@twin_route(bp, "/progress")
def index(fmt: str):
    p, day = plan(), today()
    card, tasks = _overview()
    score = rec.scorecard_record(p, card)
    overdue = rec.overdue_records(p, card)
    latest = svc.latest_published(10)
    return render_twin(
        fmt, "progress/index.html",
        lambda: {"today": day, **score, "overdue": overdue, "latest": latest, "tasks": tasks, "meta": _meta()},
        lambda: rec.task_csv_rows(tasks), rec.PROGRESS_COLUMNS, "suzhou-plan-progress.csv",
        plan=p, score=score, overdue=overdue, latest=latest, tasks=tasks, day=day, tables=_tables(score),
        alternates=twin_links("progress.index"),
    )


def _tables(score: dict[str, Any]) -> dict[str, list[tuple[str, str, dict[str, int]]]]:
    """(link, name, counts) rows of the three scorecard tables, names in the page's language."""
    return {
        "chapter": [(url_for("plan.overview") + f"#chapter-{r['chapter']}", pick(r["title_zh"], r["title_en"]), r["counts"])
                    for r in score["by_chapter"]],
        "body": [(url_for("plan.department", slug=r["department"]), pick(r["name_zh"], r["name_en"]), r["counts"])
                 for r in score["by_body"]],
        "district": [(url_for("progress.district", slug=r["district"]), pick(r["name_zh"], r["name_en"]), r["counts"])
                     for r in score["by_district"]],
    }


def _air(slug: str) -> dict[str, Any]:
    """A district's air as the JSON contract gives it, with its source and what is missing."""
    a = air_districts.district_air(slug)
    annual = [air_districts.annual_record(r) for r in a["annual"]]
    latest = air_districts.latest_complete(a["annual"])
    if a["method"] == air_districts.CITY_SERIES:
        source = {"en": f"CNEMC city series “{a['series']}” imported into this site, assessed by HJ 663-2013",
                  "zh": f"中国环境监测总站“{a['series']}”城市序列（已导入本站），按HJ 663-2013评价"}
    elif a["method"] == air_districts.STATIONS:
        source = {"en": "Mean of the district's own evaluation stations (CNEMC hourly data imported into this site), "
                        "hour by hour, then day and year by HJ 663-2013",
                  "zh": "区内国控评价点逐时均值（本站导入的中国环境监测总站小时数据），再按HJ 663-2013计算日、年"}
    else:
        source = {"en": "No national monitoring station lies in this district", "zh": "区内没有国控监测站点"}
    return {"method": a["method"], "series": a["series"], "stations": a["stations"], "annual": annual,
            "latest_complete": air_districts.annual_record(latest) if latest else None,
            "stored_station_days": air_districts.stored_station_days(a["stations"]) if a["method"] == air_districts.STATIONS else None,
            "source": source, "target_pm25": _pm25_target()}


def _pm25_chart(air: dict[str, Any]):
    """Annual PM2.5 as line-chart geometry: complete years solid, incomplete ones hollow."""
    from datetime import date

    from ..domain.charts import Point, line_chart

    t = plan().target("pm25-annual-mean")
    points = [Point(date(y["year"], 12, 31) if y["complete"] else date.fromisoformat(y["last_date"]), y["pm25"], y["complete"])
              for y in air["annual"] if y["pm25"] is not None]
    return line_chart(points, t.target_value if t else None, t.deadline if t else None)


def _pm25_target() -> float | None:
    t = plan().target("pm25-annual-mean")
    return t.target_value if t else None


def _district_tasks(slug: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    p, pub, day = plan(), svc.published(), today()
    out = []
    for t in dp.district_tasks(p, slug, pub.reports):
        standing, s = dp.district_standing(t, slug, pub.reports, day)
        covering = {r.ident for r in dp.covering(t, slug, pub.reports)}
        records = [r for r in pub.by_task.get(t.number, []) if r["id"] in covering]
        out.append({"number": t.number, "heading_zh": t.heading_zh, "heading_en": t.heading_en,
                    "names_district": slug in t.districts, "deadlines": [d.isoformat() for d in t.deadlines],
                    "standing": standing, "status": s.status, "as_of": s.as_of.isoformat() if s.as_of else None,
                    "overdue": s.overdue, "days_late": s.days_late, "latest": records[0] if records else None,
                    "progress": records})
    return out, rec.counts_record(dp.counts(t["standing"] for t in out))


def _district_record(slug: str) -> dict[str, Any]:
    d = plan().district(slug)
    return {"slug": d.slug, "name_zh": d.name_zh, "name_en": d.name_en, "code": d.code, "kind": d.kind}


@twin_route(bp, "/districts")
def districts(fmt: str):
    p = plan()
    rows = []
    for d in p.districts:
        tasks, counts = _district_tasks(d.slug)
        air = _air(d.slug)
        rows.append({**_district_record(d.slug), "counts": counts, "status": dp.district_summary([t["standing"] for t in tasks]),
                     "air": {k: air[k] for k in ("method", "series", "stations", "latest_complete", "source")}})

    def csv_rows():
        return [{"district": r["slug"], "name_zh": r["name_zh"], "name_en": r["name_en"],
                 **{f"tasks_{s}": r["counts"][s] for s in dp.STANDINGS},
                 "air_year": (r["air"]["latest_complete"] or {}).get("year"),
                 "air_pm25": (r["air"]["latest_complete"] or {}).get("pm25"), "air_method": r["air"]["method"]}
                for r in rows]

    return render_twin(
        fmt, "progress/districts.html",
        lambda: {"districts": rows, "today": today(), "note_zh": p.note_zh, "note_en": p.note_en, "meta": _meta()},
        csv_rows, rec.DISTRICTS_COLUMNS, "suzhou-districts.csv",
        plan=p, rows=rows, target_pm25=_pm25_target(), alternates=twin_links("progress.districts"),
    )


@twin_route(bp, "/districts/<slug>")
def district(slug: str, fmt: str):
    p = plan()
    if p.district(slug) is None:
        abort(404)
    tasks, counts = _district_tasks(slug)
    air = _air(slug)
    feed = url_for("history.district_feed", slug=slug)
    return render_twin(
        fmt, "progress/district.html",
        lambda: {"district": _district_record(slug), "today": today(), "counts": counts, "tasks": tasks, "air": air,
                 "note_zh": p.note_zh, "note_en": p.note_en, "meta": _meta()},
        lambda: rec.district_task_rows(slug, tasks), rec.DISTRICT_COLUMNS, f"suzhou-district-{slug}.csv",
        plan=p, district=p.district(slug), tasks=tasks, counts=counts, air=air, feed_url=feed, chart=_pm25_chart(air),
        stations=[s for s in svc_stations(air["stations"])],
        alternates=twin_links("progress.district", slug=slug) + [{"fmt": "atom", "type": "application/atom+xml", "href": feed}],
    )


def svc_stations(codes: list[str]) -> list[dict[str, str]]:
    from ..air import service as air

    by_code = {s.code: s for s in air.station_registry()}
    return [{"code": c, "name": pick(by_code[c].name_zh, by_code[c].name_en)} for c in codes if c in by_code]


# `fmt` marks this as a file download (like the release files), not a page to render.
@bp.route("/progress/files/<key>", defaults={"fmt": "file"})
def evidence(key: str, fmt: str):
    """An evidence file of a published report (sanitised on upload; drafts' files stay staff-only)."""
    report = svc.attachment(key, public_only=True)
    if report is None:
        abort(404)
    data = svc.runtime().storage.load(key)
    resp = Response(data, content_type=report.attachment_type or "application/octet-stream")
    resp.headers["Content-Disposition"] = f'inline; filename="task-{report.task}-evidence-{report.id}.{key.rsplit(".", 1)[-1]}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp
