"""Staff screens of the progress loop (/staff/progress…): draft, revise, publish, send back.

Every route here is behind the staff login and the desk guard (`guards.require_login`: editor,
publisher, admin); publishing and sending back need `publisher_required`. The rules themselves
(who may draft what, states, evidence) are in `cleanair.domain.progress` and enforced by
`cleanair.progress.service`, whatever screen or command calls it.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ..domain import progress as dp
from ..domain.evidence import CleanFile, EvidenceRejected, sanitise_evidence
from ..domain.plan import PERIODS
from ..i18n import pick
from ..progress import service as svc
from ..progress.forms import ReportForm, ValueForm
from ..services import plan
from ..templating import period_label
from . import bp
from .guards import current_staff, publisher_required

KINDS = {"report": svc.REPORT, "value": svc.VALUE}

ERRORS = {
    "task": _l("Choose one of the plan's 56 tasks."),
    "district": _l("Choose a district from the list, or leave it empty for the city as a whole."),
    "status": _l("Choose a status."),
    "as_of": _l("Give the day the source speaks for (YYYY-MM-DD)."),
    "as_of_future": _l("The as-of day cannot be in the future."),
    "source_url": _l("The source address must start with http:// or https://."),
    "source_title": _l("Name the source (its title as published): in progress and done need evidence."),
    "source_url_or_doc_no": _l("Give the source's web address or its document number (文号): in progress and done need evidence."),
    "source_date_future": _l("The date of the source cannot be in the future."),
    "target": _l("Choose one of the plan's targets."),
    "value": _l("The value must be a number."),
    "date": _l("Give the last day the value covers (YYYY-MM-DD)."),
    "date_future": _l("A value cannot cover days in the future."),
    "period": _l("Choose what span the value covers."),
    "source_date": _l("Write the date of the source as YYYY-MM-DD."),
    "attachment": _l("The evidence file must be a PDF or an image (JPEG, PNG, WebP, HEIC) that can be read."),
    "attachment_encrypted": _l("The PDF is password-protected; attach a copy without a password."),
    "attachment_pages": _l("The PDF has too many pages; attach the relevant part."),
    "attachment_size": _l("The evidence file is too large."),
}


def _user():
    return current_staff()


def _record(kind: str, record_id: int) -> Any:
    record = svc.get(kind, record_id)
    if record is None or not svc.may_view(_user(), kind, record):
        abort(404)
    return record


def _detail_url(kind: str, record_id: int) -> str:
    return url_for("staff.progress_detail" if kind == svc.REPORT else "staff.progress_value_detail", record_id=record_id)


# --- choices ------------------------------------------------------------------------------


def _fill_choices(form: Any, kind: str) -> None:
    p, user = plan(), _user()
    bodies = svc.bodies_of(user)
    if kind == svc.REPORT:
        form.task.choices = [SelectChoice("", _("Choose a task"))] + [
            SelectChoice(str(t.number), f"{t.number}. {pick(t.heading_zh, t.heading_en)}")
            for t in p.tasks if dp.may_draft(user.role, bodies, p, t)]
        form.district.choices = [SelectChoice("", _("City as a whole"))] + [
            SelectChoice(d.slug, pick(d.name_zh, d.name_en)) for d in p.districts]
        form.status.choices = [SelectChoice(s, str(STATUS_WORDS[s])) for s in dp.STATUSES]
        # Anything else posted is judged by the service (403 for a task outside the body's remit).
        for f in (form.task, form.district, form.status):
            f.validate_choice = False
    else:
        form.target.choices = [SelectChoice("", _("Choose a target"))] + [
            SelectChoice(t.slug, pick(t.title_zh, t.title_en)) for t in p.targets
            if dp.may_draft_value(user.role, bodies, p, t.slug)]
        form.period.choices = [SelectChoice(v, period_label(v)) for v in PERIODS]
        form.target.validate_choice = False
        form.period.validate_choice = False


STATUS_WORDS = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "done": _l("Done")}


def _attachment(form: ReportForm, errors: list[str]) -> CleanFile | None:
    file = request.files.get("attachment")
    if file is None or not file.filename:
        return None
    limit = int(current_app.config.get("PROGRESS_MAX_FILE_BYTES", 20 * 1024 * 1024))
    raw = file.read(limit + 1)
    if len(raw) > limit:
        errors.append("attachment_size")
        return None
    try:
        return sanitise_evidence(raw)
    except EvidenceRejected as exc:
        errors.append({"encrypted": "attachment_encrypted", "too_many_pages": "attachment_pages"}.get(exc.code, "attachment"))
        return None


def _form_errors(form: Any) -> list[str]:
    """WTForms errors (CSRF, lengths, required fields) as messages."""
    out = []
    for name, messages in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        for m in messages:
            out.append(f"{label.text}: {m}" if label is not None else str(m))
    return out


def _render_form(kind: str, form: Any, errors: list[str], record: Any = None, status: int = 200):
    messages = list(dict.fromkeys(str(ERRORS.get(e, e)) for e in errors))
    return render_template("staff/progress_form.html", kind=kind, form=form, errors=messages, record=record,
                           staff=_user(), plan=plan(), bodies=svc.bodies_of(_user())), status


def _save(kind: str, record: Any = None):
    """Create (record None) or revise a draft from the posted form; 303 to its page."""
    form = (ReportForm if kind == svc.REPORT else ValueForm)()
    _fill_choices(form, kind)
    if request.method == "GET":
        if record is not None:
            _prefill(form, kind, record)
        form.submission_key.data = secrets.token_urlsafe(24)
        return _render_form(kind, form, [], record)
    if not form.validate():
        return _render_form(kind, form, _form_errors(form), record, 400)
    data = form.to_input()
    errors = list(form.bad_dates)  # field names double as error codes (as_of, date, source_date)
    clean = _attachment(form, errors) if kind == svc.REPORT else None
    try:
        if errors:
            # The permission question comes first: an editor outside the task's bodies gets 403.
            (svc.check_report if kind == svc.REPORT else svc.check_value)(_user(), data)  # type: ignore[arg-type]
            raise svc.Invalid([])
        if record is None:
            key = (form.submission_key.data or "").strip() or secrets.token_urlsafe(24)
            record, _created = svc.create(kind, _user(), data, key, clean)
            flash(_("Draft saved. The plan office will review it."), "ok")
        else:
            svc.update(kind, _user(), record, data, clean)
            flash(_("Draft revised and sent to the plan office again."), "ok")
    except svc.NotAllowed:
        abort(403, _("Your body has no role in this task, so you cannot report on it."))
    except svc.Invalid as exc:
        return _render_form(kind, form, errors + exc.errors, record, 400)
    return redirect(_detail_url(kind, record.id), 303)


def _prefill(form: Any, kind: str, r: Any) -> None:
    common = ("source_title", "source_url", "source_issuer", "republished_by", "note")
    for name in common:
        getattr(form, name).data = getattr(r, name)
    form.source_date.data = r.source_date.isoformat() if r.source_date else ""
    if kind == svc.REPORT:
        form.task.data, form.district.data, form.status.data = str(r.task), r.district or "", r.status
        form.as_of.data, form.source_doc_no.data = r.as_of.isoformat(), r.source_doc_no
    else:
        form.target.data, form.value.data, form.period.data = r.target, f"{r.value:g}", r.period
        form.date.data = r.date.isoformat()


# --- routes -------------------------------------------------------------------------------


@bp.route("/progress/")
def progress_list():
    user = _user()
    return render_template("staff/progress_list.html", staff=user, plan=plan(), open_records=svc.open_records(user),
                           bodies=svc.bodies_of(user), can_publish=dp.can_publish(user.role),
                           recent=svc.latest_published(15))


@bp.route("/progress/new", methods=["GET", "POST"])
def progress_new():
    return _save(svc.REPORT)


@bp.route("/progress/values/new", methods=["GET", "POST"])
def progress_value_new():
    return _save(svc.VALUE)


def detail(record_id: int, kind: str):
    record = _record(kind, record_id)
    user = _user()
    return render_template("staff/progress_detail.html", kind=kind, record=record, staff=user, plan=plan(),
                           events=svc.events(kind, record.id), may_edit=svc.may_edit(user, kind, record),
                           can_publish=dp.can_publish(user.role) and record.state == dp.DRAFT,
                           may_discard=record.state in dp.OPEN_STATES and (svc.may_edit(user, kind, record) or dp.can_publish(user.role)),
                           status_words=STATUS_WORDS)


def edit(record_id: int, kind: str):
    record = _record(kind, record_id)
    if not svc.may_edit(_user(), kind, record):
        abort(403, _("This record can no longer be edited, or not by this account."))
    return _save(kind, record)


@publisher_required
def publish(record_id: int, kind: str):
    record = _record(kind, record_id)
    try:
        svc.publish(kind, _user(), record)
    except dp.TransitionError:
        flash(_("Only a draft can be published."), "error")
        return redirect(_detail_url(kind, record.id), 303)
    except svc.Invalid as exc:
        flash(_("Not published: %(why)s", why="; ".join(str(ERRORS.get(e, e)) for e in exc.errors)), "error")
        return redirect(_detail_url(kind, record.id), 303)
    flash(_("Published. It is now on the public pages, in the change history and in the feeds."), "ok")
    return redirect(_detail_url(kind, record.id), 303)


@publisher_required
def send_back(record_id: int, kind: str):
    record = _record(kind, record_id)
    try:
        svc.send_back(kind, _user(), record, (request.form.get("reason") or "")[:2000])
    except dp.TransitionError:
        flash(_("Sending back needs a reason, and only a draft can be sent back."), "error")
        return redirect(_detail_url(kind, record.id), 303)
    flash(_("Sent back to the body with your reason."), "ok")
    return redirect(_detail_url(kind, record.id), 303)


def discard(record_id: int, kind: str):
    record = _record(kind, record_id)
    try:
        svc.discard(kind, _user(), record, (request.form.get("reason") or "")[:2000])
    except svc.NotAllowed:
        abort(403)
    except dp.TransitionError:
        flash(_("Only an open draft can be discarded."), "error")
        return redirect(_detail_url(kind, record.id), 303)
    flash(_("Draft discarded. It stays in the audit log."), "ok")
    return redirect(url_for("staff.progress_list"), 303)


for _kind, _prefix, _name in ((svc.REPORT, "/progress", "progress"), (svc.VALUE, "/progress/values", "progress_value")):
    _d = {"kind": _kind}
    bp.add_url_rule(f"{_prefix}/<id:record_id>", f"{_name}_detail", detail, defaults=_d)
    bp.add_url_rule(f"{_prefix}/<id:record_id>/edit", f"{_name}_edit", edit, defaults=_d, methods=["GET", "POST"])
    bp.add_url_rule(f"{_prefix}/<id:record_id>/publish", f"{_name}_publish", publish, defaults=_d, methods=["POST"])
    bp.add_url_rule(f"{_prefix}/<id:record_id>/return", f"{_name}_return", send_back, defaults=_d, methods=["POST"])
    bp.add_url_rule(f"{_prefix}/<id:record_id>/discard", f"{_name}_discard", discard, defaults=_d, methods=["POST"])


@bp.route("/progress/<id:record_id>/file")
def progress_file(record_id: int):
    """A draft's evidence file, for staff who may see the draft (published ones are public)."""
    record = _record(svc.REPORT, record_id)
    if not record.attachment_key:
        abort(404)
    resp = Response(svc.runtime().storage.load(record.attachment_key), content_type=record.attachment_type)
    resp.headers["Content-Disposition"] = "inline"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
