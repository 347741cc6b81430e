"""Staff desk: heavy-pollution alerts, recorded by the plan office (`publisher`) or an `admin`.

Thin views over the air capability's alert service (cleanair.air.alerts), which keeps the rules;
times typed here are Suzhou time (datetime-local inputs carry no zone).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..air import alerts
from ..air.service import now
from ..domain.air import alerts as rules
from . import bp
from .guards import current_staff, publisher_required

FIELDS = ("level", "start", "end", "issuer", "title", "url")


def _parse(form) -> tuple[dict, dict[str, str]]:
    values = {k: (form.get(k) or "").strip() for k in FIELDS}
    problems: dict[str, str] = {}
    parsed = {}
    for key in ("start", "end"):
        parsed[key] = None
        if values[key]:
            try:
                parsed[key] = rules.parse_instant(values[key])
            except ValueError:
                problems[key] = _("Write a date and time, e.g. 2026-12-01 20:00 (Suzhou time).")
    return {**values, **{f"{k}_at": v for k, v in parsed.items()}}, problems


def _page(values: dict | None = None, problems: dict[str, str] | None = None, status: int = 200):
    current = now()
    return render_template("staff/alerts.html", rows=[alerts.record(a, current) for a in alerts.all_alerts()],
                           levels=rules.LEVELS, values=values or {}, problems=problems or {},
                           staff=current_staff()), status


@bp.route("/alerts")
@publisher_required
def alerts_desk():
    return _page()


@bp.route("/alerts", methods=["POST"])
@publisher_required
def alerts_issue():
    values, problems = _parse(request.form)
    checked = rules.check(values["level"], values["start_at"], values["end_at"], values["issuer"], values["title"],
                          values["url"])
    problems = {**{k: _field_message(k) for k in checked}, **problems}
    if not problems:
        a = alerts.issue(values["level"], values["start_at"], values["end_at"], values["issuer"], values["title"],
                         values["url"], current_staff().username)
        flash(_("Alert %(n)s recorded. It shows on every public page while it is in force.", n=a.id), "ok")
        return redirect(url_for("staff.alerts_desk"), 303)
    # Nothing is lost: the form comes back with what was typed and what to fix.
    return _page(values, problems, 400)


@bp.route("/alerts/<id:alert_id>/end", methods=["POST"])
@publisher_required
def alerts_end(alert_id: int):
    raw = (request.form.get("at") or "").strip()
    try:
        at = rules.parse_instant(raw)
        a = alerts.end(alert_id, at, current_staff().username)
    except LookupError:
        flash(_("No such alert."), "error")
    except (ValueError, rules.AlertInputError):
        flash(_("Alert %(n)s not changed: the end must be a date and time after its start, and the alert must still be open.", n=alert_id), "error")
    else:
        flash(_("Alert %(n)s ended.", n=a.id), "ok")
    return redirect(url_for("staff.alerts_desk"), 303)


def _field_message(key: str) -> str:
    return {
        "level": _("Choose a level."),
        "start": _("Write when the alert takes effect."),
        "end": _("The end must be after the start."),
        "issuer": _("Write the issuing body (at most 200 characters)."),
        "title": _("Write the document's title (at most 500 characters)."),
        "url": _("Give the http(s) address of the issuing document."),
    }.get(key, _("Check this field."))
