"""Progress data: only published statuses, clear errors, unknown when nothing is published."""

from __future__ import annotations

from datetime import date

import pytest
from cleanair_maps.progress import (
    ProgressDataError,
    ProgressEntry,
    district_progress,
    load_progress,
    summary_status,
)

HEADER = "district,task,status,as_of,source_title,source_url,note\n"
DISTRICTS = ["wujiang", "wuzhong", "gusu"]
TASKS = range(1, 57)


def write(tmp_path, body: str):
    path = tmp_path / "progress.csv"
    path.write_text(HEADER + body, "utf-8")
    return path


def test_committed_file_has_no_invented_status():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "data" / "districts" / "progress.csv"
    entries = load_progress(path, DISTRICTS + ["xiangcheng", "sip", "huqiu-snd", "changshu", "zhangjiagang", "kunshan", "taicang"], TASKS)
    # Every row must cite a source; today the file is header-only (nothing collected yet).
    assert all(e.source_url and e.as_of for e in entries if e.status != "unknown")


def test_missing_file_means_no_status(tmp_path):
    assert load_progress(tmp_path / "absent.csv", DISTRICTS, TASKS) == []


def test_valid_rows_are_read(tmp_path):
    # hand-made fixture, not a real published status
    path = write(tmp_path, "wujiang,27,done,2024-12-20,Hand-made test notice,https://example.org/n,fixture\n")
    [e] = load_progress(path, DISTRICTS, TASKS)
    assert e == ProgressEntry("wujiang", 27, "done", date(2024, 12, 20), "Hand-made test notice", "https://example.org/n", "fixture")


@pytest.mark.parametrize(
    "row,message",
    [
        ("nowhere,27,done,2024-01-01,t,u,\n", "unknown district"),
        ("wujiang,x,done,2024-01-01,t,u,\n", "task must be a number"),
        ("wujiang,99,done,2024-01-01,t,u,\n", "no task 99"),
        ("wujiang,27,finished,2024-01-01,t,u,\n", "status must be one of"),
        ("wujiang,27,done,20/12/2024,t,u,\n", "as_of must be YYYY-MM-DD"),
        ("wujiang,27,done,2024-01-01,,,\n", "needs as_of, source_title and source_url"),
    ],
)
def test_bad_rows_name_the_line(tmp_path, row, message):
    path = write(tmp_path, row)
    with pytest.raises(ProgressDataError, match=message) as err:
        load_progress(path, DISTRICTS, TASKS)
    assert "line 2" in str(err.value)


def test_missing_column_is_reported(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("district,task,status\n", "utf-8")
    with pytest.raises(ProgressDataError, match="missing column"):
        load_progress(path, DISTRICTS, TASKS)


@pytest.mark.parametrize(
    "statuses,expected",
    [
        ([], "unknown"),
        (["unknown", "unknown"], "unknown"),
        (["done"], "done"),
        (["done", "unknown"], "in_progress"),
        (["in_progress", "not_started"], "in_progress"),
        (["not_started", "not_started"], "not_started"),
        (["not_started", "unknown"], "unknown"),
    ],
)
def test_summary_status(statuses, expected):
    assert summary_status(statuses) == expected


def test_latest_entry_wins_and_unreported_named_tasks_stay_unknown():
    entries = [  # hand-made fixtures
        ProgressEntry("wujiang", 27, "in_progress", date(2024, 3, 1), "t1", "u1", ""),
        ProgressEntry("wujiang", 27, "done", date(2024, 12, 1), "t2", "u2", ""),
        ProgressEntry("gusu", 27, "done", date(2024, 12, 1), "t3", "u3", ""),
    ]
    status, rows = district_progress("wujiang", [27, 30], entries)
    assert rows[0][1].status == "done" and rows[1] == (30, None)
    assert status == "in_progress"  # task 30 unknown, task 27 done
    assert district_progress("wuzhong", [27], entries)[0] == "unknown"
