"""`doctor`: ok, warn (exit 0) and FAIL lines; the room and the live-check state are plain."""

from __future__ import annotations

import numpy as np

from kiosk.store import rosters
from kiosk.store.rosters import RosterEntry
from kiosk.store.sqlite_store import Person, SqliteStore


def _lines(out: str) -> dict[str, str]:
    return {line.split()[1]: line for line in out.splitlines()}


def _two_rooms(data_dir) -> None:
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("maya", "Maya", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("B12MATH", "Maths", ["maya"], room="B12")
    store.add_class("C3ART", "Art", ["maya"], room="C3")
    store.close()


def test_without_the_liveness_model_doctor_warns_and_exits_0(cli):
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


def test_the_shipped_config_runs_edgeface_and_doctor_says_so(cli, installed_edgeface):
    """A fresh clone after ./setup.sh: the default config, EdgeFace-S installed into models/."""
    from kiosk.config import PROJECT_ROOT

    code, out, _ = cli("--config", str(PROJECT_ROOT / "config" / "kiosk.toml"), "doctor", "--skip-camera")
    lines = _lines(out)
    assert code == 0 and lines["models"].startswith("ok ")
    assert "yunet + edgeface-s load offline (edgeface_s_gamma_05.onnx sha256 9fd80dbbb5a8" in lines["models"]
    assert "BSD-3-Clause, Idiap Research Institute" in lines["models"] and "also installed: sface" in lines["models"]
    assert lines["gallery"] == "ok    gallery   nobody enrolled yet; the kiosk will recognise with edgeface-s"
