"""Staff forms of the progress loop. Field names are a contract (docs/progress.md; tests post to them)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..domain import progress as dp
from ..domain.plan import PERIODS
from . import service as svc

TEXT = 500
NOTE = 4000


class _Source(FlaskForm):
    class Meta:
        locales = False

    source_title = StringField(_l("Source: title as published"), validators=[Optional(), Length(max=TEXT)])
    source_url = StringField(_l("Source: web address (http:// or https://)"), validators=[Optional(), Length(max=1000)])
    source_issuer = StringField(_l("Issued by"), validators=[Optional(), Length(max=200)])
    source_date = StringField(_l("Date of the source (YYYY-MM-DD)"), validators=[Optional(), Length(max=10)])
    republished_by = StringField(_l("If the address is a republication (news site, forum …): republished by"),
                                 validators=[Optional(), Length(max=200)])
    note = TextAreaField(_l("Note: what the source says"), validators=[Optional(), Length(max=NOTE)])
    submission_key = HiddenField(validators=[Optional(), Length(max=64)])

    bad_dates: list[str]

    def day(self, field) -> date | None:
        raw = (field.data or "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.bad_dates.append(field.name)
            return None


class ReportForm(_Source):
    task = SelectField(_l("Task"), validators=[InputRequired()])
    district = SelectField(_l("District"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[InputRequired()])
    as_of = StringField(_l("As of (YYYY-MM-DD): the day the source speaks for"), validators=[InputRequired(), Length(max=10)])
    source_doc_no = StringField(_l("Document number (文号), if any"), validators=[Optional(), Length(max=120)])
    attachment = FileField(_l("Evidence file (PDF or image, optional)"))

    def to_input(self) -> svc.ReportInput:
        self.bad_dates = []
        task = (self.task.data or "").strip()
        return svc.ReportInput(
            task=int(task) if task.isdigit() else None, district=(self.district.data or "").strip() or None,
            status=self.status.data or "", as_of=self.day(self.as_of), source_title=self.source_title.data or "",
            source_url=(self.source_url.data or "").strip(), source_doc_no=self.source_doc_no.data or "",
            source_issuer=self.source_issuer.data or "", source_date=self.day(self.source_date),
            republished_by=self.republished_by.data or "", note=self.note.data or "")


class ValueForm(_Source):
    target = SelectField(_l("Target"), validators=[InputRequired()])
    value = StringField(_l("Value (in the target's unit)"), validators=[InputRequired(), Length(max=30)])
    date = StringField(_l("Last day the value covers (YYYY-MM-DD)"), validators=[InputRequired(), Length(max=10)])
    period = SelectField(_l("Period"), validators=[InputRequired()], choices=[SelectChoice(p, p) for p in PERIODS])

    def to_input(self) -> svc.ValueInput:
        self.bad_dates = []
        try:
            value: float | None = float((self.value.data or "").strip())
            if value != value or value in (float("inf"), float("-inf")):
                value = None
        except ValueError:
            value = None
        return svc.ValueInput(
            target=self.target.data or "", value=value, date=self.day(self.date), period=self.period.data or "",
            source_title=self.source_title.data or "", source_url=(self.source_url.data or "").strip(),
            source_issuer=self.source_issuer.data or "", source_date=self.day(self.source_date),
            republished_by=self.republished_by.data or "", note=self.note.data or "")


STATUS_CHOICES = dp.STATUSES
