"""Staff desk views: login, queue, tip detail, actions, photos, export."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import clock
from ..domain.opendata import Column, to_csv
from ..domain.tips import codes
from ..domain.tips import states as st
from ..domain.tips.categories import suggested_bodies
from ..domain.tips.policy import response_due
from ..extensions import db, limiter
from ..report import service
from ..report.models import Tip
from ..services import plan
from . import bp
from .auth import authenticate
from .guards import (
    admin_required,
    current_staff,
    end_session,
    login_limit,
    login_required,
    start_session,
)
from .labels import transition_error_text

PAGE_SIZE = 50


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/staff") and not target.startswith("//") and not urlsplit(target).netloc:
        return request.script_root + target  # keeps the /en prefix of the page that asked to log in
    return url_for("staff.queue")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    error = None
    if request.method == "POST":
        cfg = current_app.config
        user, reason = authenticate(
            (request.form.get("username") or "")[:80],
            (request.form.get("password") or "")[:200],
            int(cfg["STAFF_MAX_FAILED_LOGINS"]),
            int(cfg["STAFF_LOCK_MINUTES"]),
        )
        if user is not None:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")), 303)
        # One message for unknown user and wrong password: do not confirm which accounts exist.
        error = _("This account is locked for a while after repeated failures.") if reason == "locked" else _("Wrong username or password.")
    return render_template("staff/login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    end_session()
    return redirect(url_for("staff.login"), 303)


def _filters() -> dict:
    args = request.args
    out = {k: (args.get(k) or "").strip()[:60] for k in ("status", "category", "district", "body", "since", "until", "reward")}
    for k in ("since", "until"):
        try:
            out[k] = date.fromisoformat(out[k]) if out[k] else None
        except ValueError:
            out[k] = None
    return out


@bp.route("/")
@login_required
def queue():
    f = _filters()
    q = select(Tip).order_by(Tip.submitted_at.desc(), Tip.id.desc())
    if f["status"] in st.STATES:
        q = q.where(Tip.status == f["status"])
    elif f["status"] == "open":
        q = q.where(Tip.status.in_(st.OPEN_STATES))
    if f["reward"] in st.REWARD_STATES:
        q = q.where(Tip.reward_status == f["reward"])
    if f["category"]:
        q = q.where(Tip.category == f["category"])
    if f["district"]:
        q = q.where(Tip.district == f["district"])
    if f["body"]:
        # Routed to the body, or not yet routed and the plan makes the body responsible.
        cats = [c.slug for c in service.categories(active_only=False) if any(b.slug == f["body"] for b in suggested_bodies(c, plan()))]
        q = q.where((Tip.routed_to == f["body"]) | (Tip.routed_to.is_(None) & Tip.category.in_(cats)))
    if f["since"]:
        # Days are Suzhou calendar days; the column holds UTC instants.
        q = q.where(Tip.submitted_at >= datetime.combine(f["since"], time.min, tzinfo=clock.site_zone()))
    if f["until"]:
        q = q.where(Tip.submitted_at < datetime.combine(f["until"] + timedelta(days=1), time.min, tzinfo=clock.site_zone()))
    page = max(1, request.args.get("page", 1, type=int))
    tips = db.session.scalars(q.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    policy = current_app.extensions["cleanair_tip_policy"]
    now = service.now()
    return render_template(
        "staff/queue.html",
        tips=tips[:PAGE_SIZE],
        more=len(tips) > PAGE_SIZE,
        page=page,
        filters=f,
        plan=plan(),
        categories=service.categories(active_only=False),
        states=st.STATES,
        reward_states=st.REWARD_STATES,
        masked={t.id: service.masked_contact(t) for t in tips[:PAGE_SIZE]},
        # Age and response deadline of each tip (TIPS_RESPONSE_DAYS), judged now.
        due={t.id: response_due(t.submitted_at, t.first_action_at, now, policy.response_days) for t in tips[:PAGE_SIZE]},
        ages={t.id: now - t.submitted_at for t in tips[:PAGE_SIZE]},
        response_days=policy.response_days,
        codes=codes,
        staff=current_staff(),
        pager_args={k: v for k, v in request.args.items() if k != "page" and v},
    )


def _tip(tip_id: int) -> Tip:
    tip = db.session.get(Tip, tip_id)
    if tip is None:
        abort(404)
    return tip


@bp.route("/tips/<int:tip_id>")
@login_required
def detail(tip_id: int):
    tip = _tip(tip_id)
    staff = current_staff()
    cat = service.category(tip.category)
    reveal = request.args.get("reveal") == "1"
    contact = service.contact_details(tip, staff.username) if reveal else service.masked_contact(tip)
    duplicates = service.find_duplicates(tip.category, tip.lat, tip.lon, tip.district, tip.address, tip.occurred_at, exclude_id=tip.id)
    return render_template(
        "staff/detail.html",
        tip=tip,
        code=codes.grouped(tip.code),
        category=cat,
        bodies=suggested_bodies(cat, plan()) if cat else [],
        plan=plan(),
        contact=contact,
        revealed=reveal,
        duplicates=[(t, d) for t, d in duplicates if (t.cluster_id or t.id) != (tip.cluster_id or tip.id)],
        cluster=service.cluster_members(tip),
        cluster_codes=_cluster_codes(tip),
        next_states=st.allowed_next(tip.status),
        next_rewards=st.allowed_reward_next(tip.reward_status),
        reasons=st.REJECTION_REASONS,
        staff=staff,
        codes=codes,
    )


def _cluster_codes(tip: Tip) -> dict[int, str]:
    """Tip id -> grouped code for the clusters named in the audit log (it stores ids)."""
    ids = {int(v) for e in tip.events if e.action == "cluster" for v in (e.from_value, e.to_value) if v and v.isdigit()}
    if not ids:
        return {}
    return {t.id: codes.grouped(t.code) for t in db.session.scalars(select(Tip).where(Tip.id.in_(ids)))}


@bp.route("/tips/<int:tip_id>/action", methods=["POST"])
@login_required
def action(tip_id: int):
    tip = _tip(tip_id)
    staff = current_staff()
    kind = request.form.get("kind")
    note = (request.form.get("note") or "").strip()[:2000]
    try:
        if kind == "status":
            service.change_status(tip, staff.username, request.form.get("to", ""), request.form.get("reason") or None, note)
        elif kind == "reward":
            service.change_reward(tip, staff.username, request.form.get("to", ""), note)
        elif kind == "route":
            service.route(tip, staff.username, request.form.get("body", ""), note)
        elif kind == "note":
            if not note:
                raise st.TransitionError(_("Write a note first."))
            service.add_note(tip, staff.username, note)
        elif kind == "merge":
            other = service.get_by_code(request.form.get("into", ""))
            if other is None:
                raise st.TransitionError(_("No tip has that code."))
            service.merge(tip, other, staff.username, note)
        else:
            abort(400)
    except st.TransitionError as exc:
        db.session.rollback()
        flash(transition_error_text(exc), "error")
        return redirect(url_for("staff.detail", tip_id=tip.id), 303)
    flash(_("Saved."), "ok")
    return redirect(url_for("staff.detail", tip_id=tip.id), 303)


@bp.route("/tips/<int:tip_id>/redact", methods=["POST"])
@admin_required
def redact(tip_id: int):
    tip = _tip(tip_id)
    service.redact(
        tip,
        current_staff().username,
        (request.form.get("description") or "")[:2000],
        (request.form.get("polluter") or "")[:200],
        (request.form.get("note") or "")[:2000],
    )
    flash(_("Saved."), "ok")
    return redirect(url_for("staff.detail", tip_id=tip.id), 303)


@bp.route("/tips/<int:tip_id>/photos/<int:photo_id>")
@login_required
def photo(tip_id: int, photo_id: int):
    tip = _tip(tip_id)
    match = next((p for p in tip.photos if p.id == photo_id), None)
    if match is None:
        abort(404)
    data = service.runtime().storage.load(match.storage_key)
    resp = Response(data, content_type=match.content_type)
    resp.headers["Content-Disposition"] = "inline"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.route("/export.csv")
@login_required
def export():
    personal = request.args.get("personal") == "1"
    staff = current_staff()
    if personal and staff.role != "admin":
        abort(403)
    fields = service.EXPORT_FIELDS + (service.PERSONAL_FIELDS if personal else ())
    rows = service.export_rows(include_personal=personal, actor=staff.username)
    resp = Response(to_csv(rows, [Column(f, "string", f, f) for f in fields]), content_type="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = 'attachment; filename="tips.csv"'
    return resp
