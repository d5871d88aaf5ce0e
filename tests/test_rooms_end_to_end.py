"""Two kiosks of different rooms on one database, through their real scheduler and recognition
threads (two `main.py run` processes, dummy video driver, the shared clip as camera).

The classes are in room " r1" typed one way and the door's room " R1 " the other; two of
them meet back to back, and in the passing period the next one wins. Door R1 opens the
session; door R9 sees it active in the same database, recognises Lin too, and must never
write to it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk_process import REPO, install_liveness_model, kiosk_env, midday_zone, run_kiosk


def test_a_door_checks_in_only_to_its_own_rooms_session(data_dir, shared, tmp_path):
    zone = midday_zone()
    env = kiosk_env(data_dir, zone)

    def kiosk(*argv, extra=None, timeout=120):
        return run_kiosk({**env, **(extra or {})}, *argv, timeout=timeout)

    install_liveness_model(kiosk, shared)
    photos = shared / "face_recognition"
    assert kiosk("enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photos / "lin-manuel-miranda.png"),
                 "--consent-by", "self").returncode == 0
    now = datetime.now(ZoneInfo(zone))
    earlier, start, end = now - timedelta(minutes=50), now + timedelta(minutes=3), now + timedelta(minutes=60)
    for code, begins, ends in (("HAM0", earlier, start), ("HAM1", start, end)):  # back to back in one room
        assert kiosk("class", "add", code, "--name", code, "--students", "lin", "--room", " r1").returncode == 0
        added = kiosk("schedule", "add", code, "--start", f"{begins:%H:%M}", "--end", f"{ends:%H:%M}",
                      "--date", f"{begins:%Y-%m-%d}")
        assert added.returncode == 0, added.stderr
    clash = kiosk("class", "add", "MUSIC", "--name", "Music", "--room", "R1 ")
    assert clash.returncode == 0
    refused = kiosk("schedule", "add", "MUSIC", "--start", f"{start:%H:%M}", "--end", f"{end:%H:%M}",
                    "--date", f"{start:%Y-%m-%d}")
    assert refused.returncode != 0 and "overlaps" in refused.stderr  # R1 and r1 are one room now

    doors = {room: subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), "run", "--camera", str(photos / "short_hamilton_clip.mp4"),
         "--windowed", "--exit-after", "14"], env={**env, "KIOSK_ROOM": room, "KIOSK_ID": f"door-{room.strip()}"},
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for room in (" R1 ", "R9")}
    logs = {room: door.communicate(timeout=120)[1] for room, door in doors.items()}
    assert all(door.returncode == 0 for door in doors.values()), logs
    assert "checked in lin to HAM1" in logs[" R1 "]
    assert "checked in lin" not in logs["R9"] and "serves no class" in logs["R9"]

    rows = list(csv.DictReader(io.StringIO(kiosk("attendance", "export").stdout)))
    lin = [(r["class"], r["status"], r["method"]) for r in rows if r["person_id"] == "lin"]
    assert lin == [("HAM1", "present", "face")]  # once, by door R1, to the class starting next
