"""The tip form. Field names are a contract (integrations and tests post to them)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from .. import clock
from ..domain.tips import geo
from ..domain.tips.privacy import normalise_mobile, valid_pin, weak_pin

DESCRIPTION_MAX = 2000
MAX_AGE = timedelta(days=365)
CLOCK_SKEW = timedelta(minutes=10)


class ReportForm(FlaskForm):
    class Meta:
        locales = False

    category = SelectField(_l("What did you see?"), validators=[InputRequired(_l("Choose what you are reporting."))])
    district = SelectField(_l("District"), validators=[Optional()])
    address = StringField(_l("Address or landmark"), validators=[Optional(), Length(max=200, message=_l("Please keep this under %(max)d characters."))])
    lat = StringField(_l("Latitude"), validators=[Optional(), Length(max=20)])
    lon = StringField(_l("Longitude"), validators=[Optional(), Length(max=20)])
    location_source = HiddenField(validators=[Optional(), Length(max=12)])
    occurred_at = StringField(_l("When did it happen?"), validators=[InputRequired(_l("Give the date and time.")), Length(max=20)])
    description = TextAreaField(
        _l("What is happening?"),
        validators=[
            InputRequired(_l("Describe what you saw.")),
            Length(min=5, max=DESCRIPTION_MAX, message=_l("The description must be between %(min)d and %(max)d characters.")),
        ],
    )
    polluter = StringField(_l("Name of the polluter, if known"), validators=[Optional(), Length(max=200, message=_l("Please keep this under %(max)d characters."))])
    photos = MultipleFileField(_l("Photos (optional)"))
    identity = RadioField(
        _l("Who are you?"),
        choices=[
            SelectChoice("anonymous", _l("Anonymous (no reward)")),
            SelectChoice("real_name", _l("With my name and mobile number (reward possible)")),
        ],
        default="anonymous",
        validators=[InputRequired(_l("Choose anonymous or real-name."))],
    )
    claim_pin = StringField(_l("Claim PIN (optional, 6 digits)"), validators=[Optional(), Length(max=6, message=_l("The PIN has exactly 6 digits."))])
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=50, message=_l("Please keep this under %(max)d characters."))])
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=20, message=_l("Enter an 11-digit mainland mobile number."))])
    not_staff = BooleanField(_l("I am not staff of an environmental or enforcement agency, nor a close relative of such staff."))
    consent = BooleanField(_l("I have read the privacy notice and agree that my report is processed as it describes."))
    # Never shown to people; bots fill every field they find.
    website = StringField(validators=[Optional(), Length(max=200)])
    submission_key = HiddenField(validators=[Optional(), Length(max=64)])
    confirm_duplicates = HiddenField(validators=[Optional(), Length(max=1)])

    # Filled by validate(): the parsed values the service needs.
    parsed_occurred_at: datetime | None = None
    parsed_lat: float | None = None
    parsed_lon: float | None = None
    parsed_phone: str | None = None

    def clip_to_limits(self) -> None:
        """What the form shows back is never longer than its field allows: a person cannot type
        more (the inputs carry maxlength), and a bot's 50 MB description is not sent back."""
        for field in self:
            limits = [v.max for v in field.validators if isinstance(v, Length) and v.max is not None and v.max >= 0]
            if limits and isinstance(field.data, str) and len(field.data) > min(limits):
                field.data = field.data[: min(limits)]

    def validate_occurred_at(self, field) -> None:
        try:
            # The form asks for Suzhou time; stored as an instant (docs/time.md). A browser without
            # a date picker sends what was typed: "2026-11-30 14:30" is accepted as well.
            typed = " ".join(field.data.strip().replace("T", " ").replace("/", "-").split())
            value = clock.from_local(datetime.strptime(typed, "%Y-%m-%d %H:%M"))
        except (ValueError, AttributeError) as exc:
            raise ValidationError(_l("Use the format YYYY-MM-DD HH:MM.")) from exc
        from .service import now

        current = now()
        if value > current + CLOCK_SKEW:
            raise ValidationError(_l("The time cannot be in the future."))
        if value < current - MAX_AGE:
            raise ValidationError(_l("Tips must be about the last 12 months."))
        self.parsed_occurred_at = value

    def validate_claim_pin(self, field) -> None:
        if field.data:
            if not valid_pin(field.data):
                raise ValidationError(_l("The PIN has exactly 6 digits."))
            if weak_pin(field.data):
                raise ValidationError(_l("Choose a PIN that is harder to guess."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Place: a point (map or device) inside Suzhou, or a district plus an address.
        lat_raw, lon_raw = (self.lat.data or "").strip(), (self.lon.data or "").strip()
        if lat_raw or lon_raw:
            try:
                lat, lon = float(lat_raw), float(lon_raw)
            except ValueError:
                self.lat.errors.append(_l("The map point is not valid; pick it again or use district and address."))
                ok = False
            else:
                if not geo.in_suzhou(lat, lon):
                    self.lat.errors.append(_l("The point is outside Suzhou. Pick a place in Suzhou."))
                    ok = False
                else:
                    self.parsed_lat, self.parsed_lon = round(lat, 6), round(lon, 6)
        elif not (self.district.data and (self.address.data or "").strip()):
            self.address.errors.append(_l("Say where: pick a point on the map, use your location, or choose the district and type the address."))
            ok = False
        if self.identity.data == "real_name":
            from flask import current_app

            rewards = current_app.extensions["cleanair_tip_policy"].rewards
            if not (self.name.data or "").strip():
                self.name.errors.append(_l("A reward needs your name.") if rewards else _l("Give your name, or choose anonymous."))
                ok = False
            phone = normalise_mobile(self.phone.data or "")
            if phone is None:
                self.phone.errors.append(_l("Enter an 11-digit mainland mobile number."))
                ok = False
            self.parsed_phone = phone
            if rewards and not self.not_staff.data:
                self.not_staff.errors.append(_l("Rewards are only paid to people who are not agency staff or their relatives; tick the box to confirm, or report anonymously."))
                ok = False
        if not self.consent.data:
            self.consent.errors.append(_l("Please agree to the privacy notice; without it we cannot take the report."))
            ok = False
        return ok
