"""Fireworks ban data: the committed text file and drop-in zone polygons."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cleanair_maps.coords import wgs84_to_gcj02
from cleanair_maps.fireworks import FireworksDataError, load_rules, load_zones

DATA = Path(__file__).resolve().parents[2] / "data" / "fireworks"
SLUGS = ["gusu", "huqiu-snd", "wuzhong", "xiangcheng", "wujiang", "sip", "changshu", "zhangjiagang", "kunshan", "taicang"]


def test_committed_rules_cover_every_district_with_the_legal_basis_and_caveat():
    rules = load_rules(DATA / "bans.yaml", SLUGS)
    assert rules.legal_title_zh == "苏州市禁止燃放烟花爆竹条例" and rules.in_force == date(2017, 8, 1)
    assert rules.reported == date(2023, 1, 6)
    assert "正式通告" in rules.caveat_zh and "official notice" in rules.caveat_en
    assert rules.ban("gusu").scope == "whole"
    assert {d.slug for d in rules.districts if d.scope == "partial"} == set(SLUGS) - {"gusu"}
    assert "金庭镇" in rules.ban("wuzhong").area_zh and "太阳路" in rules.ban("xiangcheng").area_zh
    assert "中考" in rules.citywide_zh and "重污染" in rules.citywide_zh


def test_committed_zone_folder_loads():
    assert load_zones(DATA / "zones", SLUGS) == []  # none published yet; README only


def _zone(tmp_path, name, coords, **props):
    doc = {
        "type": "FeatureCollection",
        "properties": {"district": "kunshan", "name_zh": "测试区", "name_en": "Test zone",
                       "source_title": "Hand-made fixture", "source_url": "https://example.org", "as_of": "2025-01-01",
                       **props},
        "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [coords]}}],
    }
    (tmp_path / name).write_text(json.dumps(doc), "utf-8")


def test_gcj02_zone_is_converted_to_wgs84(tmp_path):
    wgs = [[120.95, 31.38], [121.0, 31.38], [121.0, 31.42], [120.95, 31.38]]
    gcj = [list(wgs84_to_gcj02(*p)) for p in wgs]
    _zone(tmp_path, "kunshan-test.gcj02.geojson", gcj)  # hand-made fixture polygon
    [zone] = load_zones(tmp_path, SLUGS)
    got = zone.features[0]["geometry"]["coordinates"][0][0]
    assert got == pytest.approx(wgs[0], abs=1e-6)
    assert zone.as_of == date(2025, 1, 1) and zone.district == "kunshan"


@pytest.mark.parametrize(
    "name,props,message",
    [
        ("kunshan.geojson", {}, "must end in .wgs84.geojson or .gcj02.geojson"),
        ("kunshan.wgs84.geojson", {"source_url": ""}, "source_url"),
        ("kunshan.wgs84.geojson", {"district": "mars"}, "unknown district"),
    ],
)
def test_bad_zone_files_are_rejected_by_name(tmp_path, name, props, message):
    _zone(tmp_path, name, [[120.9, 31.3], [121.0, 31.3], [121.0, 31.4], [120.9, 31.3]], **props)
    with pytest.raises(FireworksDataError, match=message):
        load_zones(tmp_path, SLUGS)


def test_rules_must_list_every_district(tmp_path):
    text = (DATA / "bans.yaml").read_text("utf-8")
    cut = text[: text.index("- slug: taicang")]
    (tmp_path / "bans.yaml").write_text(cut, "utf-8")
    with pytest.raises(FireworksDataError, match="no entry for taicang"):
        load_rules(tmp_path / "bans.yaml", SLUGS)
