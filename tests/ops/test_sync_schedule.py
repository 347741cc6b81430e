"""The scheduling helpers for `flask aq sync --recent` write what the README shows, and valid units."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    return subprocess.run([str(REPO / "scripts" / args[0]), *args[1:]], check=True, capture_output=True,
                          text=True).stdout


def test_timer_units_run_the_recent_sync_every_ten_minutes(tmp_path):
    printed = run("install-sync-timer", "--print", "--user", "cleanair", "--env-file", "/etc/cleanair.env")
    assert f"ExecStart={REPO}/.venv/bin/flask --app wsgi aq sync --recent" in printed
    assert "Type=oneshot" in printed and "User=cleanair" in printed and "EnvironmentFile=-/etc/cleanair.env" in printed
    assert "OnCalendar=*:0/10" in printed and "Persistent=true" in printed
    run("install-sync-timer", "--dest", str(tmp_path), "--every", "5")
    service, timer = tmp_path / "cleanair-aq-sync.service", tmp_path / "cleanair-aq-sync.timer"
    assert "OnCalendar=*:0/5" in timer.read_text()
    if shutil.which("systemd-analyze"):
        check = subprocess.run(["systemd-analyze", "verify", str(service), str(timer)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
    bad = subprocess.run([str(REPO / "scripts/install-sync-timer"), "--every", "ten"], capture_output=True, text=True)
    assert bad.returncode == 2 and "whole minutes" in bad.stderr


def test_cron_line_and_readme_agree():
    line = run("install-sync-cron", "--print", "--env-file", "/etc/cleanair.env").strip()
    assert line.startswith("*/10 * * * * cd ") and ".venv/bin/flask --app wsgi aq sync --recent" in line
    readme = (REPO / "README.md").read_text("utf-8")
    # The README's production section shows the timer and the same cron line (paths aside).
    assert "OnCalendar=*:0/10" in readme and "ExecStart=/srv/cleanair/.venv/bin/flask --app wsgi aq sync --recent" in readme
    assert line.replace(str(REPO), "/srv/cleanair") in readme


@pytest.mark.parametrize("script", ["install-sync-timer", "install-sync-cron"])
def test_unknown_options_are_refused(script):
    result = subprocess.run([str(REPO / "scripts" / script), "--nope"], capture_output=True, text=True)
    assert result.returncode == 2 and "unknown option" in result.stderr
