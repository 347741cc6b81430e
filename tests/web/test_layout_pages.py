"""Page structure the layout of issue 13 relies on (the browser checks: tests/browser/test_layout.py)."""

from __future__ import annotations

import re


def _headers(html: str, table_class: str) -> list[str]:
    t = html[html.index(f'class="{table_class}'):]
    head = t[t.index("<thead>"):t.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def test_targets_table_has_no_two_columns_with_the_same_heading(client):
    for prefix in ("", "/en"):
        heads = _headers(client.get(prefix + "/targets").get_data(as_text=True), "stack-table targets-table")
        assert len(heads) == len(set(heads)) == 6, heads
    assert _headers(client.get("/targets").get_data(as_text=True), "stack-table targets-table")[:2] == ["指标", "目标"]


def test_every_card_cell_of_the_targets_table_is_labelled(client):
    html = client.get("/targets").get_data(as_text=True)
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    assert body.count("<td") == body.count("data-label=")  # on a phone each value says what it is


def test_task_list_shows_number_title_lead_deadline_and_progress(client):
    html = client.get("/en/plan/tasks").get_data(as_text=True)
    assert _headers(html, "tasks stack-table") == ["No.", "Task", "Lead / responsible bodies", "Deadline", "Progress"]
    rows = html[html.index("<tbody>"):html.index("</tbody>")].split("<tr>")[1:]
    assert len(rows) == 56
    for row in rows:  # the phone card: the first lead body, then how many more, and the standing
        assert 'class="num task-no"' in row and 'class="task-title"' in row and 'class="standing standing-' in row
        assert 'class="body-name"' in row
