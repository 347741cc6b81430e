"""Pure rules of tips: categories, states, codes, duplicates, masking, images, statistics."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cleanair.domain.tips import codes, geo, privacy
from cleanair.domain.tips import states as st
from cleanair.domain.tips.categories import load_categories, suggested_bodies
from cleanair.domain.tips.images import ImageRejected, sanitise
from cleanair.domain.tips.stats import TipFacts, stats_rows, tip_stats
from PIL import Image

from tests.tips.helpers import jpeg_with_gps, png_bytes

REPO = Path(__file__).resolve().parents[2]
CATEGORIES = REPO / "content" / "tips" / "categories.yaml"


@pytest.fixture(scope="module")
def plan(app):
    return app.extensions["cleanair"].plan


def test_categories_cover_the_plan_tasks_the_issue_names(plan):
    cats = {c.slug: c for c in load_categories(CATEGORIES, plan)}
    assert cats["open-burning"].tasks == (26,)
    assert cats["fireworks"].tasks == (27,)
    assert cats["dust"].tasks == (24, 25)
    assert cats["restaurant-fumes"].tasks == (33,)
    assert cats["diesel-smoke"].tasks == (18, 19, 20, 21)
    assert cats["industrial"].tasks == (28, 29, 30, 31)
    assert cats["coal-fuel"].tasks == (9, 11)
    assert "other" in cats and all(c.name_zh and c.name_en for c in cats.values())


def test_category_file_errors_are_clear(tmp_path, plan):
    bad = tmp_path / "c.yaml"
    bad.write_text("categories:\n- slug: x\n  name_zh: 甲\n  name_en: X\n  tasks: [99]\n", "utf-8")
    with pytest.raises(ValueError, match=r"no such plan task\(s\) \[99\]"):
        load_categories(bad, plan)
    bad.write_text("categories:\n- slug: Bad Slug\n  name_zh: 甲\n  name_en: X\n", "utf-8")
    with pytest.raises(ValueError, match="slug"):
        load_categories(bad)
    bad.write_text("categories:\n- {slug: a, name_zh: 甲, name_en: A}\n- {slug: a, name_zh: 乙, name_en: B}\n", "utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_categories(bad)


def test_routing_follows_the_responsibility_table(plan):
    cats = {c.slug: c for c in load_categories(CATEGORIES, plan)}
    diesel = suggested_bodies(cats["diesel-smoke"], plan)
    # Task 18–21: ecology and environment leads (…牵头); lead bodies come first.
    assert diesel[0].slug == "ecology-environment" and diesel[0].role == "lead"
    fireworks = [b.slug for b in suggested_bodies(cats["fireworks"], plan)]
    assert "public-security" in fireworks
    for body in suggested_bodies(cats["industrial"], plan):
        assert all(any(d.slug == body.slug for d in plan.task(n).departments) for n in body.tasks)
    assert suggested_bodies(cats["other"], plan) == []


def test_state_machine_allows_only_listed_transitions():
    st.check_transition("submitted", "accepted")
    st.check_transition("accepted", "investigating")
    st.check_transition("investigating", "verified")
    st.check_transition("submitted", "rejected", "duplicate")
    for bad in [("submitted", "verified"), ("verified", "submitted"), ("rejected", "accepted"), ("submitted", "nonsense")]:
        with pytest.raises(st.TransitionError):
            st.check_transition(*bad)
    with pytest.raises(st.TransitionError, match="reason"):
        st.check_transition("submitted", "rejected")
    with pytest.raises(st.TransitionError, match="reason"):
        st.check_transition("submitted", "accepted", "duplicate")
    assert set(st.REJECTION_REASONS) == {"out_of_scope", "insufficient_evidence", "duplicate", "already_known"}


def test_reward_states_need_a_verified_real_name_first_reporter():
    st.check_reward_transition("verified", None, "reward_pending", "real_name", True)
    with pytest.raises(st.TransitionError, match="verified"):
        st.check_reward_transition("investigating", None, "reward_pending", "real_name", True)
    with pytest.raises(st.TransitionError, match="anonymous"):
        st.check_reward_transition("verified", None, "reward_pending", "anonymous", True)
    with pytest.raises(st.TransitionError, match="first reporter"):
        st.check_reward_transition("verified", None, "reward_pending", "real_name", False)
    st.check_reward_transition("verified", "reward_pending", "reward_approved", "real_name", True)
    st.check_reward_transition("verified", "reward_approved", "reward_paid", "real_name", True, actor="b", approved_by="a")
    with pytest.raises(st.TransitionError):
        st.check_reward_transition("verified", "reward_paid", "reward_declined", "real_name", True)
    with pytest.raises(st.TransitionError):
        st.check_reward_transition("verified", None, "reward_paid", "real_name", True)


def test_tracking_codes_are_random_readable_and_forgiving():
    many = {codes.new_code() for _ in range(2000)}
    assert len(many) == 2000
    for c in list(many)[:50]:
        assert len(c) == 12 and set(c) <= set(codes.ALPHABET)
        assert not set(c) & set("01OILU")
        assert codes.normalise(codes.grouped(c).lower()) == c
        assert codes.normalise(" ".join(codes.grouped(c).split("-"))) == c
    assert codes.grouped("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert codes.normalise("ABCD-EFGH-JKM") is None
    assert codes.normalise("ABCD-EFGH-JKM0") is None  # 0 is not in the alphabet
    assert codes.normalise("../../etc") is None


def test_haversine_against_a_known_distance():
    # 0.001° of latitude is 111.2 m anywhere.
    assert geo.haversine_m(31.3, 120.6, 31.301, 120.6) == pytest.approx(111.2, abs=0.2)
    # One degree of longitude on the equator is 2πR/360 = 111.195 km; at 60° N, half of that.
    assert geo.haversine_m(0, 120, 0, 121) == pytest.approx(111_195, abs=1)
    assert geo.haversine_m(60, 120, 60, 120.001) == pytest.approx(55.6, abs=0.1)


def test_duplicates_same_category_within_200_m_and_48_h():
    t0 = datetime(2026, 11, 30, 10, 0)
    new = geo.Located(-1, "dust", 31.3, 120.6, "gusu", "", t0)
    near = geo.Located(1, "dust", 31.3015, 120.6, "gusu", "", t0 - timedelta(hours=47))  # ~167 m
    far = geo.Located(2, "dust", 31.302, 120.6, "gusu", "", t0)  # ~222 m
    old = geo.Located(3, "dust", 31.3, 120.6, "gusu", "", t0 - timedelta(hours=49))
    other_cat = geo.Located(4, "fireworks", 31.3, 120.6, "gusu", "", t0)
    text_only = geo.Located(5, "dust", None, None, "gusu", "", t0)
    found = geo.duplicate_candidates(new, [near, far, old, other_cat, text_only])
    assert [c.id for c, _ in found] == [1]
    a = geo.Located(-1, "dust", None, None, "gusu", "干将路 1号", t0)
    b = geo.Located(6, "dust", None, None, "gusu", "干将路1号", t0)
    c = geo.Located(7, "dust", None, None, "wuzhong", "干将路1号", t0)
    assert [x.id for x, d in geo.duplicate_candidates(a, [b, c])] == [6]


def test_district_from_a_point_with_hand_made_polygons():
    square = {"type": "Feature", "properties": {"slug": "gusu"},
              "geometry": {"type": "Polygon", "coordinates": [[[120.5, 31.2], [120.7, 31.2], [120.7, 31.4], [120.5, 31.4], [120.5, 31.2]]]}}
    assert geo.district_at(31.3, 120.6, [square]) == "gusu"
    assert geo.district_at(31.5, 120.6, [square]) is None


def test_masks_and_mobile_numbers():
    assert privacy.mask_phone("13812345678") == "138****5678"
    assert privacy.mask_name("张三丰") == "张**"
    assert privacy.mask_name("") == ""
    assert privacy.normalise_mobile("+86 138-1234-5678") == "13812345678"
    assert privacy.normalise_mobile("12812345678") is None
    assert privacy.normalise_mobile("0512-6522 1234") is None
    assert privacy.weak_pin("111111") and privacy.weak_pin("123456") and not privacy.weak_pin("583920")


def test_sanitise_strips_exif_gps_and_comments():
    raw = jpeg_with_gps()
    assert b"HandMadeCam" in raw and b"secret comment" in raw
    clean = sanitise(raw)
    assert clean.content_type == "image/jpeg"
    assert b"HandMadeCam" not in clean.data and b"SecretSoftware" not in clean.data and b"secret comment" not in clean.data
    img = Image.open(io.BytesIO(clean.data))
    assert not img.getexif() and "exif" not in img.info and "comment" not in img.info
    assert img.size == (64, 48)


def test_sanitise_applies_orientation_before_dropping_it():
    img = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    clean = sanitise(buf.getvalue())
    assert (clean.width, clean.height) == (20, 40)


def test_sanitise_png_webp_and_heic():
    assert sanitise(png_bytes()).content_type == "image/png"
    buf = io.BytesIO()
    Image.new("RGB", (30, 30), "green").save(buf, "WEBP")
    assert sanitise(buf.getvalue()).content_type == "image/webp"
    pytest.importorskip("pillow_heif")
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), "blue").save(buf, "HEIF")
    clean = sanitise(buf.getvalue())
    assert clean.content_type == "image/jpeg"  # browsers cannot show HEIC; staff get a JPEG


def test_sanitise_rejects_non_images_and_other_formats():
    with pytest.raises(ImageRejected) as e:
        sanitise(b"<html>not an image</html>")
    assert e.value.code == "not_image"
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "GIF")
    with pytest.raises(ImageRejected) as e:
        sanitise(buf.getvalue())
    assert e.value.code == "unsupported"
    truncated = jpeg_with_gps(400, 300)[:-400]
    with pytest.raises(ImageRejected):
        sanitise(truncated[: len(truncated) // 2])


def test_stats_from_hand_made_rows():
    t = datetime(2026, 10, 1, 9)
    rows = [
        TipFacts("dust", "gusu", ("housing-construction",), t, "verified", t + timedelta(days=2), True),
        TipFacts("dust", "gusu", ("housing-construction",), t, "not_verified", t + timedelta(days=4), True),
        TipFacts("fireworks", None, ("public-security",), t + timedelta(days=40), "submitted", None, False),
    ]
    s = tip_stats(rows)
    assert s["total"] == 3 and s["by_category"] == {"dust": 2, "fireworks": 1}
    assert s["share_verified"] == 0.5 and s["median_days_to_first_action"] == 3.0
    assert s["by_month"] == {"2026-10": 2, "2026-11": 1}
    assert s["by_status"]["submitted"] == 1 and s["by_district"][""] == 1
    assert {"dimension": "total", "key": "", "count": 3} in stats_rows(s)
    assert tip_stats([])["share_verified"] is None
