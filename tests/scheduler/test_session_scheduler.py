"""Session activation and ending from the timetable, with an injected clock."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.messages.desk import SessionEnded
from kiosk.messages.screen import SessionChanged
from kiosk.model import Schedule
from kiosk.scheduler.thread import SessionScheduler
from kiosk.scheduler.timetable import current_and_next
from kiosk.store.cancellations import cancel_date
from kiosk.store.sessions import Actor, start_early
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

TZ = ZoneInfo("Europe/London")


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    s.add_person(Person("maya", "Maya", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    s.add_class("CS101", "Intro", ["maya"], room="B12")
    s.add_class("MA201", "Calculus", ["maya"], room="B12")
    s.add_schedule(Schedule("CS101", time(9), time(10), "Europe/London", on_date=date(2026, 11, 25)))
    s.add_schedule(Schedule("MA201", time(10), time(11), "Europe/London", on_date=date(2026, 11, 25)))
    yield s
    s.close()


def test_activates_and_ends_sessions_as_time_passes(store):
    clock = FixedClock(datetime(2026, 11, 25, 8, 0, tzinfo=TZ))
    posted = []
    sched = SessionScheduler(store, Config(), clock, posted.append)
    change = sched.tick()
    assert change.current is None and change.upcoming.class_code == "CS101"
    clock.advance(minutes=50)  # 08:50: the early window opens
    assert sched.tick().current.class_code == "CS101"
    assert store.active_session().class_code == "CS101"
    clock.advance(minutes=60)  # 09:50: MA201's window opens, CS101 is ending
    assert sched.tick().current.class_code == "MA201"
    assert store.session_state("CS101@2026-11-25T09:00Z") == "ended"
    clock.advance(hours=2)
    assert sched.tick().current is None
    assert store.active_session_ids() == []
    changes = [e for e in posted if isinstance(e, SessionChanged)]
    assert len(changes) == 4  # one event per change, none for unchanged ticks
    ended = [e for e in posted if isinstance(e, SessionEnded)]
    assert [e.session.class_code for e in ended] == ["CS101"]  # MA201 was found ended too late for a summary


def test_unchanged_tick_posts_nothing(store):
    clock = FixedClock(datetime(2026, 11, 25, 9, 5, tzinfo=TZ))
    posted = []
    sched = SessionScheduler(store, Config(), clock, posted.append)
    sched.tick()
    sched.tick()
    assert len(posted) == 1


def test_session_ended_early_stays_ended(store):
    clock = FixedClock(datetime(2026, 11, 25, 9, 5, tzinfo=TZ))
    sched = SessionScheduler(store, Config(), clock, lambda e: None)
    sched.tick()
    store.end_session("CS101@2026-11-25T09:00Z", by="instructor")
    change = sched.tick()
    assert change.current.state == "ended"
    assert store.active_session() is None


def _rows(store, session_id):
    return {r["person_id"]: (r["status"], r["method"]) for r in
            store.query("SELECT * FROM attendance WHERE session_id = ?", (session_id,))}


def test_end_gives_absent_rows_to_everyone_never_seen_and_posts_a_summary(store):
    store.add_person(Person("lin", "Lin", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.conn.execute("INSERT INTO roster (class_code, person_id) VALUES ('CS101', 'lin')")
    clock = FixedClock(datetime(2026, 11, 25, 9, 5, tzinfo=TZ))
    posted = []
    sched = SessionScheduler(store, Config(), clock, posted.append)
    current = sched.tick().current
    store.record_attendance(AttendanceRow(current.session_id, "maya", "present", clock()))
    clock.advance(minutes=60)  # 10:05: CS101 is over
    sched.tick()
    assert _rows(store, current.session_id) == {"maya": ("present", "face"), "lin": ("absent", "auto")}
    summary = next(e for e in posted if isinstance(e, SessionEnded)).summary
    assert summary.counts == (2, 1, 0, 1) and summary.absent == ("Lin",)
    sched.tick()  # ending twice adds nothing
    assert len(_rows(store, current.session_id)) == 2


def test_cancelled_date_is_skipped(store):
    cancel_date(store, "CS101", date(2026, 11, 25), "holiday")
    clock = FixedClock(datetime(2026, 11, 25, 9, 5, tzinfo=TZ))
    change = SessionScheduler(store, Config(), clock, lambda e: None).tick()
    assert change.current is None and change.upcoming.class_code == "MA201"


def test_a_meeting_started_early_stays_open_and_wins(store):
    clock = FixedClock(datetime(2026, 11, 25, 9, 20, tzinfo=TZ))
    sched = SessionScheduler(store, Config(), clock, lambda e: None)
    sched.tick()  # CS101 is on
    _, upcoming = current_and_next(store.schedules(), store.classes(), clock(), sched.early_open)
    assert upcoming.class_code == "MA201"
    ended = start_early(store, upcoming, Actor("prof", "k1"), clock())
    assert ended == ["CS101@2026-11-25T09:00Z"]
    change = sched.tick()
    assert change.current.class_code == "MA201" and change.current.state == "active"
    assert store.active_session().class_code == "MA201"
    assert store.session_state("CS101@2026-11-25T09:00Z") == "ended"
    assert _rows(store, "CS101@2026-11-25T09:00Z") == {"maya": ("absent", "auto")}


def test_another_rooms_session_opened_before_the_room_was_set_ends_only_at_its_end(store):
    store.add_class("C3ART", "Art", ["maya"], room="C3")
    store.add_schedule(Schedule("C3ART", time(9, 20), time(10, 30), "Europe/London", on_date=date(2026, 11, 25)))
    clock = FixedClock(datetime(2026, 11, 25, 9, 25, tzinfo=TZ))
    SessionScheduler(store, Config(), clock, lambda e: None).tick()  # no room set: opens nothing (two rooms)
    assert store.active_session_ids() == []
    art = "C3ART@2026-11-25T09:20Z"
    start_early(store, current_and_next(store.schedules(), store.classes(), clock(), timedelta(0))[0],
                Actor("prof", "k1"), clock())  # as this door did before it knew its room
    sched = SessionScheduler(store, Config().replace("kiosk", room="B12"), clock, lambda e: None)
    assert sched.tick().current.class_code == "CS101"
    assert store.session_state(art) == "active" and _rows(store, art) == {}
    clock.advance(minutes=66)  # 10:31
    sched.tick()
    assert store.session_state(art) == "ended"
