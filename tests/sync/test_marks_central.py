"""A register kept away from the door reaches the door, once (SecantusDB over the wire protocol).

door-1 serves room B12 and held yesterday's CS101 meeting; the office has no kiosk (no
room) and marks students with `attendance mark`, which sends its mark centrally at once.
door-1's next sync pulls the marks for its room into its own SQLite file."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sync_support import kiosk_config, vectors

from kiosk.attendance.service import AttendanceService
from kiosk.cli.main import main
from kiosk.clock import FixedClock
from kiosk.model import ClassInfo, Schedule, meeting
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store.roll import session_roll
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.sync import central_writes as admin
from kiosk.sync.central import Central
from kiosk.sync.engine import SyncEngine

TZ = ZoneInfo("Europe/London")


def sync(store: SqliteStore, cfg) -> None:
    engine = SyncEngine(store, cfg)
    try:
        report = engine.cycle()
        assert report.complete, report.error
    finally:
        engine.close()


@pytest.fixture
def school(tmp_path, central_server):
    yesterday = datetime.now(TZ).date() - timedelta(days=1)
    central = Central.open(kiosk_config(tmp_path / "admin", central_server).mongo)
    central.init_schema()
    for i, (pid, name) in enumerate((("maya", "Maya Chen"), ("lin", "Lin Miranda"), ("tom", "Tom Okafor"))):
        admin.enroll_person(central, Person(pid, name, "student"), "sface", vectors(i), ["a.jpg", "b.jpg"])
    admin.add_class(central, "CS101", "Intro", ["maya", "lin", "tom"], room="b12 ")  # one room, however typed
    admin.add_schedule(central, Schedule("CS101", time(9), time(10), "Europe/London", on_date=yesterday))
    central.close()
    door = kiosk_config(tmp_path / "door-1", central_server, kiosk_id="door-1", room="B12") \
        .replace("kiosk", id="door-1", room="B12", timezone="Europe/London")
    office = kiosk_config(tmp_path / "office", central_server, kiosk_id="office", room="") \
        .replace("kiosk", id="office", room="", timezone="Europe/London")
    store = SqliteStore.in_dir(door.data_dir)
    sync(store, door)  # the timetable
    held = meeting(store.schedules()[0], yesterday, ClassInfo("CS101", "Intro", "B12"), timedelta(minutes=10))
    store.activate_session(held, opened_by="door-1")
    at = FixedClock(held.starts_at + timedelta(minutes=2))
    AttendanceService(store, door, at).check_in("maya", "Maya Chen", 0.8, 0.0)
    SessionScheduler(store, door, FixedClock(held.ends_at + timedelta(minutes=1)), lambda _: None).tick()  # ends it
    sync(store, door)
    yield door, office, store, held
    store.close()


def mark(office, *args) -> int:
    return main(["--data-dir", str(office.data_dir), "attendance", "mark", "--class", "CS101", "--date", "yesterday",
                 *args])


def statuses(store, held) -> dict:
    return {line.person_id: (line.status, line.method, line.reason) for line in session_roll(store, held.session_id).lines}


def test_a_mark_made_at_the_office_reaches_the_door_once(school, capsys, monkeypatch):
    door, office, store, held = school
    monkeypatch.setenv("KIOSK_MONGO_URI", office.mongo.uri)
    for var, value in (("KIOSK_ID", "office"), ("KIOSK_TIMEZONE", "Europe/London")):
        monkeypatch.setenv(var, value)
    office_cfg = office.replace("mongo", database=office.mongo.database)
    assert mark(office_cfg, "--person", "lin", "--status", "excused", "--reason", "illness") == 0
    out = capsys.readouterr().out
    assert "Lin Miranda marked excused" in out and "sent to the central database" in out
    assert statuses(store, held)["lin"] == ("absent", "auto", "")  # the door has not synced yet
    sync(store, door)
    assert statuses(store, held)["lin"] == ("excused", "manual", "cli: illness")
    assert statuses(store, held)["maya"] == ("present", "face", "")  # the door's own check-in stands
    before = store.query("SELECT count(*) FROM attendance")[0][0]
    sync(store, door)
    sync(store, door)
    assert store.query("SELECT count(*) FROM attendance")[0][0] == before == 3  # once: no duplicate, no echo
    assert store.query("SELECT count(*) FROM attendance WHERE person_id = 'lin'")[0][0] == 1
