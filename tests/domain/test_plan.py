"""Loading content/ into Plan objects, indicator values and target status rules."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from cleanair.domain.plan import load_indicator_values, load_plan

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"


@pytest.fixture(scope="module")
def plan():
    return load_plan(CONTENT)


def test_counts_and_english(plan) -> None:
    assert len(plan.chapters) == 10 and len(plan.measures) == 27 and len(plan.tasks) == 56
    for t in plan.tasks:
        assert t.text_en and t.heading_en and plan.responsibility_en(t)
        assert t.departments and all(
            d.role in ("lead", "cooperating", "joint", "implementing") for d in t.departments
        )
        assert (t.discrepancy_zh is None) == (t.discrepancy_en is None)
    for m in plan.measures:
        assert m.title_en and m.text_en and m.tasks
    assert plan.chapter(1).text_en and plan.chapter(2).text_en == ""
    assert plan.title_en and plan.note_en and plan.source["sha256"]


def test_lookups(plan) -> None:
    assert plan.task(28).measure == 15 and plan.task(46).measure == 23
    assert plan.measure(15).tasks == (28, 29, 30)
    assert plan.department("emergency-management").synonyms == ("市应急管理局", "市应急局")
    assert [(t.number, r) for t, r in plan.tasks_for_department("emergency-management")] == [
        (3, "joint"),
        (27, "joint"),
        (31, "cooperating"),
    ]
    assert [t.number for t in plan.tasks_for_district("wujiang")] == [27]
    assert plan.district("sip").code is None and plan.district("gusu").code == "320508"
    assert plan.task(21).deadlines == (date(2024, 12, 31), date(2025, 12, 31))
    assert "stage1-machinery-retired-2024" in plan.task(21).targets
    assert {t.slug for t in plan.targets_for_task(13)} >= {
        "waterway-freight",
        "inland-container-volume",
    }
    assert plan.task(999) is None and plan.department("nope") is None


def test_targets(plan) -> None:
    pm = plan.target("pm25-annual-mean")
    assert (pm.comparator, pm.target_value, pm.unit, pm.deadline) == (
        "at_most",
        30,
        "µg/m³",
        date(2025, 12, 31),
    )
    assert plan.target("green-factories").recurring == "yearly"
    assert plan.target("non-fossil-energy").approximate
    assert plan.target("nox-emissions").baseline_year == 2020
    for t in plan.targets:
        assert t.title_en and t.notes_en
        assert t.measure is None or plan.measure(t.measure) is not None


def _broken_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    return dst


def test_missing_english_is_reported(tmp_path: Path) -> None:
    content = _broken_copy(tmp_path)
    en_path = content / "plan" / "plan.en.yaml"
    en = yaml.safe_load(en_path.read_text(encoding="utf-8"))
    del en["tasks"][5]["text"]
    en_path.write_text(yaml.safe_dump(en, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=r"plan\.en\.yaml: tasks\.5\.text: missing"):
        load_plan(content)


def test_unknown_department_is_reported(tmp_path: Path) -> None:
    content = _broken_copy(tmp_path)
    zh_path = content / "plan" / "plan.zh.yaml"
    zh_path.write_text(
        zh_path.read_text(encoding="utf-8").replace("slug: pboc-suzhou", "slug: pboc-beijing", 1),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"plan\.zh\.yaml: .*pboc-beijing"):
        load_plan(content)


def test_bad_comparator_is_reported(tmp_path: Path) -> None:
    content = _broken_copy(tmp_path)
    path = content / "plan" / "targets.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  comparator: at_most\n", "  comparator: under\n", 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"targets\.yaml: targets\[0\]\.comparator"):
        load_plan(content)


# --- indicator values ----------------------------------------------------------------
# All values below are HAND-MADE fixtures to exercise the rules, not real measurements.


def test_shipped_values_file_is_header_only() -> None:
    path = REPO / "data" / "indicators" / "values.csv"
    assert (
        path.read_text(encoding="utf-8").strip()
        == "slug,value,date,period,source_title,source_url,note"
    )
    assert load_indicator_values(path) == {}


def test_load_values_and_errors(tmp_path: Path) -> None:
    assert load_indicator_values(tmp_path / "absent.csv") == {}
    good = tmp_path / "values.csv"
    good.write_text(
        "slug,value,date,period,source_title,source_url,note\n"
        "pm25-annual-mean,29.5,2024-12-31,year,Hand-made bulletin,https://example.org/a,fixture\n",
        encoding="utf-8",
    )
    values = load_indicator_values(good)
    assert values["pm25-annual-mean"][0].value == 29.5
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "slug,value,date,period,source_title,source_url,note\n"
        "pm25-annual-mean,29.5,2024-12-31,year,Hand-made bulletin,https://example.org/a,\n"
        "pm25-annual-mean,lots,2024-12-31,year,Hand-made bulletin,https://example.org/a,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"bad\.csv: line 3: value"):
        load_indicator_values(bad)
    bad.write_text(
        "slug,value,date,period,source_title,source_url,note\n"
        "pm25-annual-mean,29.5,2024-12-31,year,,https://example.org/a,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="line 2: source_title"):
        load_indicator_values(bad)


def test_the_county_governments_role_is_responsible_for_implementation(plan) -> None:
    """Row 1: 各县级市（区）人民政府（管委会）负责落实 — for every task, and never called joint."""
    for t in plan.tasks:
        roles = {d.slug: d.role for d in t.departments}
        assert roles["county-governments"] == "implementing", t.number
    assert [t.number for t, _ in plan.tasks_for_department("county-governments")] == list(range(1, 57))
    assert {r for _, r in plan.tasks_for_department("county-governments")} == {"implementing"}


def test_one_english_name_per_body_in_the_responsibility_text(plan) -> None:
    """The English responsibility text is built from departments.yaml, never retyped."""
    raw_en = yaml.safe_load((CONTENT / "plan" / "plan.en.yaml").read_text(encoding="utf-8"))
    assert all("responsibility" not in t for t in raw_en["tasks"].values())
    t51 = plan.responsibility_en(plan.task(51))
    assert t51.startswith("Lead: People's Bank of China, Suzhou Branch. Cooperating: ")
    assert plan.department("party-financial-office").name_en in t51 and t51.endswith(" and others.")
    assert plan.department("yangtze-maritime").name_en in plan.responsibility_en(plan.task(13))
    # The county-government note is printed (and translated) once, in row 1.
    county = plan.department("county-governments").name_en
    assert county in plan.responsibility_en(plan.task(1)) and county in plan.note_en
    assert county not in plan.responsibility_en(plan.task(2))
    for t in plan.tasks:
        text = plan.responsibility_en(t)
        for d in t.departments:
            if d.role != "implementing":
                assert plan.department(d.slug).name_en in text, (t.number, d.slug)


def test_english_content_names_bodies_only_through_placeholders(tmp_path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    en = content / "plan" / "plan.en.yaml"
    en.write_text(en.read_text("utf-8").replace("{body:county-governments}", "{body:nobody}"), "utf-8")
    with pytest.raises(ValueError, match="unknown body 'nobody'"):
        load_plan(content)


def test_the_glossary_uses_the_role_names_of_the_site(plan) -> None:
    from cleanair.domain.plan import ROLE_NAMES

    terms = {g.zh: g.en for g in plan.glossary}
    for zh, en in ROLE_NAMES.values():
        assert terms[zh].lower().startswith(en.lower()), zh


def test_every_comparator_reads_its_quote_as_chinese_legal_text(plan) -> None:
    """以下/以内/不超过/不高于 include the bound; 低于/少于 exclude it; 以上/不低于 include it."""
    from cleanair.domain.plan import quote_comparators

    wrong = [(t.slug, t.comparator, sorted(quote_comparators(t.quote_zh, t.target_value)))
             for t in plan.targets if t.comparator not in quote_comparators(t.quote_zh, t.target_value)]
    assert not wrong
    # the reading itself, on hand-made quotes
    assert quote_comparators("稳定在30微克/立方米以下", 30) == {"at_most"}
    assert quote_comparators("控制在1天以内", 1) == {"at_most"}
    assert quote_comparators("不超过35", 35) == quote_comparators("不高于35", 35) == {"at_most"}
    assert quote_comparators("低于35微克/立方米", 35) == quote_comparators("少于5天", 5) == {"below"}
    assert quote_comparators("不低于80%", 80) == quote_comparators("淘汰60%以上的第一阶段及以下", 60) == {"at_least"}
    assert quote_comparators("比2020年下降10%以上", 10) == {"reduce_by_pct"}
    assert quote_comparators("推广16万辆以上", 160000) == {"at_least"}
