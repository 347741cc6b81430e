"""The public form: field contract, status codes, photos, duplicates, receipt and status page."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from cleanair.extensions import db
from cleanair.report import service
from cleanair.report.models import Tip, TipPhoto
from PIL import Image
from sqlalchemy import func, select

from tests.tips.helpers import jpeg_with_gps, make_tip, png_bytes, valid_form

MP = "multipart/form-data"


def _code(resp) -> str:
    assert resp.status_code == 303, resp.get_data(as_text=True)[:2000]
    return re.search(r"/report/([2-9A-Z-]{14})/receipt$", resp.headers["Location"]).group(1)


def _count(app, model=Tip) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_district_and_address_without_map_gives_303_receipt_and_status(tips_app, tclient):
    resp = tclient.post("/report", data=valid_form(), content_type=MP)
    code = _code(resp)
    receipt = tclient.get(resp.headers["Location"])
    assert receipt.status_code == 200 and code in receipt.get_data(as_text=True)
    status = tclient.get(f"/en/report/{code}")
    html = status.get_data(as_text=True)
    assert status.status_code == 200 and "Received" in html and "Gusu" in html
    # Typed in lower case and without dashes, the code still works (read aloud over the phone).
    assert tclient.get(f"/report/{code.replace('-', '').lower()}").status_code == 301
    assert tclient.get("/report/track", query_string={"code": code.lower()}).status_code == 303
    assert tclient.get("/report/track", query_string={"code": "2222-2222-2222"}).status_code == 404
    assert tclient.get("/report/2222-2222-2222").status_code == 404


def test_map_point_is_stored_as_given_and_district_optional(tips_app, tclient):
    resp = tclient.post("/report", data=valid_form(district="", address="", lat="31.2990", lon="120.5853", location_source="device"), content_type=MP)
    _code(resp)
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        assert (tip.lat, tip.lon, tip.location_source) == (31.299, 120.5853, "device")


def test_rejections_are_400_with_messages_and_keep_what_was_typed(tips_app, tclient):
    cases = {
        "description": valid_form(description="abc"),
        "place": valid_form(district="", address=""),
        "outside": valid_form(lat="39.9", lon="116.4"),
        "future": valid_form(occurred_at=(service.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")),
        "format": valid_form(occurred_at="30/11/2026 10:00"),
        "consent": valid_form(consent=None),
        "category": valid_form(category="not-a-category"),
        "real_name": valid_form(identity="real_name", name="", phone="123"),
        "pin": valid_form(claim_pin="12ab56"),
        "weak_pin": valid_form(claim_pin="111111"),
        "too_long": valid_form(polluter="x" * 201),
    }
    for label, data in cases.items():
        data["description"] = data["description"] if label == "description" else "Keep this text " + label
        resp = tclient.post("/en/report", data=data, content_type=MP)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 400, label
        assert "Please check your report" in html, label
        if label != "description":
            assert "Keep this text " + label in html, label
    assert _count(tips_app) == 0


def test_error_messages_are_in_the_users_language(tclient):
    html = tclient.post("/report", data=valid_form(description="ab"), content_type=MP).get_data(as_text=True)
    assert "请检查您的举报" in html and "描述须在 5 至 2000 个字符之间" in html


def test_real_name_tip_is_encrypted_at_rest(tips_app, tclient):
    data = valid_form(identity="real_name", name="王小明", phone="138 1234 5678", not_staff="y")
    _code(tclient.post("/report", data=data, content_type=MP))
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        assert tip.identity == "real_name" and tip.not_staff
        assert b"13812345678" not in tip.phone_enc and "王小明".encode() not in tip.name_enc
        from cleanair.report.secrets_ import decrypt

        assert decrypt(service.runtime().cipher, tip.phone_enc) == "13812345678"
    from pathlib import Path

    if not tips_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return  # the raw-file check below is SQLite's; the column check above holds everywhere
    db_file = Path(tips_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    with tips_app.app_context():
        db.session.execute(db.text("PRAGMA wal_checkpoint(FULL)"))
    blob = db_file.read_bytes() + (db_file.with_name(db_file.name + "-wal").read_bytes() if db_file.with_name(db_file.name + "-wal").exists() else b"")
    assert b"13812345678" not in blob and "王小明".encode() not in blob


def test_real_name_requires_the_staff_declaration_where_rewards_apply(rewards_app):
    data = valid_form(identity="real_name", name="王小明", phone="13812345678")
    resp = rewards_app.test_client().post("/en/report", data=data, content_type=MP)
    assert resp.status_code == 400 and "not agency staff" in resp.get_data(as_text=True)


def test_real_name_needs_no_staff_declaration_where_no_reward_is_paid(tclient):
    # The declaration exists for rewards (苏环办〔2021〕293号); without rewards it is not asked for.
    data = valid_form(identity="real_name", name="王小明", phone="13812345678")
    _code(tclient.post("/en/report", data=data, content_type=MP))
    no_name = tclient.post("/en/report", data=valid_form(identity="real_name", phone="13812345678"), content_type=MP)
    assert no_name.status_code == 400 and "Give your name, or choose anonymous." in no_name.get_data(as_text=True)


def test_anonymous_tip_drops_name_and_phone_and_hashes_the_pin(tips_app, tclient):
    data = valid_form(identity="anonymous", name="Should Vanish", phone="13812345678", claim_pin="583920")
    code = _code(tclient.post("/report", data=data, content_type=MP))
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        assert tip.name_enc is None and tip.phone_enc is None
        assert tip.claim_pin_hash.startswith("$argon2") and "583920" not in tip.claim_pin_hash
    # Coming forward with the PIN makes it a real-name tip.
    bad = tclient.post(f"/en/report/{code}/claim", data={"claim_pin": "000000", "name": "A", "phone": "13812345678", "not_staff": "y"})
    assert "does not match" in tclient.get(bad.headers["Location"]).get_data(as_text=True)
    ok = tclient.post(f"/en/report/{code}/claim", data={"claim_pin": "583920", "name": "李四", "phone": "13912345678", "not_staff": "y"})
    assert ok.status_code == 303
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        assert tip.identity == "real_name" and tip.claim_pin_hash is None and tip.name_enc


def test_photos_are_sanitised_and_stored_outside_static_under_random_names(tips_app, tclient):
    files = [(io.BytesIO(jpeg_with_gps()), "IMG_0001 my home.jpg"), (io.BytesIO(png_bytes()), "b.png")]
    _code(tclient.post("/report", data={**valid_form(), "photos": files}, content_type=MP))
    with tips_app.app_context():
        photos = db.session.scalars(select(TipPhoto)).all()
        assert len(photos) == 2
        storage = service.runtime().storage
        for p in photos:
            assert "IMG_0001" not in p.storage_key and len(p.storage_key.split(".")[0]) == 32
            data = storage.load(p.storage_key)
            assert b"HandMadeCam" not in data and b"GPS" not in data
            assert not Image.open(io.BytesIO(data)).getexif()
    root = tips_app.config["TIPS_PHOTO_DIR"]
    assert "static" not in root


def test_bad_photos_are_refused_with_a_message_and_nothing_stored(tips_app, tclient):
    resp = tclient.post("/en/report", data={**valid_form(), "photos": [(io.BytesIO(b"MZ\x90\x00 not a photo"), "x.jpg")]}, content_type=MP)
    assert resp.status_code == 400 and "Photo 1 is not a readable image" in resp.get_data(as_text=True)
    six = [(io.BytesIO(png_bytes()), f"{i}.png") for i in range(6)]
    resp = tclient.post("/en/report", data={**valid_form(), "photos": six}, content_type=MP)
    assert resp.status_code == 400 and "at most 5 photos" in resp.get_data(as_text=True)
    assert _count(tips_app) == 0 and _count(tips_app, TipPhoto) == 0


def test_oversized_photo_is_413_and_keeps_the_text(tmp_path):
    from tests.conftest import make_app
    from tests.tips.conftest import OPEN_LIMITS

    app = make_app(tmp_path, TIPS_MAX_PHOTO_BYTES=2000, TIPS_PHOTO_DIR=str(tmp_path / "p"), **OPEN_LIMITS)
    client = app.test_client()
    big = jpeg_with_gps(400, 400)
    assert len(big) > 2000
    resp = client.post("/en/report", data={**valid_form(description="Keep me please"), "photos": [(io.BytesIO(big), "big.jpg")]}, content_type=MP)
    assert resp.status_code == 413 and "Keep me please" in resp.get_data(as_text=True)
    # A request larger than all photos together is refused before it is read.
    huge = b"x" * (5 * 2000 + 1024 * 1024 + 10)
    resp = client.post("/en/report", data={**valid_form(), "photos": [(io.BytesIO(huge), "h.jpg")]}, content_type=MP)
    assert resp.status_code == 413 and "larger than" in resp.get_data(as_text=True)
    assert _count(app) == 0


def test_duplicates_are_shown_before_submission_and_continue_anyway_keeps_photos(tips_app, tclient):
    first = make_tip(tips_app, lat=31.3001, lon=120.6201, category="dust")
    data = valid_form(lat="31.3010", lon="120.6201", address="", district="")  # about 100 m away
    resp = tclient.post("/en/report", data={**data, "photos": [(io.BytesIO(png_bytes()), "p.png")]}, content_type=MP)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Possibly already reported" in html and "Send anyway" in html
    assert "about 100 m away" in html
    assert first.code not in html  # other people's codes are never shown
    assert 'name="confirm_duplicates" type="hidden" value="1"' in html
    assert _count(tips_app) == 1
    resp = tclient.post("/en/report", data={**data, "confirm_duplicates": "1"}, content_type=MP)
    _code(resp)
    with tips_app.app_context():
        newest = db.session.scalars(select(Tip).order_by(Tip.id.desc())).first()
        assert len(newest.photos) == 1  # the photo sent with the first attempt was kept


def test_other_category_or_far_away_is_not_a_duplicate(tips_app, tclient):
    make_tip(tips_app, lat=31.3001, lon=120.6201, category="fireworks")
    make_tip(tips_app, lat=31.3101, lon=120.6201, category="dust")
    _code(tclient.post("/report", data=valid_form(lat="31.3001", lon="120.6201", district="", address=""), content_type=MP))


def test_the_same_form_posted_twice_makes_one_tip(tips_app, tclient):
    data = valid_form()
    a = _code(tclient.post("/report", data=dict(data), content_type=MP))
    b = _code(tclient.post("/report", data=dict(data), content_type=MP))
    assert a == b and _count(tips_app) == 1


def test_status_page_never_shows_personal_data_exact_place_or_notes(tips_app, tclient):
    data = valid_form(identity="real_name", name="赵六", phone="13712345678", not_staff="y",
                      lat="31.311111", lon="120.622222", address="秘密小区 8 幢")
    code = _code(tclient.post("/report", data=data, content_type=MP))
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        service.add_note(tip, "reviewer1", "internal note ABC")
    for prefix in ("", "/en"):
        html = tclient.get(f"{prefix}/report/{code}").get_data(as_text=True)
        for secret in ("赵六", "13712345678", "5678", "31.31", "120.62", "秘密小区", "internal note ABC", "/photos/"):
            assert secret not in html, secret


def test_stats_page_and_twins_reflect_tips(tips_app, tclient):
    make_tip(tips_app, category="dust", district="gusu")
    make_tip(tips_app, category="fireworks", district="wujiang", lat=31.0, lon=120.6)
    data = tclient.get("/report/stats.json").get_json()
    assert data["total"] == 2 and data["by_district"] == {"gusu": 1, "wujiang": 1}
    assert data["by_status"]["submitted"] == 2 and "public-security" in data["by_body"]
    csv = tclient.get("/report/stats.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffdimension,key,count") and "district,wujiang,1" in csv
    assert "13" not in str(data.get("by_district"))
    with tips_app.app_context():
        assert service.tip_counts_by_district() == {"gusu": 1, "wujiang": 1}
    assert any(d.key == "tips-stats" for d in tips_app.extensions["cleanair"].datasets)


def test_form_works_without_javascript(tclient, rewards_app):
    html = tclient.get("/report").get_data(as_text=True)
    for name in ("category", "district", "address", "lat", "lon", "occurred_at", "description", "polluter",
                 "photos", "identity", "claim_pin", "name", "phone", "consent"):
        assert f'name="{name}"' in html, name
    assert 'enctype="multipart/form-data"' in html and 'method="post"' in html
    assert "12369" in html and "个人信息保护法" in html and 'name="not_staff"' not in html
    # Where rewards apply, the reward rules and the staff declaration are part of the form.
    rewards = rewards_app.test_client().get("/report").get_data(as_text=True)
    assert "苏环办〔2021〕293号" in rewards and 'name="not_staff"' in rewards
    assert " onclick=" not in html and "<script>" not in html  # no inline scripts (CSP coming)


def test_point_picker_uses_tiles_only_when_configured(tmp_path, tclient):
    from tests.conftest import make_app

    assert "data-tiles-url" not in tclient.get("/report").get_data(as_text=True)  # default: no tiles
    html = make_app(tmp_path, MAP_TILES="gaode").test_client().get("/report").get_data(as_text=True)
    # GCJ-02 tiles: the script converts to WGS-84 before filling lat/lon.
    assert 'data-tiles-datum="GCJ02"' in html and "data-tiles-url=" in html


def test_district_found_from_the_point_when_boundaries_exist(tips_app, tclient):
    if not tips_app.extensions["cleanair_tips"].boundaries:
        import pytest

        pytest.skip("data/boundaries/suzhou_districts.wgs84.geojson (issue 4) is not there yet")
    _code(tclient.post("/report", data=valid_form(district="", address="", lat="31.3050", lon="120.6100"), content_type=MP))
    with tips_app.app_context():
        assert db.session.scalars(select(Tip.district)).one() == "gusu"
