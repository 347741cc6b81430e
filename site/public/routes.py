"""Home, about, open-data index, glossary and the large-text preference."""

from __future__ import annotations

from flask import abort, current_app, make_response, redirect, render_template, request

from ..domain import plan_records as pr
from ..i18n import current_locale
from ..links import safe_next
from ..services import plan, site_data, today
from ..templating import TEXT_SIZE_COOKIE
from ..twins import download_json_response
from . import bp

HEADLINE_TARGETS = ("pm25-annual-mean", "heavy-pollution-days")


def _page(name: str):
    pages = site_data().pages
    page = pages.get((name, "en" if current_locale() == "en" else "zh"))
    if page is None:
        abort(404)
    return page


@bp.route("/")
def home():
    p, data, now = plan(), site_data(), today()
    records = [pr.target_record(p, t, data.indicator_values(t.slug), now) for t in p.targets]
    headline = [r for r in records if r["slug"] in HEADLINE_TARGETS]
    air_now = None
    if "air" in current_app.blueprints:
        from ..air import service as air

        city = next((c for c in air.latest_city_readings() if c["city"] == "苏州"), None)
        air_now = {"city": city, "now": air.now(), "standard": air.standards()} if city else {"city": None}
    return render_template(
        "public/home.html",
        plan=p,
        headline=headline,
        counts=pr.status_counts(records),
        by_deadline=pr.tasks_by_deadline(p),
        today=now,
        air_now=air_now,
    )


@bp.route("/about")
def about():
    return render_template("public/page.html", page=_page("about"))


@bp.route("/glossary")
def glossary():
    return render_template("public/glossary.html", plan=plan())


def _latest_release() -> dict | None:
    """The newest data release (history capability), whose files make the one-archive download."""
    if "history" not in current_app.blueprints:
        return None
    from ..history import store

    rels = store.releases()
    if not rels:
        return None
    files = store.release_file_list(rels[0].id)
    return {"version": rels[0].version, "released_on": rels[0].released_on, "files": len(files),
            "bytes": sum(f.size for f in files)}


@bp.route("/data")
def data_index():
    return render_template("public/data.html", datasets=site_data().datasets, release=_latest_release())


@bp.route("/data.json")
def data_index_json():
    return download_json_response(
        {
            "datasets": [
                {
                    "key": d.key,
                    "title_zh": d.title_zh,
                    "title_en": d.title_en,
                    "html": d.path,
                    "json": d.path + ".json",
                    "csv": d.path + ".csv",
                    "source_zh": d.source_zh,
                    "source_en": d.source_en,
                    "licence": d.licence,
                    "licence_zh": d.licence_zh or d.licence,
                    "fields": [c.describe() for c in d.columns],
                }
                for d in site_data().datasets
            ]
        }
    )


@bp.route("/prefs/text-size", methods=["GET", "POST"])
def text_size():
    """Large-text mode (适老化) as a cookie, so it persists and works without JavaScript."""
    size = request.values.get("size", "normal")
    resp = make_response(redirect(safe_next(request.values.get("next"), "/"), code=303))
    # Secure whenever the session cookie is (HTTPS deployments).
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))
    if size == "large":
        resp.set_cookie(TEXT_SIZE_COOKIE, "large", max_age=3600 * 24 * 365, samesite="Lax", httponly=True, secure=secure)
    else:
        resp.delete_cookie(TEXT_SIZE_COOKIE, samesite="Lax", httponly=True, secure=secure)
    return resp
