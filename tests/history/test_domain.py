"""Pure history functions on small hand-made records (labelled as such) and on the real plan."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from cleanair.domain import history as h
from cleanair.domain.plan import load_plan

from .atom import validate_atom

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan():
    return load_plan(REPO / "content")


# Hand-made records (not real data): one target whose deadline moves, one task added.
OLD = {"target:a": {"deadline": "2024-12-31", "target_value": 30.0}, "task:1": {"text_zh": "甲"}}
NEW = {"target:a": {"deadline": "2025-12-31", "target_value": 30.0}, "task:2": {"text_zh": "乙"}}


def test_diff_reports_fields_and_whole_records():
    changes = h.diff_records("t", OLD, NEW)
    kinds = {(c.entity, c.field, c.kind) for c in changes}
    assert kinds == {("target:a", "deadline", "changed"), ("task:1", "", "removed"), ("task:2", "", "added")}
    moved = next(c for c in changes if c.field == "deadline")
    assert (moved.old, moved.new) == ("2024-12-31", "2025-12-31")
    assert h.diff_records("t", NEW, NEW) == []


def _stored(changes, effective):
    return [h.StoredChange(i, c.entity, c.field, c.old, c.new, effective) for i, c in enumerate(changes, 1)]


def test_reconstruct_undoes_only_later_changes():
    stored = _stored(h.diff_records("t", OLD, NEW), date(2026, 6, 1))
    assert h.reconstruct(NEW, stored, date(2026, 5, 31)) == OLD
    assert h.reconstruct(NEW, stored, date(2026, 6, 1)) == NEW


def test_reconstruct_several_changes_to_one_field_restores_the_first_value():
    stored = [
        h.StoredChange(1, "target:a", "deadline", "2024-12-31", "2025-06-30", date(2026, 3, 1)),
        h.StoredChange(2, "target:a", "deadline", "2025-06-30", "2025-12-31", date(2026, 6, 1)),
    ]
    current = {"target:a": {"deadline": "2025-12-31"}}
    assert h.reconstruct(current, stored, date(2026, 1, 1))["target:a"]["deadline"] == "2024-12-31"
    assert h.reconstruct(current, stored, date(2026, 4, 1))["target:a"]["deadline"] == "2025-06-30"


def test_real_plan_records_cover_every_task_target_and_assignment(plan):
    targets = h.target_records(plan)
    content = h.plan_content_records(plan)
    assert len(targets) == len(plan.targets) >= 30
    assert sum(k.startswith("task:") for k in content) == 56
    assert "assignment:27/public-security" in content or any(k.startswith("assignment:27/") for k in content)
    # round trip: records → plan gives back the same targets and task assignments
    same = h.plan_as_of(plan, {**targets, **content})
    assert same.targets == plan.targets
    assert [t.departments for t in same.tasks] == [t.departments for t in plan.tasks]


def test_plan_as_of_uses_the_old_deadline(plan):
    records = {**h.target_records(plan), **h.plan_content_records(plan)}
    records["target:pm25-annual-mean"]["deadline"] = "2024-12-31"
    then = h.plan_as_of(plan, records)
    assert then.target("pm25-annual-mean").deadline == date(2024, 12, 31)


def test_refs_for_filtering():
    assert h.refs("assignment:27/ecology-environment") == {
        "target": None, "task": 27, "department": "ecology-environment", "district": None}
    assert h.refs("value:pm25-annual-mean/2024-12-31/year")["target"] == "pm25-annual-mean"
    assert h.refs("progress:wujiang/27")["district"] == "wujiang"


def test_progress_records_read_the_maps_file_layout(tmp_path):
    p = tmp_path / "progress.csv"  # hand-made file, not real data
    p.write_text("district,task,status,as_of,source_title,source_url,note\n"
                 "wujiang,27,done,2025-01-10,Notice,https://example.org/n,\n", encoding="utf-8")
    records, meta = h.progress_records(p)
    assert records == {"progress:wujiang/27": {"status": "done", "as_of": "2025-01-10", "source_title": "Notice",
                                               "source_url": "https://example.org/n", "note": ""}}
    assert meta["progress:wujiang/27"].effective == date(2025, 1, 10)
    assert h.progress_records(tmp_path / "missing.csv") == ({}, {})
    (tmp_path / "bad.csv").write_text("where,what\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.csv: line 1"):
        h.progress_records(tmp_path / "bad.csv")


def test_targets_meta_reads_change_date_and_source(tmp_path):
    p = tmp_path / "targets.yaml"  # hand-made
    p.write_text("targets:\n- slug: a\n  changed: 2026-11-15\n  change_source: Gazette\n- slug: b\n", encoding="utf-8")
    assert h.targets_meta(p) == {"target:a": h.Meta(date(2026, 11, 15), "Gazette", "", "")}
    p.write_text("targets:\n- slug: a\n  changed: soon\n", encoding="utf-8")
    with pytest.raises(ValueError, match="a.changed"):
        h.targets_meta(p)


def test_atom_document_is_valid_and_ids_are_tag_uris():
    moment = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    feed = h.Feed(h.tag_uri("example.org", 2026, "changes"), "Changes", "http://example.org/changes.atom",
                  "http://example.org/changes", "Site", "en")
    entries = [h.FeedEntry(h.tag_uri("example.org", 2026, f"change/{i}"), f"Change {i}", moment, moment,
                           f"http://example.org/c/{i}", "summary <b>&</b>") for i in (1, 2)]
    xml = h.build_atom(feed, entries)
    root = ET.fromstring(xml)
    assert validate_atom(root) == []
    assert root.find("{http://www.w3.org/2005/Atom}updated").text == "2026-11-30T08:00:00Z"
    empty = ET.fromstring(h.build_atom(feed, []))
    assert validate_atom(empty) == []


def test_atom_validator_catches_broken_feeds():
    """The validator itself must be able to fail (missing id, bad date, duplicate ids)."""
    bad = ET.fromstring(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><updated>yesterday</updated>'
        '<entry><id>a</id><title>t</title><updated>2026-01-01T00:00:00Z</updated></entry>'
        '<entry><id>a</id><title>t</title><updated>2026-01-01T00:00:00Z</updated></entry></feed>')
    problems = "\n".join(validate_atom(bad))
    assert "feed: missing id" in problems and "not RFC 3339" in problems and "duplicate id" in problems
    assert "author" in problems


def test_rfc3339_and_citation():
    assert h.rfc3339(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05Z"
    c = h.citation("Site", "PM2.5 {x}", "https://e.org/targets/a", "2026-11-30.1", date(2026, 11, 30), 2026)
    assert "https://e.org/targets/a" in c["plain"] and "2026-11-30.1" in c["plain"] and "accessed 2026-11-30" in c["plain"]
    assert c["bibtex"].startswith("@misc{cleanair-") and "\\{x\\}" in c["bibtex"]
    assert re.search(r"urldate = \{2026-11-30\}", c["bibtex"])
