"""`doctor`: ok, warn (exit 0) and FAIL lines; the room and the live-check state are plain."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np

from kiosk.store import rosters
from kiosk.store.people import set_face_opt_out
from kiosk.store.rosters import RosterEntry
from kiosk.store.sqlite_store import Person, SqliteStore

REPO = Path(__file__).resolve().parents[2]


def _lines(out: str) -> dict[str, str]:
    return {line.split()[1]: line for line in out.splitlines()}


def _two_rooms(data_dir) -> None:
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("maya", "Maya", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("B12MATH", "Maths", ["maya"], room="B12")
    store.add_class("C3ART", "Art", ["maya"], room="C3")
    store.close()


def test_without_the_liveness_model_doctor_warns_and_exits_0(cli, data_dir):
    SqliteStore.in_dir(data_dir).close()
    code, out, _ = cli("doctor", "--skip-camera")
    lines = _lines(out)
    assert code == 0
    assert lines["liveness"].startswith("warn ") and "every face must blink" in lines["liveness"]
    assert "models import" in lines["liveness"]
    assert lines["room"].startswith("ok ")


def test_a_two_room_timetable_with_no_room_set_warns(cli, data_dir):
    _two_rooms(data_dir)
    code, out, _ = cli("doctor", "--skip-camera")
    room = _lines(out)["room"]
    assert code == 0 and room.startswith("warn ")
    assert "rooms B12, C3" in room and "set [kiosk] room" in room


def test_a_room_no_class_is_in_warns(cli, data_dir, tmp_path):
    _two_rooms(data_dir)
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nroom = "B21"\n')
    code, out, _ = cli("--config", str(config), "doctor", "--skip-camera")
    assert code == 0 and "no class is in room 'B21'" in _lines(out)["room"]
    config.write_text('[kiosk]\nroom = "B12"\n')
    room = _lines(cli("--config", str(config), "doctor", "--skip-camera")[1])["room"]
    assert "room B12: serves 1 of 2 class(es)" in room


def test_people_awaiting_enrolment_are_counted_apart_from_the_enrolled(cli, data_dir):
    _two_rooms(data_dir)
    store = SqliteStore.in_dir(data_dir)
    rosters.import_roster(store, "B12MATH", [RosterEntry(2, "1001", "Zoe Park")])
    store.close()
    _, out, _ = cli("doctor", "--skip-camera")
    assert "1 people enrolled, 1 awaiting enrolment" in _lines(out)["database"]


def test_people_who_opted_out_are_not_awaiting_enrolment(cli, data_dir):
    _two_rooms(data_dir)
    store = SqliteStore.in_dir(data_dir)
    rosters.import_roster(store, "B12MATH", [RosterEntry(2, "1001", "Zoe Park"), RosterEntry(3, "1002", "Ada Li")])
    set_face_opt_out(store, "1002", True)  # checks in with a code: no face is ever awaited
    set_face_opt_out(store, "maya", True)  # had a face: it is erased
    store.close()
    database = _lines(cli("doctor", "--skip-camera")[1])["database"]
    assert "0 people enrolled, 1 awaiting enrolment (on a roster, no face yet), 2 opted out" in database


def test_a_fresh_install_has_no_database_yet_and_that_is_no_failure(cli, data_dir):
    """./setup.sh runs doctor before anything made the database: not a failed setup."""
    code, out, _ = cli("doctor", "--skip-camera")
    lines = _lines(out)
    assert code == 0 and not [line for line in out.splitlines() if line.startswith("FAIL")]
    assert lines["database"].startswith("info ") and "not created yet" in lines["database"]
    assert "creates it on first start" in lines["database"]
    assert lines["room"].startswith("info ") and "class add CODE --room" in lines["room"]
    assert lines["gallery"].startswith("info ") and "nobody enrolled yet" in lines["gallery"]
    assert list(data_dir.iterdir()) == []  # doctor never creates the database


def test_a_mistyped_data_folder_fails_once_and_creates_nothing(cli, tmp_path):
    missing = tmp_path / "not-mounted"
    code, out, _ = cli("--data-dir", str(missing), "doctor", "--skip-camera")
    lines = _lines(out)
    assert code == 1 and "no data folder" in lines["disk"] and not missing.exists()
    assert lines["database"].startswith("FAIL ") and "no database in" in lines["database"]
    assert lines["room"].startswith("skip ") and lines["gallery"].startswith("skip ")  # not the same line again


def test_a_database_that_was_there_and_is_gone_still_fails(cli, data_dir):
    _two_rooms(data_dir)
    (data_dir / "kiosk.db").unlink()  # its ledger head stays: a database was written here
    code, out, _ = cli("doctor", "--skip-camera")
    database = _lines(out)["database"]
    assert code == 1 and database.startswith("FAIL ") and "kiosk.db.head" in database
    assert "deleted or moved" in database and "main.py restore" in database


def test_a_read_only_data_folder_says_so_and_what_to_do(cli, data_dir, tmp_path, private_mounts):
    """A read-only bind mount in a private mount namespace (skipped where that is not allowed)."""
    _two_rooms(data_dir)
    shown = tmp_path / "ro"
    shown.mkdir()
    config = tmp_path / "kiosk.toml"
    config.write_text('[vision]\nembedder = "sface"\n')
    doctor = (f"mount --bind {data_dir} {shown} && mount -o remount,bind,ro {shown} && {sys.executable} main.py "
              f"--config {config} --data-dir {shown} doctor --skip-camera")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", doctor], capture_output=True, text=True, cwd=REPO, timeout=120)
    lines = _lines(done.stdout)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    for name in ("disk", "database"):
        assert lines[name].startswith("FAIL ") and "is not writable (read-only file system)" in lines[name]
        assert "remount it read-write" in lines[name]
    assert "main.py doctor" not in done.stdout and lines["room"].startswith("skip ")


def test_doctor_never_advises_running_doctor():
    """The store's last-resort advice ("run 'main.py doctor'") is left out of doctor's own lines."""
    from kiosk.cli.doctor import _outcome
    from kiosk.store.database import fault

    def failing_check():
        raise fault(Path("/srv/kiosk/kiosk.db"), sqlite3.OperationalError("some new SQLite failure"))

    status, line = _outcome(failing_check)
    assert status == "FAIL" and "some new SQLite failure; check the disk and the file" in line
    assert "doctor" not in line


def test_a_zero_byte_database_is_refused_with_what_to_do(cli, data_dir):
    (data_dir / "kiosk.db").write_bytes(b"")
    code, out, _ = cli("doctor", "--skip-camera")
    assert code == 1 and "is empty (0 bytes)" in _lines(out)["database"] and "main.py restore" in out
    code, _, err = cli("class", "list")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "0 bytes" in err
    assert (data_dir / "kiosk.db").stat().st_size == 0  # refused, not turned into an empty school


def test_a_damaged_page_fails_doctor_and_verify_log_in_one_line(cli, data_dir):
    store = SqliteStore.in_dir(data_dir)
    for i in range(150):
        store.add_person(Person(f"p{i}", "x" * 300, "student"), "sface", np.ones((2, 128), np.float32), ["a", "b"])
    store.close()
    with open(data_dir / "kiosk.db", "r+b") as db:
        db.seek(4096 * 6)
        db.write(b"\xff" * 4096)
    code, out, err = cli("doctor", "--skip-camera")
    assert code == 1 and _lines(out)["database"].startswith("FAIL ") and "main.py restore" in _lines(out)["database"]
    assert "Traceback" not in err
    code, out, err = cli("verify-log")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "damaged" in err and "main.py restore" in err


def test_a_clock_behind_the_newest_stored_write_is_a_warning(cli, data_dir):
    from datetime import datetime, timedelta, timezone

    from kiosk.store.audit import AuditEntry

    store = SqliteStore.in_dir(data_dir)
    store.audit(AuditEntry(datetime.now(timezone.utc) + timedelta(days=1), "door", "cli", "test"))  # written a day "ahead"
    store.close()
    code, out, _ = cli("doctor", "--skip-camera")
    clock = _lines(out)["clock"]
    assert clock.startswith("warn ") and "behind the newest stored write" in clock


def test_clock_doubts_are_pure_rules():
    from datetime import datetime, timedelta, timezone

    from kiosk.clock import clock_doubts

    now = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    assert clock_doubts(now, now - timedelta(hours=1), True) == []
    assert clock_doubts(now, now + timedelta(minutes=4), None) == []  # within the tolerance
    (behind,) = clock_doubts(now, now + timedelta(days=1), None)
    assert "24.0 h behind" in behind
    (unsynced,) = clock_doubts(now, None, False)
    assert "not synchronised" in unsynced


def test_the_shipped_config_runs_edgeface_and_doctor_says_so(cli, data_dir, installed_edgeface):
    """A fresh clone after ./setup.sh: the default config, EdgeFace-S installed into models/."""
    from kiosk.config import PROJECT_ROOT

    SqliteStore.in_dir(data_dir).close()  # as `run` or the first enrolment makes it
    code, out, _ = cli("--config", str(PROJECT_ROOT / "config" / "kiosk.toml"), "doctor", "--skip-camera")
    lines = _lines(out)
    assert code == 0 and lines["models"].startswith("ok ")
    assert "yunet + edgeface-s load offline (edgeface_s_gamma_05.onnx sha256 9fd80dbbb5a8" in lines["models"]
    assert "BSD-3-Clause, Idiap Research Institute" in lines["models"] and "also installed: sface" in lines["models"]
    assert lines["gallery"] == "ok    gallery   nobody enrolled yet; the kiosk will recognise with edgeface-s"


def test_a_mongo_uri_that_is_no_uri_stops_doctor_at_the_config(cli, data_dir, tmp_path):
    SqliteStore.in_dir(data_dir).close()
    config = tmp_path / "kiosk.toml"
    config.write_text('[vision]\nembedder = "sface"\n[mongo]\nuri = "notauri"\n')
    code, out, err = cli("--config", str(config), "doctor", "--skip-camera")
    assert code == 2 and out == "" and err.strip().count("\n") == 0
    assert "mongo.uri = 'notauri': must start with mongodb://" in err
    config.write_text('[vision]\nembedder = "sface"\n[mongo]\nuri = ""\n')  # no central database: valid
    assert _lines(cli("--config", str(config), "doctor", "--skip-camera")[1])["config"].startswith("ok ")
