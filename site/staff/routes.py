"""Staff desk views: login, queue, tip detail, actions, photos, export."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from .. import clock
from ..domain.opendata import iter_csv
from ..domain.tips import codes
from ..domain.tips import states as st
from ..domain.tips.categories import suggested_bodies
from ..domain.tips.policy import response_due
from ..extensions import db
from ..links import kept_args, safe_next
from ..ratelimits import limited_post
from ..report import service
from ..report.models import Tip
from ..services import plan
from . import audit, bp, sessions, throttle
from .auth import MIN_PASSWORD, AccountError, authenticate, set_password
from .guards import (
    admin_required,
    current_session,
    current_staff,
    login_limit,
    login_required,
)
from .labels import transition_error_text

PAGE_SIZE = 50


def _safe_next(target: str | None) -> str:
    """A staff page to return to after signing in (never another site, never a CR/LF)."""
    path = safe_next(target, "", prefix="/staff")
    # request.script_root keeps the /en prefix of the page that asked to sign in.
    return request.script_root + path if path else url_for("staff.queue")


@bp.route("/login", methods=["GET", "POST"])
@limited_post(login_limit)
def login():
    """One answer for an unknown name and a wrong password; repeated failures for one name from
    one address make the next attempt wait longer and longer (cleanair.staff.throttle)."""
    if request.method != "POST":
        return render_template("staff/login.html", error=None)
    cfg = current_app.config
    username = (request.form.get("username") or "")[:80]
    password = (request.form.get("password") or "")[:200]
    address = audit.client_address()
    wait = throttle.wait_seconds(username, address)
    if wait:
        audit.record("login_throttled", username)
        error = ngettext("Too many failed sign-ins with this name from your connection. Try again in %(num)d second.",
                         "Too many failed sign-ins with this name from your connection. Try again in %(num)d seconds.", wait)
        return render_template("staff/login.html", error=error), 429, {"Retry-After": str(wait)}
    user = authenticate(username, password)
    if user is None:
        throttle.record_failure(username, address, int(cfg["STAFF_LOGIN_FREE_FAILURES"]),
                                int(cfg["STAFF_LOGIN_DELAY_SECONDS"]), int(cfg["STAFF_LOGIN_MAX_DELAY_SECONDS"]))
        audit.record("login_failed", username)
        return render_template("staff/login.html", error=_("Wrong username or password.")), 401
    throttle.clear(username, address)
    sessions.start(user)
    audit.record("login", user.username)  # commits the session, the login time and the event
    return redirect(_safe_next(request.args.get("next")), 303)


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends the session on the server: a copy of the cookie opens nothing afterwards."""
    user = current_staff()
    sessions.end_current("logout")
    audit.record("logout", user.username if user else "")
    return redirect(url_for("staff.login"), 303)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """Change one's own password; every other session of the account ends."""
    staff = current_staff()
    error = None
    if request.method == "POST":
        current_pw = (request.form.get("current") or "")[:200]
        new_pw = (request.form.get("new") or "")[:200]
        if authenticate(staff.username, current_pw) is None:
            error = _("The current password is not right.")
        elif new_pw != (request.form.get("confirm") or "")[:200]:
            error = _("The two new passwords differ.")
        else:
            try:
                ended = set_password(staff, new_pw, keep=current_session())
            except AccountError:
                error = _("The new password must have at least %(n)d characters.", n=MIN_PASSWORD)
            else:
                flash(ngettext("Password changed. %(num)d other session was ended.",
                               "Password changed. %(num)d other sessions were ended.", ended), "ok")
                return redirect(url_for("staff.account"), 303)
        db.session.rollback()
    return render_template("staff/account.html", staff=staff, error=error), (400 if error else 200)


AUDIT_PAGE = 100


@bp.route("/audit")
@admin_required
def audit_log():
    """The desk's own audit log (sign-ins, failed ones too, sign-outs, exports, account changes)."""
    page = _page_number()
    events = audit.recent(AUDIT_PAGE + 1, (page - 1) * AUDIT_PAGE)
    return render_template("staff/audit.html", events=events[:AUDIT_PAGE], more=len(events) > AUDIT_PAGE,
                           page=page, staff=current_staff())


MAX_PAGE = 100_000
FILTER_KEYS = ("status", "category", "district", "body", "since", "until", "reward")


def _page_number() -> int:
    """`?page=` as a whole number from 1 to MAX_PAGE; anything else is a 400 that says so."""
    raw = (request.args.get("page") or "1").strip()
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE):
        abort(400, _("There is no page “%(page)s”: pages are numbered from 1.", page=raw[:20]))
    return int(raw)


def _day_start(day: date) -> datetime:
    """The instant a Suzhou calendar day begins (400 for a day no instant can hold)."""
    try:
        return datetime.combine(day, time.min, tzinfo=clock.site_zone()).astimezone(UTC)
    except OverflowError:
        abort(400, _("The date %(day)s is out of range.", day=day.isoformat()))


def _filters() -> dict:
    args = request.args
    out = {k: (args.get(k) or "").strip()[:60] for k in FILTER_KEYS}
    for k in ("since", "until"):
        try:
            out[k] = date.fromisoformat(out[k]) if out[k] else None
        except ValueError:
            abort(400, _("“%(value)s” is not a date: use YYYY-MM-DD.", value=out[k]))
    return out


@bp.route("/")
@login_required
def queue():
    f = _filters()
    page = _page_number()
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
    # Days are Suzhou calendar days; the column holds UTC instants.
    if f["since"]:
        q = q.where(Tip.submitted_at >= _day_start(f["since"]))
    if f["until"]:
        if f["until"] < date.max:
            q = q.where(Tip.submitted_at < _day_start(f["until"] + timedelta(days=1)))
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
        pager_args=kept_args("page"),
    )


def _tip(tip_id: int) -> Tip:
    tip = db.session.get(Tip, tip_id)
    if tip is None:
        abort(404)
    return tip


@bp.route("/tips/<id:tip_id>")
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


@bp.route("/tips/<id:tip_id>/action", methods=["POST"])
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
    except st.TwoPersonRuleError:
        db.session.rollback()
        flash(_("You approved this reward, so another staff member must confirm the payment."), "error")
        return redirect(url_for("staff.detail", tip_id=tip.id), 303)
    except st.TransitionError as exc:
        db.session.rollback()
        flash(transition_error_text(exc), "error")
        return redirect(url_for("staff.detail", tip_id=tip.id), 303)
    flash(_("Saved."), "ok")
    return redirect(url_for("staff.detail", tip_id=tip.id), 303)


@bp.route("/tips/<id:tip_id>/redact", methods=["POST"])
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


@bp.route("/tips/<id:tip_id>/photos/<id:photo_id>")
@login_required
def photo(tip_id: int, photo_id: int):
    tip = _tip(tip_id)
    match = next((p for p in tip.photos if p.id == photo_id), None)
    if match is None:
        abort(404)
    data = service.runtime().storage.load(match.storage_key)
    service.photo_viewed(tip, current_staff().username, match.id)  # a photo may show a face or a plate
    resp = Response(data, content_type=match.content_type)
    resp.headers["Content-Disposition"] = "inline"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@bp.route("/export.csv")
@login_required
def export():
    """Every tip as CSV, streamed. Personal data (name, phone, typed address, exact point) only
    for admins with ?personal=1, recorded in the desk's audit log and in each tip's log."""
    personal = request.args.get("personal") == "1"
    staff = current_staff()
    if personal and staff.role != "admin":
        abort(403)
    if personal:
        count = service.record_personal_export(staff.username)
        audit.record("export_personal", staff.username, f"{count} tips with personal data")
    else:
        audit.record("export", staff.username)
    columns = service.EXPORT_COLUMNS + (service.PERSONAL_COLUMNS if personal else ())
    body = stream_with_context(iter_csv(service.export_rows(include_personal=personal), columns))
    resp = Response(body, content_type="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = 'attachment; filename="tips.csv"'
    return resp


@bp.app_template_global()
def staff_audit_label(action: str) -> str:
    labels = {
        "login": _("Signed in"),
        "login_failed": _("Failed sign-in"),
        "login_throttled": _("Sign-in refused: too many failures"),
        "logout": _("Signed out"),
        "password_changed": _("Password changed"),
        "account_disabled": _("Account disabled"),
        "export": _("Exported the tips (no personal data)"),
        "export_personal": _("Exported the tips with personal data"),
    }
    return labels.get(action, action)
