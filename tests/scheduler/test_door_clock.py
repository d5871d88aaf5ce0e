"""While the scheduler doubts the wall clock, the door keeps the class that was on (check-ins still
land in it, timed by the monotonic count) and says, for as long as the doubt lasts, that the clock
looks wrong; once the clock is right again, the door follows it. Driven by FixedClock.jump through
the real scheduler, the attendance service and the screen's model, all on one DoorClock, as the
running kiosk wires them (kiosk/runtime.py)."""

from __future__ import annotations

import time as systime
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kiosk.attendance.service import AttendanceService
from kiosk.clock import DoorClock, FixedClock
from kiosk.config import Config, UiSection
from kiosk.model import Schedule, Status
from kiosk.scheduler.thread import SessionScheduler
from kiosk.ui import text
from kiosk.ui.model import ScreenModel

TZ = ZoneInfo("Europe/London")
CS101 = "CS101@2026-11-25T09:00Z"
ROSTER = ["maya", "tom", "ana"]


@pytest.fixture
def store(store):
    """The clock-jump class (tests/scheduler/conftest.py), and MUS201 later that day in the same room."""
    store.add_class("MUS201", "Harmony", ROSTER, room="B12")
    store.add_schedule(Schedule("MUS201", time(11, 30), time(12, 30), "Europe/London", on_date=date(2026, 11, 25)))
    return store


class Door:
    """The scheduler, the check-in service and the screen's model of one kiosk, on one DoorClock."""

    def __init__(self, store):
        self.store = store
        self.wall = FixedClock(datetime(2026, 11, 25, 9, 5, tzinfo=TZ))
        self.clock = DoorClock(self.wall)
        self.screen = ScreenModel(UiSection())
        self.scheduler = SessionScheduler(store, Config(), self.clock, self.show)
        self.service = AttendanceService(store, Config(), self.clock)
        self.tick()

    def show(self, message) -> None:
        self.screen.apply(message, self.clock())

    def tick(self):
        return self.scheduler.tick()

    def check_in(self, person: str) -> Status:
        return self.service.check_in(person, person.title(), 0.9, systime.monotonic()).status

    def banner(self) -> tuple[str, str]:
        """The state word and the big right-hand line, as the banner draws them."""
        session = self.screen.session
        return self.screen.state_word, text.session_timing(session, self.clock()) if session else ""


def _rows(store) -> dict[str, tuple[str, str]]:
    return {r["person_id"]: (r["status"], r["checked_in_at"]) for r in
            store.query("SELECT person_id, status, checked_in_at FROM attendance WHERE session_id = ?", (CS101,))}


def test_a_clock_set_back_a_day_keeps_the_class_at_the_door_and_says_so_until_it_is_right(store):
    door = Door(store)
    assert door.check_in("maya") is Status.PRESENT
    door.wall.jump(hours=-24)  # 09:05 yesterday
    door.wall.advance(minutes=2)
    change = door.tick()
    assert change.current.session_id == CS101 and change.clock_reads == datetime(2026, 11, 24, 9, 7, tzinfo=TZ)
    assert door.clock() == datetime(2026, 11, 25, 9, 7, tzinfo=TZ)  # the door goes by the monotonic count
    assert door.banner() == ("ACTIVE", "53 min left")
    notice = door.screen.clock_notice
    assert "clock looks wrong" in notice and "Tue 24 Nov 09:07" in notice and "CS101" in notice
    assert "check the clock" in notice and "…" not in notice
    door.wall.advance(minutes=10)
    door.tick()
    assert door.check_in("tom") is Status.LATE  # 09:17 by the monotonic count: after the 5 min grace
    rows = _rows(store)
    assert rows["tom"][0] == "late" and rows["tom"][1].startswith("2026-11-25T09:17")
    door.wall.advance(minutes=120)  # the class's end has passed by the monotonic count: it is held no more
    change = door.tick()
    assert change.current is None and change.clock_reads is not None and not door.clock.doubted
    assert store.session_state(CS101) == "active"  # a doubted clock still ends nothing and marks nobody absent
    assert door.screen.clock_notice and "No class opens" in door.screen.clock_notice
    door.wall.jump(hours=24)  # set right: 11:17, the class is over by both clocks
    change = door.tick()
    assert change.clock_reads is None and door.screen.clock_notice == ""
    assert store.session_state(CS101) == "ended"


def test_the_notice_goes_when_the_clock_is_set_right_during_the_class(store):
    door = Door(store)
    door.wall.jump(hours=-24)
    door.tick()
    assert door.screen.clock_notice
    door.wall.jump(hours=24)
    door.wall.advance(seconds=1)
    change = door.tick()
    assert change.current.session_id == CS101 and change.clock_reads is None
    assert door.screen.clock_notice == "" and not door.clock.doubted and door.banner()[0] == "ACTIVE"


def test_a_jump_forward_keeps_the_class_on_instead_of_no_more_classes(store):
    door = Door(store)
    door.wall.jump(hours=2.5)  # 11:35: past CS101 and into MUS201's window by the wall clock
    change = door.tick()
    assert change.current.session_id == CS101 and change.clock_reads is not None and change.upcoming is None
    assert store.active_session_ids() == [CS101]  # MUS201 does not open on the jumped clock
    assert door.banner() == ("ACTIVE", "55 min left") and "CS101 goes on" in door.screen.clock_notice
    assert door.check_in("ana") is Status.PRESENT and _rows(store)["ana"][1].startswith("2026-11-25T09:05")
    door.wall.advance(minutes=56)  # CS101's real end has passed by the monotonic count too
    change = door.tick()
    assert store.session_state(CS101) == "ended" and change.clock_reads is None
    assert {pid: row[0] for pid, row in _rows(store).items()} == {"ana": "present", "maya": "absent",
                                                                  "tom": "absent"}


def test_a_clock_behind_at_boot_says_so_all_along_instead_of_no_class_in_session(store):
    Door(store).check_in("maya")
    behind = FixedClock(datetime(2026, 11, 24, 9, 30, tzinfo=TZ))  # restarted with the clock a day behind
    screen = ScreenModel(UiSection())
    scheduler = SessionScheduler(store, Config(), DoorClock(behind), lambda m: screen.apply(m, behind()))
    for _ in range(3):  # not a toast that comes and goes: every tick says it
        change = scheduler.tick()
        assert screen.clock_notice
        behind.advance(minutes=5)
    assert change.current is None and change.clock_reads is not None  # it kept no session in this run
    assert screen.session is None and "No class opens until it is right" in screen.clock_notice
