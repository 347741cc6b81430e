"""/changes, Atom feeds, /data/releases and share images. Views parse, call, render."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _

from ..domain import history as h
from ..domain.plan import ROLE_NAMES
from ..domain.targets import COMPARATOR_NAMES
from ..i18n import current_locale, html_lang, pick
from ..links import current_url
from ..templating import period_label
from ..services import plan
from ..twins import render_twin, twin_links, twin_route
from . import bp, store
from .records import (
    CHANGE_COLUMNS,
    RELEASE_COLUMNS,
    change_csv_row,
    change_record,
    release_csv_rows,
    release_record,
)
from .views import FIELD_LABELS, STATUS_WORDS, absolute, external_base, tag_authority

ATOM_TYPE = "application/atom+xml; charset=utf-8"
# Non-HTML routes declare their format like the twins do, so route discovery (tests/web) knows
# they are not pages.
FEED = {"fmt": "atom"}


def _filters() -> tuple[dict[str, Any], list[str]]:
    """Filters of /changes from the query string; unknown values are reported, not fatal."""
    p = plan()
    out: dict[str, Any] = {}
    errors: list[str] = []
    raw = {k: (request.args.get(k) or "").strip() for k in store.FILTERS}
    if raw["target"]:
        out["target"] = raw["target"] if p.target(raw["target"]) or _known("target", raw["target"]) else None
    if raw["task"]:
        # A task number: digits only, and small enough for the database's integer column.
        digits = raw["task"].isascii() and raw["task"].isdigit() and len(raw["task"]) <= 6
        out["task"] = int(raw["task"]) if digits else None
    if raw["department"]:
        out["department"] = raw["department"] if p.department(raw["department"]) or _known("department", raw["department"]) else None
    if raw["district"]:
        out["district"] = raw["district"] if p.district(raw["district"]) else None
    for key, value in list(out.items()):
        if value is None:
            errors.append(key)
            del out[key]
    return out, errors


def _known(kind: str, value: str) -> bool:
    # A target or body removed from the plan still has a history worth filtering on.
    return any(h.refs(c.entity).get(kind) == value for c in store.state().changes)


@twin_route(bp, "/changes")
def changes(fmt: str):
    filters, errors = _filters()
    p = plan()
    records = [change_record(p, c) for c in store.list_changes(filters, limit=None if fmt != "html" else 500)]
    return render_twin(
        fmt, "history/changes.html",
        lambda: {"changes": records, "count": len(records), "filters": filters,
                 "baseline_on": _iso(store.state().baseline_on), "meta": _meta()},
        lambda: map(change_csv_row, records), CHANGE_COLUMNS, "suzhou-plan-changes.csv",
        plan=p, records=records, filters=filters, filter_errors=errors, labels=FIELD_LABELS,
        baseline_on=store.state().baseline_on, history_error=store.state().error,
        feed_url=url_for("history.feed", **filters),
        alternates=twin_links("history.changes") + [_atom_link(url_for("history.feed", **filters))],
    )


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _meta() -> dict[str, Any]:
    return {"source_en": "This site's change history, derived from the plan and data files",
            "licence": "CC BY 4.0", "url": current_url()}


def _atom_link(href: str) -> dict[str, str]:
    return {"fmt": "atom", "type": "application/atom+xml", "href": href}


# --- Atom feeds --------------------------------------------------------------------------


def _value_text(value: Any, field: str | None = None) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_value_text(v, field) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{FIELD_LABELS.get(k, k)}: {_value_text(v, k)}" for k, v in sorted(value.items())
                         if not k.endswith("_en" if current_locale() != "en" else "_zh"))
    # Codes stored in the data files are shown in words (roles, comparisons, periods).
    names = {"role": ROLE_NAMES, "comparator": COMPARATOR_NAMES}.get(field or "")
    if names and value in names:
        return pick(*names[value])
    if field == "period":
        return period_label(str(value))
    if field == "deadline" and value == "yearly":
        return _("every year")
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def change_title(r: dict[str, Any]) -> str:
    name = r["entity_title_en"] if current_locale() == "en" else r["entity_title_zh"]
    if r["kind"] == "added":
        return _("%(name)s: added", name=name)
    if r["kind"] == "removed":
        return _("%(name)s: removed", name=name)
    label = str(FIELD_LABELS.get(r["field"], r["field"]))
    if current_locale() != "en" and str(r["field"]).endswith("_en"):
        # The English translation changed: a Chinese page says so without quoting English text.
        return _("%(name)s: %(field)s changed", name=name, field=label)
    old, new = _value_text(r["old"], r["field"]), _value_text(r["new"], r["field"])
    if r["field"] == "status":  # progress statuses are codes: show their words
        old, new = (str(STATUS_WORDS.get(v, v)) for v in (r["old"], r["new"]))
    return _("%(name)s: %(field)s changed from %(old)s to %(new)s", name=name, field=label, old=old, new=new)


def _summary(r: dict[str, Any]) -> str:
    parts = [change_title(r), _("Effective: %(date)s", date=r["effective_date"]),
             _("Source: %(source)s", source=r["source"])]
    if r["source_url"]:
        parts.append(r["source_url"])
    if r["note"]:
        parts.append(_("Note: %(note)s", note=r["note"]))
    if r["kind"] == "added":
        parts.append(_value_text(r["new"]))
    return "\n".join(parts)


def _feed(filters: dict[str, Any], title: str, alternate_path: str, specific: str) -> Response:
    p = plan()
    locale = current_locale()
    authority = tag_authority()
    suffix = "" if locale == "zh_Hans" else "/en"
    rows = store.list_changes(filters, limit=100)
    entries = []
    for c in rows:
        r = change_record(p, c)
        recorded = c.recorded_at
        entries.append(h.FeedEntry(
            id=h.tag_uri(authority, recorded.year, f"change/{c.id}{suffix}"),
            title=change_title(r),
            updated=recorded,
            published=recorded,
            link=absolute(r["path"]) + (f"?as_of={r['effective_date']}" if r["kind"] != "removed" else ""),
            summary=_summary(r),
            categories=tuple(f"{k}:{r[k]}" for k in store.FILTERS if r[k] is not None),
        ))
    feed = h.Feed(
        id=h.tag_uri(authority, 2026, f"changes{specific}{suffix}"),
        title=title,
        self_url=absolute(request.full_path.rstrip("?")),
        alternate_url=absolute(alternate_path),
        author=_("Suzhou Clean Air Plan"),
        lang=html_lang(locale),
        updated=store.state().released_at,
    )
    resp = Response(h.build_atom(feed, entries), content_type=ATOM_TYPE)
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


@bp.route("/changes.atom", defaults=FEED)
def feed(fmt: str):
    filters, errors = _filters()
    if errors:
        abort(404)
    return _feed(filters, _("Suzhou Clean Air Plan: changes"), "/changes", "")


@bp.route("/targets/<slug>/changes.atom", defaults=FEED)
def target_feed(slug: str, fmt: str):
    t = plan().target(slug)
    if t is None and not _known("target", slug):
        abort(404)
    name = (t.title_en if current_locale() == "en" else t.title_zh) if t else slug
    return _feed({"target": slug}, _("Changes: %(name)s", name=name), f"/targets/{slug}", f"/target/{slug}")


@bp.route("/plan/tasks/<int:number>/changes.atom", defaults=FEED)
def task_feed(number: int, fmt: str):
    if plan().task(number) is None and not _known("task", number):  # type: ignore[arg-type]
        abort(404)
    return _feed({"task": number}, _("Changes: %(name)s", name=_("Task %(n)s", n=number)),
                 f"/plan/tasks/{number}", f"/task/{number}")


@bp.route("/departments/<slug>/changes.atom", defaults=FEED)
def department_feed(slug: str, fmt: str):
    d = plan().department(slug)
    if d is None and not _known("department", slug):
        abort(404)
    name = (d.name_en if current_locale() == "en" else d.name_zh) if d else slug
    return _feed({"department": slug}, _("Changes: %(name)s", name=name), f"/departments/{slug}", f"/department/{slug}")


@bp.route("/districts/<slug>/changes.atom", defaults=FEED)
def district_feed(slug: str, fmt: str):
    d = plan().district(slug)
    if d is None:
        abort(404)
    name = d.name_en if current_locale() == "en" else d.name_zh
    return _feed({"district": slug}, _("Changes: %(name)s", name=name), f"/changes?district={slug}", f"/district/{slug}")


# --- data releases -----------------------------------------------------------------------


@twin_route(bp, "/data/releases")
def releases(fmt: str):
    base = external_base() + request.environ.get("cleanair.base_script_name", "")
    p = plan()
    records = []
    for rel in store.releases():
        rec = release_record(rel, store.release_file_list(rel.id), base)
        rec["changes"] = [change_record(p, c) for c in store.release_changes(rel.id)]
        records.append(rec)
    return render_twin(
        fmt, "history/releases.html",
        lambda: {"releases": [{k: v for k, v in r.items()} for r in records], "meta": _meta()},
        lambda: [row for r in records for row in release_csv_rows(r)], RELEASE_COLUMNS,
        "suzhou-plan-data-releases.csv",
        releases=records, labels=FIELD_LABELS, change_title=change_title,
        alternates=twin_links("history.releases"),
    )


@bp.route("/data/releases/<version>/<name>", defaults={"fmt": "file"})
def release_download(version: str, name: str, fmt: str):
    rel = store.release(version)
    f = store.release_file(rel.id, name) if rel else None
    if f is None:
        abort(404)
    resp = Response(f.content, content_type=f.media_type + "; charset=utf-8")
    resp.headers["Content-Disposition"] = f'inline; filename="{version}-{name}"'
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # a release never changes
    resp.headers["Digest"] = "sha-256=" + __import__("base64").b64encode(bytes.fromhex(f.sha256)).decode()
    return resp


@bp.route("/data/releases/<version>.zip", defaults={"fmt": "zip"})
def release_archive(version: str, fmt: str):
    """Every dataset of one release as a single ZIP (with SHA256SUMS); `latest.zip` is the newest."""
    from ..domain.opendata import release_zip

    if version == "latest":
        newest = store.releases()
        if not newest:
            abort(404)
        return redirect(url_for("history.release_archive", version=newest[0].version), 302)
    rel = store.release(version)
    if rel is None:
        abort(404)
    built = current_app.extensions.setdefault("cleanair_release_zips", {})
    data = built.get(rel.version)
    if data is None:  # a release never changes: build its archive once per process
        data = release_zip(rel.version, rel.released_on, store.release_contents(rel.id))
        if len(built) >= 4:
            built.clear()
        built[rel.version] = data
    resp = Response(data, content_type="application/zip")
    resp.headers["Content-Disposition"] = f'attachment; filename="suzhou-clean-air-data-{rel.version}.zip"'
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return resp


# --- share images ------------------------------------------------------------------------


@bp.route("/targets/<slug>/share.png", defaults={"fmt": "png"})
def share_image(slug: str, fmt: str):
    from ..domain import plan_records as pr
    from ..services import site_data, today
    from .share import share_png

    p = plan()
    t = p.target(slug)
    if t is None:
        abort(404)
    record = pr.target_record(p, t, site_data().indicator_values(slug), today())
    png = share_png(current_app._get_current_object(), record, current_locale(), store.state().version or "")  # type: ignore[attr-defined]
    resp = Response(png, content_type="image/png")
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp


def citation_for(title: str) -> dict[str, str | None]:
    """Cite-this texts for the current page (URL with its filters, today's date, data version)."""
    from ..services import today

    version = store.state().version
    site = _("Suzhou Clean Air Plan")
    url = absolute(request.full_path.rstrip("?"))
    day = today()
    lang = "en" if current_locale() == "en" else "zh"
    return {**h.citation(site, str(title).strip(), url, version, day, day.year, lang), "version": version}


@bp.app_context_processor
def _history_template_helpers() -> dict[str, Any]:
    return {"absolute_url": absolute, "citation_for": citation_for, "change_title": change_title}
