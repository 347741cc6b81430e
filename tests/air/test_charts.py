"""Bar charts and the history page (issue 13): every row visible, labels off the target line,
level colours as in the badges, gaps between years shown as gaps, incomplete years marked
everywhere, the page opening on the latest complete year."""

from __future__ import annotations

import re

import pytest
from cleanair.domain.charts import BarItem, bar_chart, text_width

MONTHS = [f"{m:02d}" for m in range(1, 13)]


def _label_box(bar, font):
    return bar.text_x, bar.text_x + text_width(f"{bar.value:.1f}", font)


def test_a_value_label_steps_over_the_target_line_instead_of_crossing_it():
    # Hand-made values around a target of 30: bars ending just before the line.
    items = [BarItem(m, v) for m, v in zip(MONTHS, [74.2, 29.0, 28.5, 21.6, 30.0, 31.0, 5.0, 0.0, 29.9, 18.6, 33.5, 47.1])]
    c = bar_chart(items, line=30, line_label="target ≤ 30")
    for b in c.bars:
        left, right = _label_box(b, c.font)
        assert not (left <= c.line_x + 1.5 and right >= c.line_x - 1.5), b  # the line is 2 units wide
    assert len(c.bars) == 12 and [b.label for b in c.bars] == MONTHS  # every month, in order
    assert all(b.length <= c.width for b in c.bars) and all(b.text_x < c.width for b in c.bars)


def test_gaps_partial_periods_and_levels_are_kept_for_the_template():
    items = [BarItem("2019*", 47.7, partial=True, note="168 days"), BarItem("2020", None, gap=True),
             BarItem("2021", None, gap=True), BarItem("2022*", 75.0, partial=True, note="1 day"),
             BarItem("13:00", 102, level=3)]
    c = bar_chart(items, line=30, line_label="target", gap_text="no data")
    assert [b.gap for b in c.bars] == [False, True, True, False, False]
    assert c.bars[0].partial and c.bars[0].note == "168 days" and c.bars[4].level == 3
    assert c.line_label_x is not None and 0 <= c.line_label_x <= c.width
    assert bar_chart([], line=30) is None


@pytest.mark.shared
def test_history_opens_on_the_latest_complete_year_and_shows_the_gap(air_client):
    html = air_client.get("/en/air/history").get_data(as_text=True)
    # 2022 has one day, 2019 half a year: the page opens on 2018, the latest complete year.
    assert '<option value="2018" selected>2018</option>' in html
    assert '<option value="2022">2022 (incomplete)</option>' in html
    assert "Monthly mean PM2.5 in 2018" in html and "Daily levels in 2018" in html
    # 2020 and 2021 are rows of their own, in the charts and in the tables: a gap, not a jump.
    chart = html[html.index('id="pm25-chart"'):html.index("</figure>", html.index('id="pm25-chart"'))]
    labels = re.findall(r'text-anchor="end" fill="#1a1a1a">([^<]+)</text>', chart)
    assert labels == ["2013*", "2014", "2015*", "2016", "2017", "2018", "2019*", "2020", "2021", "2022*"]
    assert chart.count("no data") == 2 and "1 day" in chart and "168 days" in chart
    assert html.count("no data imported for this year") == 2
    # The twelve months of 2018 are all drawn (the old chart stopped at October).
    monthly = html[html.index('id="monthly-chart"'):html.index("</figure>", html.index('id="monthly-chart"'))]
    assert re.findall(r'text-anchor="end" fill="#1a1a1a">(\d\d\*?)</text>', monthly) == MONTHS
    # A partial year chosen on purpose says so.
    assert "2022 is an incomplete year" in air_client.get("/en/air/history?year=2022").get_data(as_text=True)


@pytest.mark.shared
def test_station_chart_shows_the_newest_hour_first_in_the_badges_colours(air_client):
    html = air_client.get("/en/air/stations/1162A").get_data(as_text=True)
    chart = html[html.index('id="hours-chart"'):html.index("</figure>", html.index('id="hours-chart"'))]
    labels = re.findall(r'text-anchor="end" fill="#1a1a1a">([^<]+)</text>', chart)
    assert len(labels) == 24 and labels[0] == "01-04 23:00" and labels[-1] == "00:00"
    # 良 (level 2) bars carry the level class whose fill is the badge colour (yellow).
    assert 'class="aqi-l2"' in chart and 'class="aqi-l3"' in chart and "#1f6f50" not in chart
    css = air_client.get("/air/levels.css").get_data(as_text=True)
    assert ".aqi-l2 { background: #FFFF00; fill: #FFFF00; }" in css.replace("#ffff00", "#FFFF00")
    assert 'viewBox="0 0 360 ' in chart and 'width="' not in chart.split(">", 2)[1]  # scales with its box


@pytest.mark.shared
def test_annual_table_official_counts_and_incomplete_years(air_client):
    html = air_client.get("/en/air/history").get_data(as_text=True)
    heavy = html[html.index('<caption>Heavy-pollution days</caption>'):]
    heavy = heavy[:heavy.index("</table>")]
    # 2017: the publisher's daily AQI has 2 days above 200 (the recomputed count is 0): the
    # official count, as the target pages use it.
    assert re.search(r"2017</th><td class=\"num\"><a [^>]*>2</a>", heavy)
    assert "incomplete" in html[html.index('class="annual-table'):]
