"""Bodies are capped before anything reads them, for every content type, and a form never sends
back more than a field allows (finding 6 of issue 14)."""

from __future__ import annotations

import io

import pytest

from tests.conftest import make_app
from tests.tips.helpers import valid_form

OPEN = {"TIPS_SUBMIT_LIMIT": "1000 per minute", "STAFF_LOGIN_LIMIT": "1000 per minute"}


@pytest.fixture()
def sized_app(tmp_path):
    return make_app(tmp_path, TIPS_PHOTO_DIR=str(tmp_path / "photos"), **OPEN)


def test_a_huge_urlencoded_description_is_refused_unread(sized_app):
    client = sized_app.test_client()
    huge = "x" * (2 * 1024 * 1024)
    resp = client.post("/report", data=valid_form(description=huge))  # application/x-www-form-urlencoded
    assert resp.status_code == 413
    assert len(resp.get_data()) < 100_000 and "xxxxxxxxxx" not in resp.get_data(as_text=True)


def test_every_urlencoded_post_is_capped_at_the_form_memory_size(sized_app):
    client = sized_app.test_client()
    limit = sized_app.config["MAX_FORM_MEMORY_SIZE"]
    for url in ("/staff/login", "/prefs/text-size", "/report"):
        assert client.post(url, data={"password": "p" * (limit + 1)}).status_code == 413, url


def test_a_multipart_text_field_is_capped_too(sized_app):
    client = sized_app.test_client()
    big = "y" * 300_000  # over MAX_FORM_MEMORY_SIZE (256 KB); Flask's default allowed 500 KB
    resp = client.post("/report", data={**valid_form(description=big), "photos": [(io.BytesIO(b""), "")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 413 and "yyyyyyyyyy" not in resp.get_data(as_text=True)
    # Photos still fit: the cap is per text field, the tip form's body limit covers the files.
    assert sized_app.config["TIPS_MAX_PHOTO_BYTES"] > sized_app.config["MAX_FORM_MEMORY_SIZE"]


def test_a_refused_form_echoes_no_more_than_the_field_allows(sized_app):
    client = sized_app.test_client()
    resp = client.post("/en/report", data=valid_form(description="z" * 5000, address="a" * 900, occurred_at="9" * 5000))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "z" * 2000 in html and "z" * 2001 not in html
    assert "a" * 200 in html and "a" * 201 not in html
    assert "9" * 21 not in html


def test_other_posts_are_limited_to_one_megabyte(sized_app):
    client = sized_app.test_client()
    blob = io.BytesIO(b"\0" * (1024 * 1024 + 1))
    resp = client.post("/staff/login", data={"username": "a", "password": "b", "f": (blob, "f.bin")},
                       content_type="multipart/form-data")
    assert resp.status_code == 413


def test_photos_of_a_few_megabytes_still_fit(sized_app):
    """The caps on text must not refuse a phone's photo (Werkzeug checks each buffered chunk of a
    file against MAX_FORM_MEMORY_SIZE too)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((1600, 1200), 60).convert("RGB").save(buf, "JPEG", quality=95)
    photo = buf.getvalue()
    assert len(photo) > 1_000_000
    client = sized_app.test_client()
    resp = client.post("/report", data={**valid_form(), "photos": [(io.BytesIO(photo), f"phone{i}.jpg", "image/jpeg") for i in range(2)]},
                       content_type="multipart/form-data")
    assert resp.status_code == 303
