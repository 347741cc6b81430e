"""HAND-MADE fixtures for map tests. Not real observations or real published statuses."""

from __future__ import annotations

from datetime import datetime

# The air engine's own contract classes, so the fixtures cannot drift from it.
from cleanair.air.service import Reading, Station  # noqa: F401


# Hand-made stations at made-up positions inside Suzhou, with made-up readings.
STATIONS = [
    Station("9001X", "测试站甲", "Test station A", "苏州", "gusu", 31.30, 120.62, False),
    Station("9002X", "测试站乙", "Test station B", "苏州", "sip", 31.32, 120.72, False),
    Station("9003X", "测试站丙", "Test station C", "昆山", "kunshan", 31.38, 120.98, True),
]
T = datetime(2026, 11, 30, 10, 0)
READINGS = {
    "9001X": Reading("9001X", T, 87, 87, 2, "良", "Moderate", "#ffff00", ("PM2.5",), 64.0, 80.0, 6.0, 40.0, 0.8, 30.0, "HJ 633-2012", False),
    "9002X": Reading("9002X", T, 160, 160, 4, "中度污染", "Unhealthy", "#ff0000", ("PM2.5",), 122.0, 150.0, 8.0, 55.0, 1.1, 20.0, "HJ 633-2012", True),
    # 9003X: no reading at all
}


def unescape_js(html: str) -> str:
    """Map documents carry popup/label HTML as JSON strings (\\u003c…); decode them for assertions."""
    import re

    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)
