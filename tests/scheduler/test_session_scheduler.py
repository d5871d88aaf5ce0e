"""Session activation and ending from the timetable, with an injected clock."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.scheduler.thread import SessionScheduler
from kiosk.scheduler.timetable import Schedule
from kiosk.store.sqlite_store import Person, SqliteStore

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
    assert len(posted) == 4  # one event per change, none for unchanged ticks


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
