"""Issue 7 "done when": change a data file, reload, and the change shows everywhere.

Each test works on a private copy of content/ and data/ in tmp_path (the edits below are
hand-made test edits, never written to the repository).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from tests.conftest import REPO_ROOT, make_app

from .atom import NS, validate_atom

SLUG = "pm25-annual-mean"


@pytest.fixture()
def site(tmp_path):
    content, data = tmp_path / "content", tmp_path / "data"
    shutil.copytree(REPO_ROOT / "content", content)
    shutil.copytree(REPO_ROOT / "data", data)

    def start():
        app = make_app(tmp_path, CONTENT_DIR=str(content), DATA_DIR=str(data))
        client = app.test_client()
        client.get("/changes.json")  # the first request records what changed since the last run
        return app, client

    return start, content, data


def _edit_target(content: Path, slug: str, **fields) -> None:
    path = content / "plan" / "targets.yaml"
    text = path.read_text(encoding="utf-8")
    block_start = text.index(f"- slug: {slug}\n")
    block_end = text.find("\n- slug:", block_start + 1)
    block = text[block_start:block_end]
    for key, value in fields.items():
        if re.search(rf"^  {key}:", block, flags=re.MULTILINE):
            block = re.sub(rf"^  {key}:.*$", f"  {key}: {value}", block, flags=re.MULTILINE)
        else:
            block += f"\n  {key}: {value}"
    path.write_text(text[:block_start] + block + text[block_end:], encoding="utf-8")


def _changes(client, **args):
    return client.get("/changes.json", query_string=args).json["changes"]


def test_first_load_is_a_baseline_not_changes(site):
    start, _, _ = site
    _, client = start()
    assert _changes(client) == []
    releases = client.get("/data/releases.json").json["releases"]
    assert [r["note"] for r in releases] == ["baseline"]
    # a restart with unchanged files records nothing and cuts no release
    _, client2 = start()
    assert _changes(client2) == []
    assert len(client2.get("/data/releases.json").json["releases"]) == 1


def test_changed_deadline_shows_on_changes_page_target_page_feeds_and_as_of(site):
    start, content, _ = site
    _, client = start()
    assert client.get(f"/targets/{SLUG}.json").json["target"]["deadline"] == "2025-12-31"

    _edit_target(content, SLUG, deadline="2026-12-31")
    _, client = start()  # "reloading": a new process reads the changed file

    changes = _changes(client)
    assert len(changes) == 1
    c = changes[0]
    assert (c["entity"], c["field"], c["old"], c["new"]) == (f"target:{SLUG}", "deadline", "2025-12-31", "2026-12-31")
    assert c["effective_date"] == "2026-11-30"  # no date in the file: the (pinned) load date
    assert "targets.yaml" in c["source"]

    html = client.get("/en/changes").get_data(as_text=True)
    assert "Annual mean PM2.5 concentration: deadline changed from 2025-12-31 to 2026-12-31" in html
    zh = client.get("/changes").get_data(as_text=True)
    assert "2025-12-31" in zh and "2026-12-31" in zh

    page = client.get(f"/en/targets/{SLUG}").get_data(as_text=True)
    assert "Dec 31, 2026" in page and "History of changes" in page
    assert "deadline changed from 2025-12-31 to 2026-12-31" in page

    # Atom: the site-wide and the target feed carry the change and validate
    for url in ("/changes.atom", f"/targets/{SLUG}/changes.atom", "/en/changes.atom"):
        resp = client.get(url)
        assert resp.content_type == "application/atom+xml; charset=utf-8"
        root = ET.fromstring(resp.data)
        assert validate_atom(root) == [], url
        entries = root.findall(NS + "entry")
        assert len(entries) == 1 and "2026-12-31" in entries[0].findtext(NS + "title")
        assert entries[0].findtext(NS + "id").startswith("tag:localhost,2026:change/")
    assert ET.fromstring(client.get("/departments/ecology-environment/changes.atom").data).findall(NS + "entry") == []

    # as of the day before the change: the old deadline, with a banner; HTML, JSON and CSV agree
    old = client.get(f"/en/targets/{SLUG}?as_of=2026-11-29").get_data(as_text=True)
    assert "Dec 31, 2025" in old and "Dec 31, 2026" not in old.split("History of changes")[0]
    assert "You are viewing this page as this site showed it on" in old
    assert client.get(f"/targets/{SLUG}.json?as_of=2026-11-29").json["target"]["deadline"] == "2025-12-31"
    assert client.get(f"/targets/{SLUG}.json?as_of=2026-11-30").json["target"]["deadline"] == "2026-12-31"
    rows = list(csv.DictReader(io.StringIO(client.get(f"/targets/{SLUG}.csv?as_of=2026-11-29").data.decode("utf-8-sig"))))
    assert rows[0]["deadline"] == "2025-12-31"

    # a new data release with the change in its changelog and checksummed files
    releases = client.get("/data/releases.json").json["releases"]
    assert [r["version"] for r in releases] == ["2026-11-30.2", "2026-11-30.1"]
    newest = releases[0]
    assert newest["change_count"] == 1
    targets_file = next(f for f in newest["files"] if f["name"] == "targets.json")
    body = client.get("/data/releases/2026-11-30.2/targets.json").data
    assert hashlib.sha256(body).hexdigest() == targets_file["sha256"]
    assert b'"version": "2026-11-30.2"' in body and b'"2026-12-31"' in body

    # ids are stable: same entry id after another restart
    first_id = ET.fromstring(client.get("/changes.atom").data).find(NS + "entry").findtext(NS + "id")
    _, client3 = start()
    assert ET.fromstring(client3.get("/changes.atom").data).find(NS + "entry").findtext(NS + "id") == first_id


def test_date_and_source_in_the_file_are_used(site):
    start, content, _ = site
    start()
    _edit_target(content, SLUG, target_value=25, changed="2026-10-01", change_source="Suzhou Gazette 2026 No. 9",
                 change_note="Target tightened")
    _, client = start()
    c = _changes(client, target=SLUG)[0]
    assert (c["field"], c["effective_date"], c["source"], c["note"]) == (
        "target_value", "2026-10-01", "Suzhou Gazette 2026 No. 9", "Target tightened")
    assert client.get(f"/targets/{SLUG}.json?as_of=2026-09-30").json["target"]["target_value"] == 30
    assert client.get(f"/targets/{SLUG}.json?as_of=2026-10-01").json["target"]["target_value"] == 25


def test_assignment_and_published_value_changes_reach_task_department_pages(site):
    start, content, data = site
    start()
    path = content / "plan" / "plan.zh.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    task = next(t for t in doc["tasks"] if t["number"] == 27)
    next(d for d in task["departments"] if d["slug"] == "public-security")["role"] = "lead"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with (data / "indicators" / "values.csv").open("a", encoding="utf-8") as fh:
        # hand-made test row (not a real published value)
        fh.write(f"{SLUG},28.5,2025-12-31,year,Test bulletin (hand-made),https://example.org/b,test row\n")
    _, client = start()

    dep = _changes(client, department="public-security")
    assert [(c["entity"], c["field"], c["old"], c["new"]) for c in dep] == [
        ("assignment:27/public-security", "role", "joint", "lead")]
    assert "Task 27" in client.get("/en/departments/public-security").get_data(as_text=True).split("History of changes")[1]
    assert _changes(client, task=27)[0]["field"] == "role"
    before = client.get("/departments/public-security.json?as_of=2026-11-29").json["department"]["tasks"]
    assert next(t for t in before if t["number"] == 27)["role"] == "joint"
    task_then = client.get("/plan/tasks/27.json?as_of=2026-11-29").json["task"]
    assert next(d for d in task_then["departments"] if d["slug"] == "public-security")["role"] == "joint"

    value = _changes(client, target=SLUG)
    assert value[0]["kind"] == "added" and value[0]["source"] == "Test bulletin (hand-made)"
    assert client.get(f"/targets/{SLUG}.json").json["target"]["status"] == "achieved"
    assert client.get(f"/targets/{SLUG}.json?as_of=2026-11-29").json["target"]["status"] == "deadline_passed_no_data"


def test_bad_as_of_is_a_clear_error(site):
    start, _, _ = site
    _, client = start()
    resp = client.get(f"/en/targets/{SLUG}?as_of=30-11-2026")
    assert resp.status_code == 400 and "YYYY-MM-DD" in resp.get_data(as_text=True)
    resp = client.get(f"/targets/{SLUG}.json?as_of=2027-01-01")
    assert resp.status_code == 400 and resp.is_json


def test_changes_filters_and_twins(site):
    start, content, _ = site
    start()
    _edit_target(content, SLUG, deadline="2026-12-31")
    _edit_target(content, "heavy-pollution-days", target_value=2)
    _, client = start()
    assert len(_changes(client)) == 2
    assert [c["target"] for c in _changes(client, target="heavy-pollution-days")] == ["heavy-pollution-days"]
    assert _changes(client, department="ecology-environment") == []
    html = client.get("/en/changes?target=no-such-thing").get_data(as_text=True)
    assert "Unknown filter value ignored: target" in html
    rows = list(csv.DictReader(io.StringIO(client.get("/changes.csv").data.decode("utf-8-sig"))))
    assert {r["field"] for r in rows} == {"deadline", "target_value"}
    assert client.get("/changes.json").json["version"] == "2026-11-30.2"


def test_cli_records_with_date_source_and_note(site, tmp_path):
    start, content, _ = site
    start()
    _edit_target(content, SLUG, unit="mg/m³")
    fresh = make_app(tmp_path, CONTENT_DIR=str(content), DATA_DIR=str(content.parent / "data"))
    result = fresh.test_cli_runner().invoke(args=["history", "record", "--date", "2026-11-20", "--source",
                                                  "Municipal notice", "--note", "unit corrected"])
    assert result.exit_code == 0, result.output
    assert "1 change(s) recorded" in result.output
    c = _changes(fresh.test_client())[0]
    assert (c["effective_date"], c["source"], c["note"]) == ("2026-11-20", "Municipal notice", "unit corrected")
    bad = fresh.test_cli_runner().invoke(args=["history", "record", "--date", "tomorrow"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_a_release_cut_during_an_english_request_leaks_no_language(tmp_path):
    """The first request records history and cuts a release by rendering every download through
    the app, inside that request's app context: the page stays English, the downloads stay
    Chinese (the default locale of un-prefixed URLs). With observations imported, the target
    records in those downloads call gettext (their sources), which is what used to leak."""
    from tests.conftest import SHARED_DATA, require_shared

    require_shared(SHARED_DATA)
    app = make_app(tmp_path)
    with app.app_context():
        from cleanair.air import service
        from cleanair.air.store import import_paths

        st = service.state()
        import_paths([SHARED_DATA], st.standards, st.frame)
        service.invalidate()
    client = app.test_client()
    page = client.get("/en/embed/air").get_data(as_text=True)
    assert "Air quality in Suzhou" in page and "苏州当前空气质量" not in page
    with app.app_context():
        from cleanair.extensions import db
        from cleanair.history.models import ReleaseFile

        files = {f.name: f.content.decode("utf-8-sig") for f in db.session.query(ReleaseFile)}
    assert files, "the first request cut a release"
    assert "Air quality in Suzhou" not in "".join(files.values())
