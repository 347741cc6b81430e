"""`flask aq import` refuses a cut, empty or header-only file by name and line and writes nothing
of it; line numbers count every line of the file (finding 8 of issue 14).

Every file here is HAND-MADE by the test (tmp_path): miniature files in the four published
layouts with invented values, damaged in one documented way. None is a copy of ../shared/data.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from cleanair.air.models import AirDaily, AirHourDay, AirImport
from cleanair.extensions import db

from tests.conftest import make_app

AQISTUDY = ("date,AQI,grade,PM25,PM10,SO2,CO,NO2,O3_8h\n"
            + "".join(f"2021-01-{d:02d},{50 + d},良,{30 + d},{60 + d},8,0.7,35,60\n" for d in range(1, 11)))
V2017 = "\ufeff" + "".join(f"苏州,2016-01-{d:02d},{50 + d},40~70,良,{30 + d}.5,{60 + d},8.1,0.71,35.2,61,80\n"
                           for d in range(1, 11))
WIDE = "date,hour,type,1162A,1163A\n" + "".join(
    f"20210105,{h},{t},{v},{v}\n" for h in range(3)
    for t, v in (("AQI", 57), ("PM2.5", 40), ("PM10", 60), ("SO2", 5), ("NO2", 30), ("CO", 0.8), ("O3", 50)))
LONG = ("timepoint,stationcode,aqi,pm10,pm2_5,o3,o3_24h,o3_8h,o3_8h_24h,no2,so2,so2_24h,co,primarypollutant\n"
        + "".join(f"2021-01-05T{h:02d}:00:00,1162A,57,60,40,50,80,45,55,30,5,6,0.8,\n" for h in range(10)))
FILES = {"aqistudy_suzhou_2021.csv": AQISTUDY, "aqistudy_suzhou_2016_v2017.csv": V2017,
         "china_sites_20210105.csv": WIDE, "cnemc_long_20210105.csv": LONG}


def _cut_mid_line(text: str) -> str:
    """The file as a download cut inside its 7th line leaves it."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[:6]) + lines[6][: len(lines[6]) // 2]


def _cut_at_a_comma(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(lines[:6]) + ",".join(lines[6].split(",")[:3]) + "\n"


def _header_only(text: str) -> str:
    return text.splitlines(keepends=True)[0]


DAMAGE = {
    "cut inside line 7": (_cut_mid_line, ["line 7: ", "ends inside this line"]),
    "line 7 cut at a comma": (_cut_at_a_comma, ["line 7: 3 fields where the"]),
    "header only": (_header_only, ["line 1: a header and no data rows"]),
    "empty": (lambda text: "", ["empty file"]),
}


@pytest.fixture()
def air_app(tmp_path):
    return make_app(tmp_path)


def _run(app, *paths: Path):
    result = app.test_cli_runner().invoke(args=["aq", "import", *map(str, paths)])
    with app.app_context():
        written = sum(db.session.execute(sa.select(sa.func.count()).select_from(m)).scalar()
                      for m in (AirImport, AirDaily, AirHourDay))
    return result, written


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_cut_or_empty_file_is_refused_by_name_and_line_and_nothing_is_written(air_app, tmp_path, name, damage):
    if damage == "header only" and name.endswith("v2017.csv"):
        pytest.skip("this layout has no header: its first line is a data row")
    spoil, expected = DAMAGE[damage]
    path = tmp_path / name
    path.write_text(spoil(FILES[name]), encoding="utf-8")
    result, written = _run(air_app, path)
    assert result.exit_code == 1, result.output
    assert f"{name}: FAILED, nothing imported" in result.output
    for text in expected:
        assert f"{path}: {text}" in result.output or (text in result.output and str(path) in result.output), result.output
    assert "SELECT" not in result.output and "Traceback" not in result.output
    assert written == 0


@pytest.mark.parametrize("name", FILES)
def test_the_undamaged_files_import(air_app, tmp_path, name):
    path = tmp_path / name
    path.write_text(FILES[name], encoding="utf-8")
    result, written = _run(air_app, path)
    assert result.exit_code == 0 and written > 0, result.output


@pytest.mark.parametrize("name", FILES)
def test_line_numbers_count_blank_lines(air_app, tmp_path, name):
    """A value on line 9, after a blank line 4: reported as line 9, not 8."""
    lines = FILES[name].splitlines(keepends=True)
    lines.insert(3, "\n")
    cells = lines[8].rstrip("\n").split(",")
    cells[-2] = "zz"
    lines[8] = ",".join(cells) + "\n"
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    result, written = _run(air_app, path)
    assert result.exit_code == 1 and written == 0
    assert f"{path}: line 9: " in result.output and "'zz' is not a number" in result.output, result.output


def test_a_cut_file_among_good_ones_is_refused_alone(air_app, tmp_path):
    good = tmp_path / "aqistudy_suzhou_2021.csv"
    good.write_text(AQISTUDY, encoding="utf-8")
    cut = tmp_path / "china_sites_20210105.csv"
    cut.write_text(_cut_at_a_comma(WIDE), encoding="utf-8")  # read alone before, it imported silently
    result, written = _run(air_app, good, cut)
    assert result.exit_code == 1
    assert "aqistudy_suzhou_2021.csv [aqistudy]: read 10, imported 10" in result.output
    assert "china_sites_20210105.csv: FAILED, nothing imported" in result.output
    with air_app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(AirHourDay)).scalar() == 0
