"""Geometry of the server-side SVG line chart (target histories, district PM2.5).

Pure arithmetic: points in, coordinates out. The template draws them (`_chart.html`), so every
label stays text in the page's language and the chart scales with its container (viewBox).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40


@dataclass(frozen=True)
class Point:
    when: date
    value: float
    final: bool = True  # False: a running (year-to-date) value, drawn hollow and dashed


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    when: date
    value: float
    final: bool


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: tuple[ChartPoint, ...]
    path: str  # the line through the final values ("" when fewer than two)
    running_path: str  # dashed segment from the last final value to running values
    y_ticks: tuple[tuple[float, float], ...]  # (y, value)
    x_ticks: tuple[tuple[float, int], ...]  # (x, year)
    target: tuple[float, float] | None  # (y, value)
    deadline: tuple[float, date] | None  # (x, day)
    plot: tuple[float, float, float, float]  # left, top, right, bottom


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1.0
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def line_chart(points: Sequence[Point], target: float | None = None, deadline: date | None = None,
               width: int = WIDTH, height: int = HEIGHT) -> LineChart | None:
    """Coordinates for a time series with an optional target line and deadline mark (None: no points)."""
    pts = sorted(points, key=lambda p: p.when)
    if not pts:
        return None
    left, top, right, bottom = LEFT, TOP, width - RIGHT, height - BOTTOM
    days = [p.when.toordinal() for p in pts] + ([deadline.toordinal()] if deadline else [])
    d0, d1 = min(days), max(days)
    first_year, last_year = date.fromordinal(d0).year, date.fromordinal(d1).year
    d0 = min(d0, date(first_year, 1, 1).toordinal())
    d1 = max(d1, date(last_year, 12, 31).toordinal())
    values = [p.value for p in pts] + ([target] if target is not None else [])
    lo, hi = min(0.0, min(values)), max(values)
    step = _nice_step(hi - lo)
    hi = math.ceil(hi * 1.1 / step) * step if hi > 0 else step
    lo = math.floor(lo / step) * step

    def x(day: int) -> float:
        return round(left + (day - d0) / max(d1 - d0, 1) * (right - left), 1)

    def y(v: float) -> float:
        return round(bottom - (v - lo) / max(hi - lo, 1e-9) * (bottom - top), 1)

    cps = tuple(ChartPoint(x(p.when.toordinal()), y(p.value), p.when, p.value, p.final) for p in pts)
    finals = [c for c in cps if c.final]
    path = "M" + " L".join(f"{c.x},{c.y}" for c in finals) if len(finals) > 1 else ""
    running = [c for c in cps if not c.final]
    running_path = ""
    if running:
        # Joined to the last final value before them (a running year continues the series).
        before = [c for c in finals if c.when < running[0].when]
        chain = before[-1:] + running
        running_path = "M" + " L".join(f"{c.x},{c.y}" for c in chain) if len(chain) > 1 else ""
    y_ticks = []
    v = lo
    while v <= hi + 1e-9:
        y_ticks.append((y(v), round(v, 6)))
        v += step
    years = range(first_year, last_year + 1)
    every = max(1, math.ceil(len(years) / 6))
    x_ticks = tuple((x(date(yr, 7, 1).toordinal()), yr) for i, yr in enumerate(years) if i % every == 0)
    return LineChart(
        width, height, cps, path, running_path, tuple(y_ticks), x_ticks,
        (y(target), target) if target is not None else None,
        (x(deadline.toordinal()), deadline) if deadline else None,
        (left, top, right, bottom),
    )


# --- horizontal bar chart ------------------------------------------------------------------
#
# One row per period (year, month, hour): the label on the left, the bar, its value after it.
# Rows grow downwards, so a chart of 24 hours or 12 years fits a 320 px phone as well as a
# desktop column, the newest row is never cut off, and the labels never need to be rotated.

BAR_WIDTH = 360  # viewBox width; the SVG scales to its container
BAR_FONT = 14
BAR_ROW, BAR_THICK = 22, 15
BAR_HEAD = 21  # band above the first row for the reference line's label


@dataclass(frozen=True)
class BarItem:
    label: str
    value: float | None  # None: no value for this period (drawn as a gap, "no data")
    partial: bool = False  # an incomplete period: dashed outline, lighter fill, marked in its label
    level: int | None = None  # an AQI level: the bar takes the level's colour, as the badges do
    gap: bool = False  # a period with no data at all (e.g. a year between two imported years)
    note: str = ""  # written after the value (e.g. "1 day" for a partial year)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    y: float  # top of the bar
    length: float
    text_x: float  # where the value (or "no data") is written
    text_y: float
    bad: bool  # misses the reference line (hatched)
    partial: bool
    level: int | None
    gap: bool
    note: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    x0: float  # where bars start (right of the labels)
    label_x: float  # labels are right-aligned here
    bars: tuple[Bar, ...]
    thickness: float
    font: int
    line_x: float | None  # the reference line (target), if any
    line_label_x: float | None
    line_label_anchor: str  # start | middle | end, so the label stays inside the chart
    line_top: float
    line_bottom: float


def text_width(text: str, font: float) -> float:
    """A generous estimate of a label's width: CJK characters are one em, others about 0.62 em."""
    return sum(font if ord(ch) > 0x2E80 else font * 0.62 for ch in text)


def bar_chart(items: Sequence[BarItem], line: float | None = None, line_label: str = "",
              max_value: float | None = None, digits: int = 1, above_is_bad: bool = True,
              gap_text: str = "—", width: int = BAR_WIDTH) -> BarChart | None:
    """Coordinates of a horizontal bar chart; value labels never sit on the reference line."""
    if not items:
        return None
    font = BAR_FONT
    values = [it.value for it in items if it.value is not None]

    def text(it: BarItem) -> str:
        shown = f"{it.value:.{digits}f}" if it.value is not None else gap_text
        return f"{shown} {it.note}" if it.note else shown

    texts = [text(it) for it in items]
    label_w = max(text_width(it.label, font) for it in items) + 6
    value_w = max(text_width(t, font) for t in texts) + 8
    x0 = label_w + 4
    x1 = width - value_w
    top = max([max_value or 0.0, max(values, default=0.0), line or 0.0]) or 1.0
    scale = (x1 - x0) / top
    head = BAR_HEAD if line is not None else 4
    line_x = round(x0 + line * scale, 1) if line is not None else None
    bars = []
    for i, it in enumerate(items):
        y = head + i * BAR_ROW + (BAR_ROW - BAR_THICK) / 2
        length = round(it.value * scale, 1) if it.value is not None else 0.0
        tx = x0 + length + 4
        if line_x is not None and x0 + length < line_x and tx - 2 < line_x + 3 and tx + text_width(text(it), font) > line_x - 3:
            tx = line_x + 4  # step over the reference line instead of writing across it
        bad = it.value is not None and line is not None and (it.value > line if above_is_bad else it.value < line)
        bars.append(Bar(it.label, it.value, round(y, 1), length, round(tx, 1), round(y + BAR_THICK - 3, 1),
                        bad, it.partial, it.level, it.gap or it.value is None, it.note))
    height = head + len(items) * BAR_ROW + 4
    lx, anchor = None, "middle"
    if line_x is not None:
        half = text_width(line_label, font) / 2
        lx, anchor = line_x, "middle"
        if line_x + half > width:
            lx, anchor = width - 1, "end"
        elif line_x - half < 0:
            lx, anchor = 1, "start"
    return BarChart(width, height, round(x0, 1), round(label_w, 1), tuple(bars), BAR_THICK, font,
                    line_x, lx, anchor, head - 4, height - 2)
