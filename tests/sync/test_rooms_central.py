"""A central timetable pulled by two kiosks in different rooms: each door opens and ends
only its own room's class, although both hold every room's schedule."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sync_support import kiosk_config, open_store, vectors

from kiosk.clock import FixedClock
from kiosk.scheduler.thread import SessionScheduler
from kiosk.model import Schedule
from kiosk.store.sqlite_store import AttendanceRow, Person
from kiosk.sync import central_writes as admin
from kiosk.sync.central import Central
from kiosk.sync.pull import pull

TZ = ZoneInfo("Europe/London")
DAY = date(2026, 11, 25)


def test_two_doors_share_one_central_timetable_and_keep_to_their_rooms(tmp_path, central_server):
    b12_cfg = kiosk_config(tmp_path / "b12", central_server, kiosk_id="door-b12", room="B12")
    c3_cfg = kiosk_config(tmp_path / "c3", central_server, kiosk_id="door-c3", room="C3")
    central = Central.open(b12_cfg.mongo)
    central.init_schema()
    for i, pid in enumerate(("maya", "lin", "ana")):
        admin.enroll_person(central, Person(pid, pid.title(), "student"), "sface", vectors(i), ["a.jpg", "b.jpg"])
    admin.add_class(central, "B12MATH", "Maths", ["maya", "lin"], room="B12")
    admin.add_class(central, "C3ART", "Art", ["ana"], room="C3")
    admin.add_schedule(central, Schedule("B12MATH", time(9), time(10, 30), "Europe/London", on_date=DAY))
    admin.add_schedule(central, Schedule("C3ART", time(9, 20), time(10, 30), "Europe/London", on_date=DAY))

    clock = FixedClock(datetime.combine(DAY, time(9, 5), TZ))
    doors = {}
    for cfg in (b12_cfg, c3_cfg):
        store = open_store(cfg)
        assert pull(store, central).warnings == []
        assert len(store.schedules()) == 2  # every door holds every room's timetable
        doors[cfg.kiosk.room] = (store, SessionScheduler(store, cfg, clock, lambda e: None))
    b12, c3 = doors["B12"], doors["C3"]

    assert b12[1].tick().current.class_code == "B12MATH"
    assert c3[1].tick().current is None
    b12[0].record_attendance(AttendanceRow("B12MATH@2026-11-25T09:00Z", "maya", "present", clock()))
    clock.advance(minutes=10)  # 09:15: C3ART opens in C3, B12MATH goes on in B12
    assert b12[1].tick().current.class_code == "B12MATH"
    assert c3[1].tick().current.class_code == "C3ART"
    assert b12[0].active_session_ids() == ["B12MATH@2026-11-25T09:00Z"]
    # No absent rows written early:
    assert [tuple(r) for r in b12[0].query("SELECT person_id, status FROM attendance")] == [("maya", "present")]
    assert c3[0].active_session_ids() == ["C3ART@2026-11-25T09:20Z"]
    for store, _ in doors.values():
        store.close()
    central.close()
