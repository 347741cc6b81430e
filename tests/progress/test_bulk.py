"""CSV bulk import (drafts) and export (published), round-trip; the staff and seed commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import PASSWORD, make_staff, objects

REPORTS = (
    "district,task,status,as_of,source_title,source_url,note\n"
    "wuzhong,27,done,2025-01-10,TEST FIXTURE notice,https://example.test/a,hand-made test row\n"
    ",21,in_progress,2025-06-30,TEST FIXTURE report,https://example.test/b,city-wide\n"
)
VALUES = (
    "slug,value,date,period,source_title,source_url,note,source_issuer,source_date,republished_by\n"
    "pm25-annual-mean,28.5,2024-12-31,year,TEST FIXTURE bulletin,https://example.test/c,hand-made,Test bureau,2025-06-01,Test news\n"
)


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result


def test_import_creates_drafts_once_and_export_round_trips(papp, tmp_path):
    make_staff(papp, "office", "publisher")
    for name, text in (("reports.csv", REPORTS), ("values.csv", VALUES)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = _cli(papp, "progress", "import", str(tmp_path / name), "--by", "office")
        assert result.exit_code == 0, result.output
        again = _cli(papp, "progress", "import", str(tmp_path / name), "--by", "office")
        assert "0 draft(s) created" in again.output
    assert [r.state for r in objects(papp)] == ["draft", "draft"]
    assert _cli(papp, "progress", "export").output.count("\n") == 1  # drafts are not exported
    assert _cli(papp, "progress", "publish", "--by", "office").output.strip() == "published 3 record(s)"
    exported = _cli(papp, "progress", "export").output
    assert exported.splitlines()[0] == ("district,task,status,as_of,source_title,source_url,note,source_doc_no,"
                                        "source_issuer,source_date,republished_by")
    assert exported.splitlines()[1:] == [line + ",,,," for line in REPORTS.splitlines()[1:]]
    assert _cli(papp, "progress", "export", "--kind", "values").output == VALUES
    # The export imports again unchanged (same keys: nothing new).
    (tmp_path / "again.csv").write_text(exported, encoding="utf-8")
    assert "0 draft(s) created, 2 already imported" in _cli(papp, "progress", "import", str(tmp_path / "again.csv"),
                                                            "--by", "office").output


@pytest.mark.parametrize("bad,message", [
    ("district,task,status\nwuzhong,27,done\n", "header must start with"),
    (REPORTS.replace("2025-01-10", "10.1.2025"), "line 2: as_of"),
    (REPORTS.replace(",27,", ",x,"), "task must be a number"),
    (REPORTS.replace("https://example.test/a", ""), "line 2: invalid source_url_or_doc_no"),
    (REPORTS.replace("wuzhong", "atlantis"), "line 2: invalid district"),
])
def test_a_bad_file_imports_nothing_and_names_the_line(papp, tmp_path, bad, message):
    make_staff(papp, "office", "publisher")
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    result = _cli(papp, "progress", "import", str(tmp_path / "bad.csv"), "--by", "office")
    assert result.exit_code != 0 and message in result.output
    assert objects(papp) == []


def test_an_editor_imports_only_for_its_bodies(papp, tmp_path):
    make_staff(papp, "ed-finance", "editor", ("finance",))
    (tmp_path / "r.csv").write_text(REPORTS, encoding="utf-8")
    result = _cli(papp, "progress", "import", str(tmp_path / "r.csv"), "--by", "ed-finance")
    assert result.exit_code != 0 and "may not draft" in result.output


def test_staff_create_editor_with_departments(papp):
    result = _cli(papp, "staff", "create", "ed1", "--role", "editor", "--department", "public-security",
                  "--department", "urban-management", "--password", PASSWORD)
    assert result.exit_code == 0 and "for public-security, urban-management" in result.output
    listing = _cli(papp, "staff", "list").output
    assert "ed1\teditor\tpublic-security,urban-management" in listing
    assert _cli(papp, "staff", "create", "ed2", "--role", "editor", "--password", PASSWORD).exit_code != 0
    bad = _cli(papp, "staff", "create", "ed3", "--role", "editor", "--department", "nobody", "--password", PASSWORD)
    assert bad.exit_code != 0 and "nobody" in bad.output and "ed3" not in _cli(papp, "staff", "list").output
    assert _cli(papp, "staff", "create", "pub", "--role", "publisher", "--password", PASSWORD).exit_code == 0
    assert _cli(papp, "staff", "create", "pub2", "--role", "publisher", "--department", "finance",
                "--password", PASSWORD).exit_code != 0


def test_seed_enters_the_cited_records_through_the_loop_once(papp, pclient):
    data = Path(papp.config["DATA_DIR"]) / "progress"
    first = _cli(papp, "progress", "seed")
    assert first.exit_code == 0, first.output
    assert "published 2 record(s) as progress-seed" in first.output
    assert "published 0 record(s)" in _cli(papp, "progress", "seed").output
    reports = objects(papp)
    assert {(r.task, r.district, r.state, r.created_by, r.published_by) for r in reports} == {
        (27, "wuzhong", "published", "progress-seed", "progress-seed")}
    assert all(r.republished_by for r in reports + objects(papp, "value"))  # marked as republications
    # The system account can never sign in.
    assert pclient.post("/staff/login", data={"username": "progress-seed", "password": "x" * 20}).status_code == 401
    task = pclient.get("/plan/tasks/27.json").json["task"]
    assert task["progress"][0]["source_issuer"] == "吴中区人民政府" and task["overdue"] is True
    target = pclient.get("/targets/pm25-annual-mean.json").json["target"]
    assert target["latest"]["value"] == 28 and "苏州市生态环境局" in target["latest"]["source_title"]
    assert target["status"] == "deadline_passed_no_data"  # a 2022 value says nothing of the 2025 deadline
    assert (data / "README.md").exists()
