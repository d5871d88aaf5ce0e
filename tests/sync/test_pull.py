"""Pull: central people, embeddings, classes, rosters, schedules into SQLite (central wins)."""

from __future__ import annotations

from datetime import time

import numpy as np
from sync_support import open_store, queue_checkins, vectors

from kiosk.model import Schedule
from kiosk.store.sqlite_store import Person
from kiosk.sync import central_writes as admin
from kiosk.sync.central import Central
from kiosk.sync.pull import pull

MODEL = "sface"


def _setup(central: Central) -> str:
    central.init_schema()
    for i, name in enumerate(["Ann", "Ben", "Cy"]):
        admin.enroll_person(central, Person(f"s{i}", name, "student"), MODEL, vectors(i), ["a.jpg", "b.jpg"])
    admin.add_class(central, "HAM101", "Hamilton", ["s0", "s1"], room="B12")
    return admin.add_schedule(central, Schedule("HAM101", time(9), time(10), "Europe/London",
                                                weekdays=frozenset({0, 2})))


def test_pull_brings_people_embeddings_classes_rosters_schedules(kiosk_cfg):
    central, store = Central.open(kiosk_cfg.mongo), open_store(kiosk_cfg)
    sid = _setup(central)
    result = pull(store, central)
    assert result.warnings == []
    assert [p.id for p in store.people()] == ["s0", "s1", "s2"]
    enrolled = store.enrolled_vectors(MODEL)
    assert enrolled.vectors.shape == (6, 128)
    assert np.allclose(enrolled.vectors[:2], vectors(0))
    assert store.class_record("HAM101").roster == {"s0", "s1"}
    [schedule] = store.schedules()
    assert (schedule.class_code, schedule.start, schedule.weekdays) == ("HAM101", time(9), frozenset({0, 2}))
    assert store.query("SELECT central_id FROM schedules")[0][0] == sid
    assert pull(store, central).total_changed == 0  # nothing changed: nothing rewritten


def test_central_edits_and_tombstones_win_but_attendance_stays(kiosk_cfg):
    central, store = Central.open(kiosk_cfg.mongo), open_store(kiosk_cfg)
    sid = _setup(central)
    pull(store, central)
    queue_checkins(store, 2)  # local attendance for p00000 / p00001
    store.add_person(Person("local-only", "Kept", "student"), MODEL, vectors(9), ["x.jpg"])
    admin.set_roster(central, "HAM101", ["s1", "s2"])
    admin.delete_person(central, "s0")
    admin.delete_schedule(central, sid)
    result = pull(store, central)
    assert result.warnings == []
    assert store.class_record("HAM101").roster == {"s1", "s2"}
    assert store.person("s0") is None
    assert store.schedules() == []
    assert store.person("local-only") is not None  # absent centrally is not a deletion
    assert store.query("SELECT count(*) FROM attendance")[0][0] == 2


def test_malformed_documents_and_unknown_roster_entries_are_skipped_with_warnings(kiosk_cfg, central_server):
    central, store = Central.open(kiosk_cfg.mongo), open_store(kiosk_cfg)
    _setup(central)
    db = central_server.db()
    db.people.insert_one({"_id": "bad1", "name": 42})
    db.people.insert_one({"_id": "bad2", "name": "Vec", "embeddings": [{"model": MODEL, "vector": b"abc"}]})
    db.classes.update_one({"_id": "HAM101"}, {"$set": {"roster": ["s0", "ghost"]}})
    db.schedules.insert_one({"_id": "badsched", "class_code": "HAM101", "start": "10:00", "end": "09:00",
                             "timezone": "UTC", "weekdays": "mon"})
    result = pull(store, central)
    text = " | ".join(result.warnings)
    assert "bad1" in text and "bad2" in text and "badsched" in text
    assert "unknown person 'ghost'" in text
    assert store.class_record("HAM101").roster == {"s0"}  # the rest of the roster is applied
    assert store.person("bad1") is None and store.person("s2") is not None
    assert len(store.schedules()) == 1


def test_roster_entry_resolves_once_the_person_is_enrolled(kiosk_cfg, central_server):
    central, store = Central.open(kiosk_cfg.mongo), open_store(kiosk_cfg)
    _setup(central)
    central_server.db().classes.update_one({"_id": "HAM101"}, {"$set": {"roster": ["s0", "late"]}})
    assert any("late" in w for w in pull(store, central).warnings)
    admin.enroll_person(central, Person("late", "Late Comer", "student"), MODEL, vectors(5), ["l.jpg"])
    assert pull(store, central).warnings == []
    assert store.class_record("HAM101").roster == {"s0", "late"}


def test_an_empty_or_wrong_central_database_deletes_nothing_locally(kiosk_cfg, central_server):
    central, store = Central.open(kiosk_cfg.mongo), open_store(kiosk_cfg)
    _setup(central)
    pull(store, central)
    queue_checkins(store, 3)
    wrong = Central.open(kiosk_cfg.mongo.__class__(**{**kiosk_cfg.mongo.__dict__, "database": "empty_db"}))
    wrong.init_schema()
    for name in ("people", "classes", "schedules"):  # everything central vanished (or the wrong database)
        central_server.client()["empty_db"][name].delete_many({})
    assert pull(store, wrong).total_changed == 0
    assert len(store.people()) == 3 and len(store.schedules()) == 1
    assert store.query("SELECT count(*) FROM attendance")[0][0] == 3
