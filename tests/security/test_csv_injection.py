"""No CSV the site writes can run a formula in a spreadsheet (finding 3; OWASP CSV injection).
The tips here are hand-made test data."""

from __future__ import annotations

import csv
import io

import pytest

from cleanair.domain.opendata import Column, to_csv
from tests.conftest import make_app
from tests.tips.conftest import OPEN_LIMITS
from tests.tips.helpers import login, make_staff, make_tip

ATTACKS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_cell_starting_like_a_formula_is_kept_as_text(attack):
    rows = _cells(to_csv([{"a": attack, "b": [attack, "x"]}], [Column("a", "string", "", ""), Column("b", "list", "", "")]))
    assert rows[1][0] == "'" + attack
    assert rows[1][1].startswith("'" + attack)


def test_numbers_and_ordinary_text_are_unchanged():
    rows = _cells(to_csv([{"a": -3.5, "b": "-12", "c": "+8", "d": "苏州 = 好", "e": -4}],
                         [Column(n, "string", "", "") for n in "abcde"]))
    assert rows[1] == ["-3.5", "-12", "+8", "苏州 = 好", "-4"]


def test_staff_export_neutralises_what_tipsters_typed(tmp_path):
    app = make_app(tmp_path, TIPS_PHOTO_DIR=str(tmp_path / "photos"), **OPEN_LIMITS)
    make_staff(app, "admin1", "admin")
    make_tip(app, address=ATTACKS[0], identity="real_name", name="@SUM(1+1)", phone="13812345678")
    client = app.test_client()
    login(client, "admin1")
    rows = _cells(client.get("/staff/export.csv?personal=1").get_data(as_text=True))
    header, row = rows[0], rows[1]
    assert row[header.index("address")] == "'" + ATTACKS[0] and row[header.index("name")] == "'@SUM(1+1)"
    cli = app.test_cli_runner().invoke(args=["tips", "export"])
    assert cli.exit_code == 0 and "\n=" not in cli.output and ",=" not in cli.output
