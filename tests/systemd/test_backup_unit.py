"""The nightly backup's service and timer pass systemd-analyze verify, back up with rotation, and
are hardened like the kiosk's unit."""

import shutil
import subprocess
import sys

import pytest
from test_web_unit import SYSTEMD, keys_of


def test_backup_service_and_timer_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    for name in ("attendance-backup.service", "attendance-backup.timer"):
        text = (SYSTEMD / name).read_text().replace("/opt/attendance-kiosk/.venv/bin/python", sys.executable)
        (tmp_path / name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "attendance-backup.timer"),
                           str(tmp_path / "attendance-backup.service")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_backup_runs_nightly_with_rotation_as_the_kiosk_user():
    service, timer = keys_of(SYSTEMD / "attendance-backup.service"), keys_of(SYSTEMD / "attendance-backup.timer")
    (start,) = service["ExecStart"]
    assert " backup " in start and "--keep" in start and service["Type"] == ["oneshot"]
    assert service["User"] == ["kiosk"] and service["ProtectSystem"] == ["strict"]
    assert service["UMask"] == ["0077"] and service["PrivateNetwork"] == ["true"]
    assert timer["OnCalendar"] == ["*-*-* 02:30:00"] and timer["Persistent"] == ["true"]
    install = (SYSTEMD / "install.sh").read_text()
    assert "attendance-backup.timer" in install and "enable --now attendance-backup.timer" in install
