"""The public tip statistics are grouped in the database and cached by the register's version
(finding 10 of issue 14); they equal the one-fact-per-tip definition (`tip_stats`), months being
Suzhou calendar months. The tips are SYNTHETIC test data, inserted directly."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from cleanair import clock
from cleanair.domain.tips import states
from cleanair.domain.tips.stats import TipFacts, month_starts, tip_stats
from cleanair.extensions import db
from cleanair.report import service
from cleanair.report.models import Tip
from tests.tips.helpers import make_staff, make_tip

CATEGORIES = ("dust", "fireworks", "open-burning", "other")
DISTRICTS = ("gusu", "wujiang", "kunshan", None)
BODIES = ("housing-construction", "public-security", None)
# Around the start of November 2026 in Suzhou (2026-10-31 16:00 UTC), and of 2027 (a year turns).
EDGES = (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
INSTANTS = st.one_of(
    st.sampled_from(EDGES).flatmap(lambda e: st.integers(-3600, 3600).map(lambda s: e + timedelta(seconds=s))),
    st.integers(0, 400 * 86400).map(lambda s: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=s)),
)
TIPS = st.lists(st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(DISTRICTS), st.sampled_from(states.STATES),
                          st.sampled_from(BODIES), INSTANTS, st.one_of(st.none(), st.integers(0, 30 * 86400))),
                max_size=40)


def _insert(app, tips) -> list[TipFacts]:
    facts = []
    with app.app_context():
        db.session.execute(text("DELETE FROM tip_events"))
        db.session.execute(text("DELETE FROM tips"))
        rows = []
        for category, district, status, routed, at, wait in tips:
            acted = at + timedelta(seconds=wait) if wait is not None else None
            rows.append({"code": uuid.uuid4().hex[:12].upper(), "submission_key": uuid.uuid4().hex, "category": category,
                         "district": district, "address": "", "location_source": "none", "occurred_at": at,
                         "submitted_at": at, "description": "synthetic", "polluter": "", "identity": "anonymous",
                         "not_staff": True, "consent_at": at, "locale": "zh_Hans", "status": status, "routed_to": routed,
                         "first_action_at": acted, "first_action_wait": wait})
            bodies = (routed,) if routed else service.lead_bodies(category)
            facts.append(TipFacts(category, district, bodies, clock.to_local(at), status, acted,
                                  status in (states.VERIFIED, states.NOT_VERIFIED)))
        if rows:
            db.session.execute(Tip.__table__.insert(), rows)
        db.session.commit()
        service.forget_cached_stats()
    return facts


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
@given(tips=TIPS)
def test_grouped_in_the_database_equals_the_definition(tips_app, tips):
    facts = _insert(tips_app, tips)
    with tips_app.app_context():
        grouped = service.stats()
    reference = tip_stats(facts)
    assert grouped == reference
    assert list(grouped["by_category"].items()) == list(reference["by_category"].items())  # same order too


def test_months_are_counted_between_the_instants_suzhou_months_begin():
    zone = clock.site_zone()
    starts = month_starts(datetime(2026, 10, 31, 16, 0, tzinfo=UTC), datetime(2026, 12, 31, 15, 59, tzinfo=UTC), zone)
    assert [(label, at.isoformat()) for label, at in starts] == [
        ("2026-11", "2026-10-31T16:00:00+00:00"), ("2026-12", "2026-11-30T16:00:00+00:00"),
        ("2027-01", "2026-12-31T16:00:00+00:00")]
    # A zone with daylight saving: months still begin at local midnight.
    from zoneinfo import ZoneInfo

    ny = month_starts(datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 3, 5, tzinfo=UTC), ZoneInfo("America/New_York"))
    assert [at.isoformat() for _, at in ny] == ["2026-03-01T05:00:00+00:00", "2026-04-01T04:00:00+00:00"]


def test_statistics_are_computed_once_per_register_version(tips_app, tclient, monkeypatch):
    calls = []
    grouped = service._grouped_stats
    monkeypatch.setattr(service, "_grouped_stats", lambda: calls.append(1) or grouped())
    make_tip(tips_app)
    for url in ("/report/stats.json", "/report/stats", "/report/stats.csv", "/en/report/stats.json"):
        assert tclient.get(url).status_code == 200
    assert len(calls) == 1
    make_tip(tips_app, category="fireworks")  # a new tip: a new version
    assert tclient.get("/report/stats.json").get_json()["total"] == 2 and len(calls) == 2
    make_staff(tips_app)
    with tips_app.app_context():
        tip = db.session.get(Tip, make_tip(tips_app).id)
        service.change_status(tip, "reviewer1", "accepted")  # a staff action: a new version
    data = tclient.get("/report/stats.json").get_json()
    assert data["by_status"]["accepted"] == 1 and data["with_first_action"] == 1 and len(calls) == 3


def test_the_wait_until_the_first_action_is_stored_with_it(tips_app, monkeypatch):
    tip = make_tip(tips_app)
    with tips_app.app_context():
        t = db.session.get(Tip, tip.id)
        later = t.submitted_at + timedelta(days=2, hours=3)
        monkeypatch.setattr(clock, "now_utc", lambda: later)
        service.route(t, "reviewer1", "housing-construction")
        t = db.session.get(Tip, tip.id)
        assert t.first_action_wait == 2 * 86400 + 3 * 3600
        assert service.stats()["median_days_to_first_action"] == 2.12


def test_months_already_over_are_kept_and_checked_against_the_total(tips_app, monkeypatch):
    at = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now_utc", lambda: at)
    _insert(tips_app, [("dust", "gusu", "submitted", None, datetime(2026, 9, 10, tzinfo=UTC), None),
                       ("dust", "gusu", "submitted", None, datetime(2026, 11, 20, tzinfo=UTC), None)])
    with tips_app.app_context():
        assert service.stats()["by_month"] == {"2026-09": 1, "2026-11": 1}
        closed = tips_app.extensions["cleanair_tips"].closed_months
        assert closed[1] == {"2026-09": 1, "2026-10": 0}
        # A tip back-dated behind the site's back: the total no longer adds up, all months are counted again.
        db.session.execute(Tip.__table__.insert(), [{
            "code": "BACKDATED001", "submission_key": "backdated", "category": "dust", "district": None, "address": "",
            "location_source": "none", "occurred_at": datetime(2026, 10, 5, tzinfo=UTC),
            "submitted_at": datetime(2026, 10, 5, tzinfo=UTC), "description": "synthetic", "polluter": "",
            "identity": "anonymous", "not_staff": True, "consent_at": datetime(2026, 10, 5, tzinfo=UTC),
            "locale": "zh_Hans", "status": "submitted"}])
        db.session.commit()
        tips_app.extensions["cleanair_tips"].stats_cache = None
        assert service.stats()["by_month"] == {"2026-09": 1, "2026-10": 1, "2026-11": 1}
        # The month turns: November is now over and kept.
        monkeypatch.setattr(clock, "now_utc", lambda: datetime(2026, 12, 2, tzinfo=UTC))
        tips_app.extensions["cleanair_tips"].stats_cache = None
        assert service.stats()["by_month"] == {"2026-09": 1, "2026-10": 1, "2026-11": 1}
        assert tips_app.extensions["cleanair_tips"].closed_months[1]["2026-11"] == 1
