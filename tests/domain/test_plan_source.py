"""Parsing the seed text: structure, full texts, mapping, departments, deadlines, targets."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
import yaml
from cleanair.domain.plan_source import (
    extract_deadlines,
    extract_recurring,
    normalise_text,
    numeral_to_int,
    parse_responsibility,
    responsibility_clauses,
    parse_seed,
    squash,
)

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seed" / "000_b12c08994cccf728.txt"
CONTENT = REPO / "content"

pytestmark = pytest.mark.shared

# The task → measure mapping read off the plan by hand (see MEASURE_OVERRIDES in the build
# script for the two rows where the table layout misleads).
EXPECTED_MAPPING = {
    1: [1, 2],
    2: [3],
    3: [4, 5],
    4: [6, 7],
    5: [8],
    6: [9],
    7: [10],
    8: [11, 12],
    9: [13, 14],
    10: [15, 16, 17, 18, 19, 20],
    11: [21, 22, 23],
    12: [24, 25],
    13: [26],
    14: [27],
    15: [28, 29, 30],
    16: [31, 32],
    17: [33],
    18: [34, 35],
    19: [36, 37],
    20: [38, 39],
    21: [40, 41, 42, 43, 44],
    22: [45],
    23: [46, 47],
    24: [48, 49, 50, 51],
    25: [52],
    26: [53],
    27: [54, 55, 56],
}


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.exists():
        pytest.skip(f"seed text not found at {SEED} (expected ../shared/seed/ next to the repo)")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def source(seed: str):
    return parse_seed(seed)


@pytest.fixture(scope="module")
def built(seed: str) -> dict:
    spec = importlib.util.spec_from_file_location(
        "build_plan_content", REPO / "scripts" / "build_plan_content.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {"module": module, "data": module.build(SEED, CONTENT)}


def test_numerals() -> None:
    assert [numeral_to_int(n) for n in ("一", "十", "十一", "二十", "二十七")] == [
        1,
        10,
        11,
        20,
        27,
    ]


def test_normalise_text_drops_layout_spaces_and_pm25() -> None:
    assert normalise_text("到 2025 年，全市 PM_{2.5} 浓度") == "到2025年，全市PM2.5浓度"
    assert normalise_text("持续开展 PM _{2.5} 和臭氧") == "持续开展PM2.5和臭氧"


def test_counts(source) -> None:
    assert len(source.chapters) == 10
    assert len(source.measures) == 27
    assert [m.number for m in source.measures] == list(range(1, 28))
    assert len(source.rows) == 56
    assert source.chapters[0].title == "总体要求" and source.chapters[0].measures == ()


def test_half_width_measure_numerals_parsed(source) -> None:
    assert [m.title for m in source.measures[24:]] == [
        "加强组织领导",
        "严格监督考核",
        "实施全民行动",
    ]
    assert all(m.chapter == 10 for m in source.measures[24:])


def test_page_breaks_rejoined(source) -> None:
    texts = {m.number: m.text for m in source.measures}
    assert "（纳入国家产业规划除外）等行业新增产能" in texts[1]
    assert "提高清洁运输比例。" in texts[10]
    assert "重点工业园区建立分环节" in texts[15]
    assert texts[19].endswith("进一步巩固改善空气质量。")
    assert "PM2.5和臭氧" in texts[22]


def test_every_text_is_in_the_seed(seed: str, source) -> None:
    flat = squash(seed)
    for m in source.measures:
        assert squash(m.title + "。" + m.text) in flat, m.number
    for r in source.rows:
        assert squash(r.text) in flat, r.number
        assert squash(r.responsibility) in flat, r.number
    for para in (source.preamble, source.general_requirements, source.main_goals):
        assert squash(para) in flat


def test_task_to_measure_mapping(built) -> None:
    got: dict[int, list[int]] = {}
    for t in built["data"]["tasks"]:
        got.setdefault(t["measure"], []).append(t["number"])
    assert got == EXPECTED_MAPPING


def test_discrepancies_recorded(built) -> None:
    found = {t["number"]: t["discrepancy"] for t in built["data"]["tasks"] if t["discrepancy"]}
    assert sorted(found) == [24, 28, 34, 36, 46]
    assert "加强烟花爆竹禁放管理" in found[28] and "（十五）" in found[28]
    assert "加强决策科技支撑" in found[46] and "（二十三）" in found[46]
    assert "大气氮污染防治" in found[34] and "大气氨污染防治" in found[34]
    tasks = {t["number"]: t for t in built["data"]["tasks"]}
    assert tasks[28]["heading_printed"] is None
    assert tasks[28]["heading"] == "强化VOCs全流程、全环节综合治理"


def test_headings_match_titles_except_recorded(built) -> None:
    titles = {m["number"]: m["title"] for m in built["data"]["measures"]}
    for t in built["data"]["tasks"]:
        if t["heading_printed"] and squash(t["heading_printed"]) != squash(titles[t["measure"]]):
            assert t["discrepancy"], t["number"]


def test_responsibility_grammar() -> None:
    assert parse_responsibility("市生态环境局牵头，市发改委、市工信局等配合。") == (
        [("市生态环境局", "lead"), ("市发改委", "cooperating"), ("市工信局", "cooperating")],
        False,
    )
    # Half-width comma as printed in task 42.
    names, _ = parse_responsibility("市生态环境局牵头,市交通局等配合。")
    assert names == [("市生态环境局", "lead"), ("市交通局", "cooperating")]
    with pytest.raises(ValueError):
        parse_responsibility("市生态环境局负责。")
    clauses, county = responsibility_clauses("市生态环境局牵头，市发改委、市工信局等配合。")
    assert [(c.role, c.names, c.and_others) for c in clauses] == [
        ("lead", ("市生态环境局",), False),
        ("cooperating", ("市发改委", "市工信局"), True),
    ] and not county


def test_departments_on_tasks(built) -> None:
    tasks = {t["number"]: t for t in built["data"]["tasks"]}
    roles = lambda n: [(d["slug"], d["role"]) for d in tasks[n]["departments"]]
    assert roles(5)[:3] == [
        ("ecology-environment", "lead"),
        ("development-reform", "cooperating"),
        ("industry-it", "cooperating"),
    ]
    assert ("emergency-management", "joint") in roles(3)
    assert ("emergency-management", "joint") in roles(27)
    assert ("emergency-management", "cooperating") in roles(31)
    assert ("pboc-suzhou", "lead") in roles(51) and (
        "party-financial-office",
        "cooperating",
    ) in roles(51)
    assert ("yangtze-maritime", "joint") in roles(13)
    for t in tasks.values():
        # 负责落实 (row 1's note, for every task) is its own role, not 按职责分工负责.
        assert ("county-governments", "implementing") in roles(t["number"])
        assert len(t["departments"]) >= 2  # at least one named body plus the county note
        joint = [slug for slug, role in roles(t["number"]) if role == "joint"]
        assert bool(joint) == ("按职责分工负责" in t["responsibility"]), t["number"]
        assert "county-governments" not in joint
    assert "各县级市（区）人民政府（管委会）负责落实" in built["data"]["note"]


def test_districts_and_deadlines(built) -> None:
    tasks = {t["number"]: t for t in built["data"]["tasks"]}
    assert tasks[27]["districts"] == ["wujiang", "wuzhong", "xiangcheng"]
    assert [n for n, t in tasks.items() if t["districts"]] == [27]
    assert tasks[21]["deadlines"] == ["2024-12-31", "2025-12-31"]
    assert tasks[15]["deadlines"] == ["2024-12-31"]
    assert tasks[31]["deadlines"] == ["2024-12-31", "2025-12-31"]
    assert tasks[34]["deadlines"] == ["2025-12-31"]  # 较2020年 is a baseline, not a deadline
    assert {n for n, t in tasks.items() if t["recurring"] == "yearly"} == {4, 29, 30, 45}


def test_deadline_extraction_units() -> None:
    assert extract_deadlines("到2025年底，全市水泥企业") == [date(2025, 12, 31)]
    assert extract_deadlines("化肥使用总量较2020年削减3%") == []
    assert extract_deadlines("。2024 年，推广应用") == [date(2024, 12, 31)]
    assert extract_recurring("每年建设绿色工厂10家") == "yearly"


def test_build_check_passes(built) -> None:
    assert built["module"].main(["--check", "--seed", str(SEED)]) == 0


def test_targets_quotes_and_english(seed: str) -> None:
    flat = squash(seed)
    targets = yaml.safe_load((CONTENT / "plan" / "targets.yaml").read_text(encoding="utf-8"))[
        "targets"
    ]
    assert len(targets) >= 35
    for t in targets:
        assert squash(t["quote_zh"]) in flat, t["slug"]
        assert t["title_en"].strip() and t["notes_en"].strip(), t["slug"]
        assert t["slug"].isascii() and t["slug"] == t["slug"].lower(), t["slug"]


def test_build_check_fails_on_stale_file(built, tmp_path: Path, capsys) -> None:
    stale = tmp_path / "plan.zh.yaml"
    stale.write_text("title: old\n", encoding="utf-8")
    assert built["module"].main(["--check", "--seed", str(SEED), "--output", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
