"""Plain helpers for tip tests (hand-made data, no factory framework)."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta
from types import SimpleNamespace

from cleanair import clock
from cleanair.report import service
from flask import Flask
from PIL import Image


def make_tip(app: Flask, **overrides):
    """Insert one tip through the service (the same path as the form), committed."""
    with app.app_context():
        values = dict(
            submission_key=secrets.token_urlsafe(16),
            category="dust",
            district="gusu",
            address="人民路 100 号工地",
            lat=31.3001,
            lon=120.6201,
            location_source="map",
            occurred_at=service.now() - timedelta(hours=1),
            description="Hand-made test tip: uncovered earth blowing over the road",
            polluter="",
            identity="anonymous",
            claim_pin=None,
            name=None,
            phone=None,
            not_staff=True,
            locale="zh_Hans",
        )
        values.update(overrides)
        tip, _ = service.submit(service.NewTip(**values), [])
        return SimpleNamespace(id=tip.id, code=tip.code)


def make_staff(app: Flask, username: str = "reviewer1", role: str = "reviewer", password: str = "correct horse battery") -> SimpleNamespace:
    from cleanair.staff.auth import create_user

    with app.app_context():
        user = create_user(username, password, role)
        return SimpleNamespace(id=user.id, username=user.username, role=user.role)


def login(client, username: str = "reviewer1", password: str = "correct horse battery"):
    return client.post("/staff/login", data={"username": username, "password": password})


def jpeg_with_gps(width: int = 64, height: int = 48) -> bytes:
    """A JPEG carrying EXIF with a GPS position and a camera model (to prove they are removed)."""
    img = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0110] = "HandMadeCam 1"  # Model
    exif[0x0131] = "SecretSoftware"  # Software
    gps = {1: "N", 2: (31.0, 18.0, 0.0), 3: "E", 4: (120.0, 37.0, 0.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return buf.getvalue()


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 255, 128)).save(buf, "PNG")
    return buf.getvalue()


# A deployment run by an authority that pays rewards for tips sent to it (hand-made names):
# the setting under which the reward workflow exists at all (docs/tips.md § Who receives a tip).
REWARDS_SETTINGS = {
    "TIPS_OFFICIAL": True, "TIPS_REWARDS": True,
    "TIPS_OPERATOR_ZH": "测试市生态环境局（手工测试数据）", "TIPS_OPERATOR_EN": "Test City Ecology Bureau (hand-made test data)",
}


def valid_form(**overrides) -> dict:
    data = {
        "category": "dust",
        "district": "gusu",
        "address": "干将路 1 号",
        "lat": "",
        "lon": "",
        "occurred_at": clock.to_local(service.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "description": "Hand-made test: a construction site with no dust nets",
        "polluter": "",
        "identity": "anonymous",
        "claim_pin": "",
        "name": "",
        "phone": "",
        "consent": "y",
        "submission_key": secrets.token_urlsafe(16),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
