"""Wall-clock jumps during a class, with an injected clock whose monotonic count moves only with
time itself (FixedClock.advance), not with a jump (FixedClock.jump): nobody is marked absent by a
jump, a session a wrong clock ended is reopened, and a clock behind what was stored opens nothing.
The door keeps the session that was on while the wall clock is doubted: tests/scheduler/test_door_clock.py."""

from __future__ import annotations

import time as systime
from datetime import datetime
from zoneinfo import ZoneInfo


from kiosk.attendance.service import AttendanceService
from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.model import Status
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store.audit import audit_entries

TZ = ZoneInfo("Europe/London")
CS101 = "CS101@2026-11-25T09:00Z"
ROSTER = ["maya", "tom", "ana"]


def _class_under_way(store) -> tuple[FixedClock, SessionScheduler, list]:
    clock = FixedClock(datetime(2026, 11, 25, 9, 5, tzinfo=TZ))
    posted: list = []
    scheduler = SessionScheduler(store, Config(), clock, posted.append)
    scheduler.tick()
    assert AttendanceService(store, Config(), clock).check_in("maya", "Maya", 0.9, systime.monotonic()).status \
        is Status.PRESENT
    return clock, scheduler, posted


def _statuses(store) -> dict[str, str]:
    return {r["person_id"]: r["status"] for r in store.query("SELECT person_id, status FROM attendance")}


def test_a_jump_of_2_5_h_forward_marks_nobody_absent_until_the_real_end(store):
    clock, scheduler, _ = _class_under_way(store)
    clock.jump(hours=2.5)  # an NTP correction: the wall clock reads 11:35
    for _ in range(3):
        scheduler.tick()
        clock.advance(seconds=1)
    assert store.session_state(CS101) == "active" and _statuses(store) == {"maya": "present"}
    clock.advance(minutes=56)  # the class's real end has now passed by the monotonic count too
    scheduler.tick()
    assert store.session_state(CS101) == "ended"
    assert _statuses(store) == {"maya": "present", "tom": "absent", "ana": "absent"}


def test_a_jump_of_24_h_back_opens_nothing_ends_nothing_and_says_so(store):
    clock, scheduler, posted = _class_under_way(store)
    clock.jump(hours=-24)  # 09:05 yesterday: yesterday's meeting of the weekly class is "on"
    scheduler.tick()
    assert store.active_session_ids() == [CS101] and _statuses(store) == {"maya": "present"}
    assert posted[-1].clock_reads is not None  # the screen says so, for as long as it lasts
    clock.jump(hours=24)
    clock.advance(minutes=10)
    scheduler.tick()
    assert store.active_session_ids() == [CS101] and _statuses(store) == {"maya": "present"}


def test_a_clock_a_day_behind_at_boot_opens_no_session_and_writes_nothing(store):
    _class_under_way(store)
    behind = FixedClock(datetime(2026, 11, 24, 9, 30, tzinfo=TZ))  # restarted with the clock a day behind
    posted: list = []
    change = SessionScheduler(store, Config(), behind, posted.append).tick()
    assert change.current is None and store.active_session_ids() == [CS101]
    assert all(not sid.startswith("CS101@2026-11-24") for sid in store.active_session_ids())
    service = AttendanceService(store, Config(), behind)
    assert service.check_in("tom", "Tom", 0.9, systime.monotonic()).status is Status.NO_SESSION
    assert _statuses(store) == {"maya": "present"}
    assert change.clock_reads == datetime(2026, 11, 24, 9, 30, tzinfo=TZ)


def test_a_session_a_wrong_clock_ended_is_reopened_with_its_absent_rows_removed(store):
    clock, _, _ = _class_under_way(store)
    clock.jump(hours=2.5)
    restarted = SessionScheduler(store, Config(), clock, lambda m: None)  # a restart while the clock was wrong
    restarted.tick()
    assert store.session_state(CS101) == "ended" and _statuses(store)["tom"] == "absent"
    clock.jump(hours=-2.5)  # the clock comes back: 09:05 again, inside the window
    clock.advance(minutes=1)
    restarted.tick()
    assert store.session_state(CS101) == "active" and _statuses(store) == {"maya": "present"}
    (reopened,) = audit_entries(store, "session_reopened")
    assert reopened.session_id == CS101 and "2 absent row(s) removed" in reopened.detail
