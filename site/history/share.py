"""Server-rendered share images (Open Graph / Twitter card) for targets, cached per content.

Chinese needs a CJK font. We use the first font found among SHARE_FONT (config) and the Debian
packages fonts-noto-cjk / fonts-wqy-microhei; without one the image is drawn in English only
rather than as boxes ("tofu").
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask
from PIL import Image, ImageDraw, ImageFont

from ..domain.targets import STATUS_NAMES

SIZE = (1200, 630)
FONT_CANDIDATES = (
    # (path, index in a .ttc collection): index 2 of Noto Sans CJK is Simplified Chinese.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)
LATIN_FALLBACK = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
STATUS_COLOURS = {"achieved": "#1b5e20", "on_track": "#0d47a1", "off_track": "#b71c1c", "missed": "#b71c1c",
                  "deadline_passed_no_data": "#424242", "no_data": "#424242"}
_lock = threading.Lock()


def cjk_font_path(configured: str | None = None) -> tuple[str, int] | None:
    """The CJK font used for share images, or None when the machine has none."""
    if configured and Path(configured).exists():
        return configured, 0
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            return path, index
    return None


@lru_cache(maxsize=16)
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size=size, index=index)


def _fonts(app: Flask) -> tuple[Any, bool]:
    found = cjk_font_path(app.config.get("SHARE_FONT"))
    if found:
        return (lambda size: _font(found[0], found[1], size)), True
    if Path(LATIN_FALLBACK).exists():
        return (lambda size: _font(LATIN_FALLBACK, 0, size)), False
    return (lambda size: ImageFont.load_default(size)), False


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int, max_lines: int) -> list[str]:
    """Wrap by characters (works for Chinese, which has no spaces) preferring spaces in English."""
    lines: list[str] = []
    current = ""
    for token in (text.split(" ") if " " in text else list(text)):
        candidate = (current + (" " if current and " " in text else "") + token) if current else token
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
        else:
            lines.append(current)
            current = token
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def _texts(record: dict[str, Any], locale: str, cjk: bool) -> dict[str, str]:
    """The record's own words (domain.targets): the status, the value it rests on, its period
    and why — the same as the target page, never a running value."""
    en = locale == "en" or not cjk
    pick = (lambda zh, en_: record[en_]) if en else (lambda zh, en_: record[zh])
    status = STATUS_NAMES[record["status"]][1 if en else 0]
    latest = record.get("latest")
    if latest:
        value, period = pick("latest_value_zh", "latest_value_en"), pick("latest_period_zh", "latest_period_en")
        latest_line = f"{value} ({period})" if en else f"{value}（{period}）"
        source = latest.get("source_title") or ""
    else:
        latest_line = "No published value yet" if en else "尚无已发布数值"
        source = ""
    deadline = record.get("deadline") or ""
    goal = pick("goal_zh", "goal_en")
    return {
        # the site's name as its header writes it (base.html)
        "site": "Suzhou Clean Air Plan" if en else "苏州空气质量行动计划追踪",
        "title": record["title_en"] if en else record["title_zh"],
        "status": status,
        "latest": latest_line,
        "why": pick("status_explanation_zh", "status_explanation_en"),
        "goal": f"Target: {goal} · deadline {deadline}" if en else f"目标：{goal} · 期限 {deadline}",
        "source": (("Source: " if en else "来源：") + source) if source else "",
    }


def render_share_png(record: dict[str, Any], locale: str, fonts: Any, cjk: bool, version: str) -> bytes:
    """A 1200×630 PNG: site, target title, status, latest value with date and source, target."""
    t = _texts(record, locale, cjk)
    img = Image.new("RGB", SIZE, "#ffffff")
    draw = ImageDraw.Draw(img)
    colour = STATUS_COLOURS[record["status"]]
    draw.rectangle((0, 0, SIZE[0], 16), fill=colour)
    draw.text((60, 50), t["site"], font=fonts(32), fill="#37474f")
    y = 110
    title_lines = _wrap(draw, t["title"], fonts(60), SIZE[0] - 120, 2)
    for line in title_lines:
        draw.text((60, y), line, font=fonts(60), fill="#111111")
        y += 76
    y += 16
    badge_font = fonts(40)
    width = int(draw.textlength(t["status"], font=badge_font)) + 48
    draw.rounded_rectangle((60, y, 60 + width, y + 64), radius=12, fill=colour)
    draw.text((84, y + 6), t["status"], font=badge_font, fill="#ffffff")
    y += 96
    draw.text((60, y), t["latest"], font=fonts(40), fill="#111111")
    y += 56
    # the reason for the status gets the room a one-line title leaves
    for line in _wrap(draw, t["why"], fonts(24), SIZE[0] - 120, 4 - len(title_lines)):
        draw.text((60, y), line, font=fonts(24), fill="#37474f")
        y += 32
    y += 8
    draw.text((60, y), t["goal"], font=fonts(30), fill="#37474f")
    y += 44
    if t["source"]:
        for line in _wrap(draw, t["source"], fonts(26), SIZE[0] - 120, 1):
            draw.text((60, y), line, font=fonts(26), fill="#37474f")
    footer = f"{'data version' if locale == 'en' or not cjk else '数据版本'} {version}" if version else ""
    draw.text((60, SIZE[1] - 60), footer, font=fonts(24), fill="#546e7a")
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def share_png(app: Flask, record: dict[str, Any], locale: str, version: str) -> bytes:
    """Cached by everything drawn, so a new value or status re-renders once, not per request."""
    key = hashlib.sha256(json.dumps([record.get(k) for k in (
        "slug", "title_zh", "title_en", "status", "latest", "latest_period_en", "status_explanation_en",
        "status_explanation_zh", "goal_zh", "goal_en", "deadline")] + [locale, version],
        sort_keys=True, default=str).encode()).hexdigest()
    cache: dict[str, bytes] = app.extensions.setdefault("cleanair_share_cache", {})
    png = cache.get(key)
    if png is None:
        fonts, cjk = _fonts(app)
        with _lock:  # FreeType font objects are not thread-safe
            png = render_share_png(record, locale, fonts, cjk, version)
        if len(cache) > 512:
            cache.clear()
        cache[key] = png
    return png
