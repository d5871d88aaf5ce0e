"""The shipped unit passes systemd-analyze verify and carries the hardening it promises."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[2] / "systemd" / "attendance-kiosk.service"


@pytest.mark.parametrize("shipped", [UNIT, UNIT.with_name("attendance-web.service")], ids=["kiosk", "web"])
def test_unit_verifies(tmp_path, shipped):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    # The interpreter path is the only machine-specific part: point it at this one.
    unit = tmp_path / shipped.name
    unit.write_text(shipped.read_text().replace("/opt/attendance-kiosk/.venv/bin/python", sys.executable))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_unit_has_watchdog_restart_user_and_hardening():
    keys = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            keys.setdefault(key, value)
    assert keys["Type"] == "notify" and int(keys["WatchdogSec"]) > 0
    assert keys["Restart"] == "on-failure" and "StartLimitBurst" in keys
    assert keys["User"] == "kiosk"
    for hardening in ("NoNewPrivileges", "ProtectHome", "PrivateTmp"):
        assert keys[hardening] == "true"
    assert keys["ProtectSystem"] == "strict" and keys["ReadWritePaths"] == "/var/lib/attendance-kiosk"
    assert keys["CapabilityBoundingSet"] == ""
    assert "EnvironmentFile" in keys
