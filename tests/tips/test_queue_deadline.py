"""The staff queue shows each tip's age and its response deadline (TIPS_RESPONSE_DAYS) (issue 13)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cleanair.domain.tips.policy import response_due

from tests.tips.helpers import login, make_staff, make_tip

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


def test_response_due_counts_whole_days_and_judges_late_answers():
    r = response_due(T0, None, T0 + timedelta(days=2, hours=3), 7)
    assert (r.deadline, r.late, r.days_left) == (T0 + timedelta(days=7), False, 4)
    r = response_due(T0, None, T0 + timedelta(days=9, hours=3), 7)
    assert (r.late, r.days_left) == (True, -2)
    assert response_due(T0, T0 + timedelta(days=8), T0 + timedelta(days=9), 7).late
    assert not response_due(T0, T0 + timedelta(days=1), T0 + timedelta(days=9), 7).late


def test_queue_has_age_and_deadline_columns(tips_app, tclient):
    from cleanair.report import service

    from cleanair.extensions import db
    from cleanair.report.models import Tip

    make_tip(tips_app)
    old = make_tip(tips_app, description="Hand-made old tip for the deadline column")
    with tips_app.app_context():
        tip = db.session.get(Tip, old.id)
        tip.submitted_at = service.now() - timedelta(days=10)
        db.session.commit()
    make_staff(tips_app)
    login(tclient)
    html = tclient.get("/en/staff/").get_data(as_text=True)
    assert "Response deadline" in html and ">Age<" in html
    assert "overdue by 3 days" in html and "10 days" in html and "days left" in html
    assert 'class="late"' in html
    # Without rewards (the default) the queue has no reward column or filter.
    assert 'id="q-reward"' not in html and ">Reward<" not in html
