"""Words for the codes the staff desk stores (roles, audit actions and values, errors).

The audit log keeps codes (`citizen`, `submitted`, `reward_paid`, `[out_of_scope] …`) so it
stays stable and searchable; these helpers turn them into the reader's language on screen.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import ngettext

from ..domain.plan import ROLE_NAMES
from ..domain.tips import states as st
from ..i18n import pick
from ..report.routes import tip_action_label, tip_reason_label, tip_state_label
from ..services import plan
from . import bp

_TIP_STATE_CODES = frozenset({*st.STATES, *st.REWARD_STATES, "anonymous", "real_name"})
_REASON_PREFIX = re.compile(r"^\[([a-z_]+)\] ?")
_RETENTION = re.compile(r"^retention (\d+) days$")


@bp.app_template_global()
def staff_role_label(role: str) -> str:
    labels = {"reviewer": _("Reviewer"), "admin": _("Administrator"), "editor": _("Editor"),
              "publisher": _("Publisher (plan office)")}
    return labels.get(role, role)


@bp.app_template_global()
def plan_role_label(role: str) -> str:
    """A body's role in a plan task (牵头, 配合, …): the plan's own words, as on the public pages."""
    names = ROLE_NAMES.get(role)
    return pick(*names) if names else role


@bp.app_template_global()
def location_source_label(source: str | None) -> str:
    labels = {"map": _("picked on the map"), "device": _("from the phone's location"), "none": _("no point given")}
    return labels.get(source or "none", source or "")


@bp.app_template_global()
def audit_actor_label(actor: str) -> str:
    """`citizen` and `system` are roles, anything else is a staff member's user name."""
    return {"citizen": _("Citizen"), "system": _("System")}.get(actor, actor)


@bp.app_template_global()
def audit_action_label(action: str) -> str:
    return tip_action_label(action)


@bp.app_template_global()
def audit_value_label(action: str, value: str | None, cluster_codes: dict[int, str] | None = None) -> str:
    """A from/to value of the audit log in words: a state, a body's name, a tip code."""
    if not value:
        return ""
    if value in _TIP_STATE_CODES:
        return tip_state_label(value)
    if action == "routed":
        body = plan().department(value)
        return pick(body.name_zh, body.name_en) if body else value
    if action == "cluster" and value.isdigit():
        return (cluster_codes or {}).get(int(value), value)
    return value


@bp.app_template_global()
def audit_note_label(action: str, note: str | None) -> str:
    """Notes the desk itself writes: "[reason] …" on a rejection, the retention period on a purge."""
    note = note or ""
    if action == "status" and (m := _REASON_PREFIX.match(note)) and m.group(1) in st.REJECTION_REASONS:
        rest = note[m.end():]
        return tip_reason_label(m.group(1)) + (f" — {rest}" if rest else "")
    if action == "personal_data_purged" and (m := _RETENTION.match(note)):
        days = int(m.group(1))
        return ngettext("retention period: %(num)s day", "retention period: %(num)s days", days)
    return note


def transition_error_text(exc: st.TransitionError) -> str:
    """A refused action in the reader's language, with states and bodies in words."""
    params = {key: audit_value_label("routed" if key == "body" else "", value) or "—"
              for key, value in exc.params.items()}
    return _(exc.message, **params)
