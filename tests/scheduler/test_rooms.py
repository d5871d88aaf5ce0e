"""Two rooms in one timetable, through the real scheduler thread with an injected clock:
a class starting in another room never ends this door's class or marks its students absent."""

from __future__ import annotations

import queue
import threading
import time as walltime
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.scheduler.thread import SchedulerThread
from kiosk.model import Schedule
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore
from tests.lanes_support import OutboxSpy

TZ = ZoneInfo("Europe/London")
DAY = date(2026, 11, 25)
B12MATH = "B12MATH@2026-11-25T09:00Z"
C3ART = "C3ART@2026-11-25T09:20Z"


def school(data_dir) -> None:
    """The issue's timetable: B12MATH in B12 09:00-10:30, C3ART in C3 09:20-10:30, one database."""
    store = SqliteStore.in_dir(data_dir)
    for pid in ("maya", "lin", "ana", "ben"):
        store.add_person(Person(pid, pid.title(), "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("B12MATH", "Maths", ["maya", "lin"], room="B12")
    store.add_class("C3ART", "Art", ["ana", "ben"], room="C3")
    store.add_schedule(Schedule("B12MATH", time(9), time(10, 30), "Europe/London", on_date=DAY))
    store.add_schedule(Schedule("C3ART", time(9, 20), time(10, 30), "Europe/London", on_date=DAY))
    store.close()


class Door:
    """One kiosk's scheduler thread on its own database, sending to its own lanes."""

    def __init__(self, data_dir, room: str, clock: FixedClock, stop: threading.Event):
        self.cfg = Config().replace("kiosk", id=f"door-{room}", room=room).replace("store", data_dir=str(data_dir))
        self.events = OutboxSpy(f"scheduler-{room}")
        self.thread = SchedulerThread(self.cfg, lambda: SqliteStore.in_dir(data_dir), clock, self.events, stop)
        self.store = SqliteStore.in_dir(data_dir)

    def wait_for(self, predicate, timeout: float = 10.0):
        """The first posted session change that satisfies `predicate` (ticks run once a second)."""
        deadline = walltime.monotonic() + timeout
        while walltime.monotonic() < deadline:
            try:
                event = self.events.seen.get(timeout=0.2)
            except queue.Empty:
                continue
            if hasattr(event, "upcoming") and predicate(event):
                return event
        raise AssertionError(f"no matching session change from {self.thread.name} within {timeout} s")

    def rows(self, session_id: str) -> dict[str, str]:
        return {r[0]: r[1] for r in self.store.query(
            "SELECT person_id, status FROM attendance WHERE session_id = ?", (session_id,))}


@pytest.fixture
def doors(tmp_path):
    clock = FixedClock(datetime.combine(DAY, time(9, 5), TZ))
    stop = threading.Event()
    made = {}
    for room in ("B12", "C3"):
        school(tmp_path / room)
        made[room] = Door(tmp_path / room, room, clock, stop)
    for door in made.values():
        door.thread.start()
    yield clock, made
    stop.set()
    for door in made.values():
        door.thread.join(timeout=5)
        door.store.close()


def _code(change) -> str | None:
    return change.current.class_code if change.current else None


def test_a_class_starting_in_another_room_leaves_this_doors_class_alone(doors):
    clock, door = doors
    assert _code(door["B12"].wait_for(lambda c: c.current is not None)) == "B12MATH"
    door["C3"].wait_for(lambda c: c.current is None and c.upcoming.class_code == "C3ART")
    door["B12"].store.record_attendance(AttendanceRow(B12MATH, "maya", "present", clock()))

    clock.advance(minutes=10)  # 09:15: C3ART's window has opened in C3
    assert _code(door["C3"].wait_for(lambda c: c.current is not None)) == "C3ART"
    b12 = door["B12"].wait_for(lambda c: c.present_count == 1)  # a tick at 09:15 has run in B12
    assert _code(b12) == "B12MATH" and b12.current.state == "active"
    assert door["B12"].store.active_session_ids() == [B12MATH]
    assert door["B12"].rows(B12MATH) == {"maya": "present"}  # nobody marked absent
    assert door["C3"].store.active_session_ids() == [C3ART]  # and B12's class never opened in C3

    clock.advance(minutes=76)  # 10:31: both classes are over, each door ends its own
    door["B12"].wait_for(lambda c: c.current is None)
    door["C3"].wait_for(lambda c: c.current is None)
    assert door["B12"].rows(B12MATH) == {"maya": "present", "lin": "absent"}
    assert door["C3"].rows(C3ART) == {"ana": "absent", "ben": "absent"}
    assert door["B12"].rows(C3ART) == {} and door["C3"].rows(B12MATH) == {}


def test_a_door_with_no_room_in_a_two_room_school_opens_nothing(tmp_path):
    school(tmp_path / "db")
    clock = FixedClock(datetime.combine(DAY, time(9, 15), TZ))
    stop = threading.Event()
    door = Door(tmp_path / "db", "", clock, stop)
    door.thread.start()
    try:
        change = door.wait_for(lambda c: True)
        assert change.current is None and change.upcoming is None and change.no_class_for_room
        assert door.store.active_session_ids() == []
    finally:
        stop.set()
        door.thread.join(timeout=5)
        door.store.close()


def test_start_next_early_offers_only_this_rooms_next_class(tmp_path):
    from kiosk.staff.desk import StaffDesk
    from kiosk.scheduler.thread import SessionScheduler

    school(tmp_path / "db")
    store = SqliteStore.in_dir(tmp_path / "db")
    clock = FixedClock(datetime.combine(DAY, time(9, 5), TZ))
    cfg = Config().replace("kiosk", room="B12")
    SessionScheduler(store, cfg, clock, lambda e: None).tick()
    context = StaffDesk(store, cfg, clock).context()
    assert context.session.class_code == "B12MATH"
    assert context.upcoming is None  # C3ART at 09:20 is another room's next class
    c3 = StaffDesk(store, Config().replace("kiosk", room="C3"), clock).context()
    assert c3.upcoming.class_code == "C3ART"
    store.close()
