"""Loading content/ into Plan objects, indicator values and target status rules."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from cleanair.domain.plan import (
    STATUSES,
    IndicatorValue,
    Target,
    latest_value,
    load_indicator_values,
    load_plan,
    target_status,
)

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


def _target(
    comparator: str, value: float | None, deadline: date | None = date(2025, 12, 31), **kw
) -> Target:
    fields = {
        "slug": "t",
        "title_zh": "t",
        "title_en": "t",
        "comparator": comparator,
        "target_value": value,
        "unit": None,
        "baseline_value": None,
        "baseline_year": None,
        "deadline": deadline,
        "recurring": None,
        "tasks": (),
        "measure": None,
        "quote_zh": "t",
        "approximate": False,
        "notes_en": "t",
        "notes_zh": "",
    }
    fields.update(kw)
    return Target(**fields)


def _v(value: float, when: date, period: str = "year") -> IndicatorValue:
    return IndicatorValue("t", value, when, period, "hand-made fixture", "https://example.org", "")


TODAY = date(2026, 6, 1)


def test_status_rules() -> None:
    pm = _target("below", 30)
    assert target_status(pm, [], TODAY) == "no_data"
    assert target_status(pm, [_v(29.0, date(2025, 12, 31))], TODAY) == "achieved"
    assert target_status(pm, [_v(29.0, date(2024, 12, 31))], TODAY) == "on_track"
    assert (
        target_status(pm, [_v(30.0, date(2025, 12, 31))], TODAY) == "off_track"
    )  # below is strict
    assert target_status(pm, [_v(31.0, date(2024, 12, 31))], TODAY) == "off_track"
    # The latest value wins, and values dated after `today` are ignored.
    assert (
        target_status(pm, [_v(31.0, date(2023, 12, 31)), _v(29.0, date(2024, 12, 31))], TODAY)
        == "on_track"
    )
    assert target_status(pm, [_v(29.0, date(2024, 12, 31))], date(2024, 6, 1)) == "no_data"
    assert target_status(_target("at_most", 1), [_v(1, date(2025, 12, 31))], TODAY) == "achieved"
    assert (
        target_status(_target("at_least", 95), [_v(94.9, date(2025, 12, 31))], TODAY) == "off_track"
    )


def test_status_change_comparators() -> None:
    cut = _target("reduce_by_pct", 10, baseline_year=2020)
    assert target_status(cut, [_v(12.0, date(2025, 12, 31))], TODAY) == "achieved"  # 12% lower
    assert target_status(cut, [_v(8.0, date(2025, 12, 31))], TODAY) == "off_track"
    with_base = _target("reduce_by_pct", 10, baseline_value=100.0)
    assert target_status(with_base, [_v(89.0, date(2025, 12, 31))], TODAY) == "achieved"
    assert target_status(_target("double", 2), [_v(2.1, date(2025, 12, 31))], TODAY) == "achieved"
    assert (
        target_status(
            _target("double", 2, baseline_value=50.0), [_v(90, date(2025, 12, 31))], TODAY
        )
        == "off_track"
    )
    assert (
        target_status(_target("increase_by_pct", 8), [_v(9, date(2024, 12, 31))], TODAY)
        == "on_track"
    )


def test_status_complete_and_yearly() -> None:
    done = _target("complete", None, deadline=date(2024, 12, 31))
    assert target_status(done, [_v(1, date(2024, 12, 31), "snapshot")], TODAY) == "achieved"
    assert target_status(done, [_v(0, date(2025, 3, 31), "snapshot")], TODAY) == "off_track"
    yearly = _target("at_least", 10, deadline=None, recurring="yearly")
    assert target_status(yearly, [_v(10, date(2024, 12, 31))], TODAY) == "achieved"
    assert target_status(yearly, [_v(6, date(2025, 6, 30), "year_to_date")], TODAY) == "off_track"
    assert target_status(yearly, [_v(12, date(2025, 6, 30), "year_to_date")], TODAY) == "on_track"
    assert set(STATUSES) == {"achieved", "on_track", "off_track", "no_data"}


def test_latest_value() -> None:
    a, b = _v(1, date(2024, 1, 1)), _v(2, date(2024, 1, 1))
    assert latest_value([]) is None
    assert latest_value([a, b]) is b


def test_a_running_value_never_overrides_a_final_one_for_the_status():
    """Hand-made values: a final 2018 mean above the line and a 1-day 2022 running mean below it."""
    from datetime import date as _date

    from cleanair.domain.plan import IndicatorValue, Target, status_basis, target_status

    t = Target(slug="pm25-annual-mean", title_zh="", title_en="", comparator="below", target_value=30.0,
               unit="µg/m³", baseline_value=None, baseline_year=None, deadline=_date(2025, 12, 31),
               recurring=None, tasks=(), measure=None, quote_zh="", approximate=False, notes_en="", notes_zh="")
    final = IndicatorValue("pm25-annual-mean", 41.0, _date(2018, 12, 31), "year", "hand-made", "", "")
    running = IndicatorValue("pm25-annual-mean", 20.0, _date(2022, 1, 4), "year_to_date", "hand-made", "", "")
    today = _date(2026, 11, 30)
    assert status_basis([final, running], today) is final
    assert target_status(t, [final, running], today) == "off_track"
    # with only a running value, it is used (and labelled running on the page)
    assert status_basis([running], today) is running
    assert target_status(t, [running], today) == "on_track"


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


def test_pm25_at_exactly_30_is_achieved(plan) -> None:
    """"30 微克/立方米以下" includes 30: a 2025 annual mean of exactly 30.0 meets the target."""
    pm = plan.target("pm25-annual-mean")
    assert pm.comparator == "at_most"
    assert target_status(pm, [_v(30.0, date(2025, 12, 31))], date(2026, 3, 1)) == "achieved"
    assert target_status(pm, [_v(30.1, date(2025, 12, 31))], date(2026, 3, 1)) != "achieved"
