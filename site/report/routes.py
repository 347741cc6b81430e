"""Public tip routes: the form, the receipt, the status page, statistics and the rule pages."""

from __future__ import annotations

import logging
import secrets

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from ..domain.opendata import Column
from ..domain.tips import codes, geo
from ..domain.tips import states as st
from ..domain.tips.images import ImageRejected, accepted_formats, sanitise
from ..domain.tips.privacy import normalise_mobile
from ..i18n import current_locale, pick
from ..ratelimits import limited_post, retry_after
from ..services import plan, site_data
from ..twins import render_twin, twin_links, twin_route
from . import bp, service
from .forms import ReportForm

log = logging.getLogger(__name__)
PENDING = "tip_pending_photos"


def _submit_limit() -> str:
    return current_app.config["TIPS_SUBMIT_LIMIT"]


def request_limit() -> int:
    """Bytes a tip POST may carry: every photo at its maximum plus room for the text fields."""
    cfg = current_app.config
    return int(cfg["TIPS_MAX_PHOTOS"]) * int(cfg["TIPS_MAX_PHOTO_BYTES"]) + 1024 * 1024


def _page(name: str):
    page = site_data().pages.get((name, "en" if current_locale() == "en" else "zh"))
    if page is None:
        abort(404)
    return page


def _tile_config():
    """Tiles from the maps capability (issue 4) when configured; None means no tiles."""
    try:
        from cleanair_maps.config import tile_config
    except ImportError:
        return None
    try:
        return tile_config(current_app.config)
    except Exception:  # a broken tile setting must not take the tip form down
        log.exception("tile configuration failed; the point picker runs without tiles")
        return None


def policy():
    """Who receives tips and whether rewards apply (deployment setting, domain.tips.policy)."""
    return current_app.extensions["cleanair_tip_policy"]


def _setup_choices(form: ReportForm) -> None:
    if policy().rewards:
        form.identity.choices = [SelectChoice("anonymous", _("Anonymous (no reward)")),
                                 SelectChoice("real_name", _("With my name and mobile number (reward possible)"))]
    else:
        form.identity.choices = [SelectChoice("anonymous", _("Anonymous")),
                                 SelectChoice("real_name", _("With my name and mobile number, so that staff can contact me"))]
    form.category.choices = [SelectChoice("", _("— choose —"))] + [SelectChoice(c.slug, pick(c.name_zh, c.name_en)) for c in service.categories()]
    form.district.choices = [SelectChoice("", _("— choose —"))] + [SelectChoice(d.slug, pick(d.name_zh, d.name_en)) for d in plan().districts]


def _render_form(form: ReportForm, status: int = 200, errors: list[str] | None = None, duplicates=None, pending: int = 0):
    form.clip_to_limits()
    return (
        render_template(
            "report/form.html",
            form=form,
            form_messages=errors or [],
            duplicates=duplicates or [],
            pending_photos=pending,
            categories=service.categories(),
            categories_by_slug={c.slug: c for c in service.categories(active_only=False)},
            tiles=_tile_config(),
            rules=_page("reward-rules"),
            privacy=_page("privacy"),
            max_photos=current_app.config["TIPS_MAX_PHOTOS"],
            max_photo_mb=round(current_app.config["TIPS_MAX_PHOTO_BYTES"] / 1024 / 1024, 1),
            formats=accepted_formats(),
            now_typed=service.typed_now(),
            now_example=service.typed_now().replace("T", " "),
        ),
        status,
    )


def _pending(key: str) -> list[service.StoredPhoto]:
    stash = session.get(PENDING) or {}
    if stash.get("key") != key:
        return []
    return [service.StoredPhoto(*p) for p in stash.get("photos", [])]


IMAGE_ERRORS = {
    "not_image": lambda n: _("Photo %(n)d is not a readable image.", n=n),
    "unsupported": lambda n: _("Photo %(n)d is not a JPEG, PNG, WebP or HEIC image.", n=n),
    "too_many_pixels": lambda n: _("Photo %(n)d has too many pixels.", n=n),
}


@bp.route("/report", methods=["GET", "POST"])
@limited_post(_submit_limit)
def form():
    form = ReportForm()
    _setup_choices(form)
    if request.method in ("GET", "HEAD"):
        form.submission_key.data = secrets.token_urlsafe(24)
        form.occurred_at.data = service.typed_now()
        if request.args.get("category") in {c.slug for c in service.categories()}:
            form.category.data = request.args["category"]
        return _render_form(form)

    if form.website.data:
        log.info("honeypot field filled; tip refused")
        return _render_form(form, 400, [_("Your report could not be accepted. If you are a person, please try again.")])
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_urlsafe(24)
    valid = form.validate_on_submit()
    if form.category.data and service.category(form.category.data) is None:
        form.category.errors = [*form.category.errors, _("Choose what you are reporting.")]
        valid = False
    if not valid:
        return _render_form(form, 400)

    key = form.submission_key.data
    already = service.by_submission_key(key)
    if already is not None:  # a double click or a resent form: show the first receipt again
        return redirect(url_for("report.receipt", code=codes.grouped(already.code)), 303)
    cfg = current_app.config
    max_bytes = int(cfg["TIPS_MAX_PHOTO_BYTES"])
    pending = _pending(key)
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(files) + len(pending) > int(cfg["TIPS_MAX_PHOTOS"]):
        form.photos.errors = [_("Attach at most %(n)d photos.", n=cfg["TIPS_MAX_PHOTOS"])]
        return _render_form(form, 400, pending=len(pending))
    images = []
    for n, f in enumerate(files, start=1):
        data = f.stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            form.photos.errors = [_("Photo %(n)d is larger than %(mb)s MB.", n=n, mb=round(max_bytes / 1024 / 1024, 1))]
            return _render_form(form, 413, pending=len(pending))
        try:
            images.append(sanitise(data))
        except ImageRejected as exc:
            form.photos.errors = [IMAGE_ERRORS[exc.code](n)]
            return _render_form(form, 400, pending=len(pending))

    lat, lon = form.parsed_lat, form.parsed_lon
    district = form.district.data or None
    rt = service.runtime()
    if district is None and lat is not None and rt.boundaries:
        district = geo.district_at(lat, lon, rt.boundaries.get("features", []))
        if district is not None and plan().district(district) is None:
            district = None
    address = (form.address.data or "").strip()

    if form.confirm_duplicates.data != "1":
        dups = service.find_duplicates(form.category.data, lat, lon, district, address, form.parsed_occurred_at)
        if dups:
            # Keep the photos already sent so that "continue anyway" does not ask for them again.
            stored = service.store_photos(images)
            session[PENDING] = {"key": key, "photos": [list(p.__dict__.values()) for p in pending + stored]}
            form.confirm_duplicates.data = "1"
            return _render_form(form, 200, duplicates=dups, pending=len(pending) + len(stored))

    real = form.identity.data == "real_name"
    new = service.NewTip(
        submission_key=key,
        category=form.category.data,
        district=district,
        address=address,
        lat=lat,
        lon=lon,
        location_source=(form.location_source.data if form.location_source.data in ("map", "device") else "map")
        if lat is not None
        else "none",
        occurred_at=form.parsed_occurred_at,
        description=form.description.data.strip(),
        polluter=(form.polluter.data or "").strip(),
        identity="real_name" if real else "anonymous",
        claim_pin=None if real else (form.claim_pin.data or None),
        name=form.name.data.strip() if real else None,
        phone=form.parsed_phone if real else None,
        not_staff=bool(form.not_staff.data),
        locale=current_locale(),
    )
    tip, _created = service.submit(new, pending + service.store_photos(images))
    session.pop(PENDING, None)
    return redirect(url_for("report.receipt", code=codes.grouped(tip.code)), 303)


@bp.errorhandler(CSRFError)
def csrf_error(exc: CSRFError):
    if request.endpoint != "report.form":
        return render_template("errors.html", code=400, title=_("Form expired"), message=_("This form has expired. Go back, reload the page and send it again.")), 400
    form = ReportForm()
    _setup_choices(form)
    form.submission_key.data = form.submission_key.data or secrets.token_urlsafe(24)
    return _render_form(form, 400, [_("This form has expired or was opened in another browser. Your text is kept below; attach photos again and send it once more.")])


@bp.errorhandler(429)
def too_many(exc):
    form = ReportForm(formdata=request.form if request.endpoint == "report.form" else None)
    _setup_choices(form)
    msg = _("You have sent several reports in a short time. Please wait a while and try again; your text is kept below.")
    page, status = _render_form(form, 429, [msg])
    wait = retry_after()
    return page, status, ({"Retry-After": str(wait)} if wait else {})


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc):
    form = ReportForm(formdata=None)
    _setup_choices(form)
    form.submission_key.data = secrets.token_urlsafe(24)
    form.occurred_at.data = service.typed_now()
    mb = round(request_limit() / 1024 / 1024)
    return _render_form(form, 413, [_("What you sent is larger than %(mb)d MB, so nothing could be read. Please send fewer or smaller photos.", mb=mb)])


def _tip_or_404(code: str, endpoint: str):
    tip = service.get_by_code(code)
    if tip is None:
        abort(404)
    canonical = codes.grouped(tip.code)
    if code != canonical:
        return None, redirect(url_for(endpoint, code=canonical), 301)
    return tip, None


@bp.route("/report/<code>/receipt")
def receipt(code: str):
    tip, redirect_ = _tip_or_404(code, "report.receipt")
    if redirect_:
        return redirect_
    return render_template("report/receipt.html", tip=tip, code=codes.grouped(tip.code), category=service.category(tip.category))


@bp.route("/report/track")
def track():
    raw = (request.args.get("code") or "").strip()
    if raw:
        tip = service.get_by_code(raw)
        if tip is not None:
            return redirect(url_for("report.status", code=codes.grouped(tip.code)), 303)
        return render_template("report/track.html", code=raw, not_found=True), 404
    return render_template("report/track.html", code="", not_found=False)


@bp.route("/report/<code>")
def status(code: str):
    tip, redirect_ = _tip_or_404(code, "report.status")
    if redirect_:
        return redirect_
    info = service.public_status(tip)
    return render_template(
        "report/status.html",
        info=info,
        category=service.category(tip.category),
        district=plan().district(tip.district) if tip.district else None,
        can_claim=tip.identity == "anonymous" and bool(tip.claim_pin_hash),
    )


def _claim_limit() -> str:
    return current_app.config["TIPS_CLAIM_LIMIT"]


@bp.route("/report/<code>/claim", methods=["POST"])
@limited_post(_claim_limit)
def claim(code: str):
    tip = service.get_by_code(code)
    if tip is None:
        abort(404)
    pin = (request.form.get("claim_pin") or "").strip()[:6]
    name = (request.form.get("name") or "").strip()[:50]
    phone = normalise_mobile(request.form.get("phone") or "")
    rewards = policy().rewards
    if not name or phone is None or (rewards and request.form.get("not_staff") != "y"):
        flash(_("Give your name, an 11-digit mobile number and the declaration to come forward.") if rewards
              else _("Give your name and an 11-digit mobile number to come forward."), "error")
    elif service.claim(tip, pin, name, phone):
        flash(_("Thank you. Your name is now recorded with this tip, so a reward is possible.") if rewards
              else _("Thank you. Your name is now recorded with this tip."), "ok")
    else:
        flash(_("The PIN does not match this tip."), "error")
    return redirect(url_for("report.status", code=codes.grouped(tip.code)), 303)


STATS_COLUMNS = (
    Column("dimension", "string", "What is counted: category, district, body, month, status or total", "统计维度"),
    Column("key", "string", "Category, district or department slug, month (YYYY-MM) or state", "类别、区县、部门标识，月份或状态"),
    Column("count", "integer", "Number of tips", "举报数量"),
)


@twin_route(bp, "/report/stats")
def stats(fmt: str):
    from ..domain.tips.stats import stats_rows

    data = service.stats()
    generated = service.now()

    def payload():
        return {
            "title": "Citizen tips: statistics",
            "generated_at": generated,
            "source": "This site's tip register (live); counts only, no personal data",
            "licence": "CC BY 4.0",
            **data,
        }

    return render_twin(
        fmt,
        "report/stats.html",
        payload,
        lambda: stats_rows(data),
        STATS_COLUMNS,
        "tips-stats.csv",
        stats=data,
        generated=generated,
        alternates=twin_links("report.stats"),
        categories={c.slug: c for c in service.categories(active_only=False)},
    )


@bp.route("/report/rules")
def rules():
    return render_template("report/page.html", page=_page("reward-rules"))


@bp.route("/report/privacy")
def privacy():
    return render_template("report/page.html", page=_page("privacy"))


@bp.route("/report/districts.json", defaults={"fmt": "json"})
def boundaries(fmt: str = "json"):
    """District outlines (GeoJSON, WGS-84) for the point picker; empty until issue 4 adds the file."""
    from ..twins import json_response

    data = service.runtime().boundaries or {"type": "FeatureCollection", "features": []}
    resp = json_response(data)
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp


@bp.app_template_global()
def tip_state_label(state: str | None) -> str:
    labels = {
        st.SUBMITTED: _("Received"),
        st.ACCEPTED: _("Accepted"),
        st.REJECTED: _("Not taken up"),
        st.INVESTIGATING: _("Being investigated"),
        st.VERIFIED: _("Confirmed"),
        st.NOT_VERIFIED: _("Not confirmed"),
        st.REWARD_PENDING: _("Reward under review"),
        st.REWARD_APPROVED: _("Reward approved"),
        st.REWARD_PAID: _("Reward paid"),
        st.REWARD_DECLINED: _("No reward"),
        "anonymous": _("Anonymous"),
        "real_name": _("Real name"),
    }
    return labels.get(state or "", state or "—")


@bp.app_template_global()
def tip_reason_label(reason: str | None) -> str:
    labels = {
        "out_of_scope": _("Outside the scope of air-pollution enforcement"),
        "insufficient_evidence": _("Not enough information to act on"),
        "duplicate": _("Already reported by someone else"),
        "already_known": _("Already known to the authorities"),
    }
    return labels.get(reason or "", reason or "")


@bp.app_template_global()
def tip_action_label(action: str) -> str:
    labels = {
        "submitted": _("Tip received"),
        "status": _("Status changed"),
        "reward": _("Reward status changed"),
        "claimed": _("Tipster came forward"),
        # staff-only actions (audit log on the staff desk)
        "routed": _("Routed to a responsible body"),
        "note": _("Internal note"),
        "cluster": _("Cluster changed"),
        "redacted": _("Text redacted"),
        "personal_data_viewed": _("Name and number shown"),
        "personal_data_exported": _("Personal data exported"),
        "personal_data_purged": _("Personal data deleted (retention period over)"),
    }
    return labels.get(action, action)


@bp.app_template_global()
def plan_district(slug: str | None):
    return plan().district(slug) if slug else None


@bp.app_template_global()
def plan_department(slug: str | None):
    return plan().department(slug) if slug else None
