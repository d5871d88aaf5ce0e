"""The attendance service on a real SQLite file, with an injected clock."""

import time as systime
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.attendance.service import AttendanceService
from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.model import Schedule, Status
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store.roll import session_roll
from kiosk.store.sqlite_store import Person, SqliteStore

TZ = ZoneInfo("UTC")


@pytest.fixture
def setup(data_dir):
    store = SqliteStore.in_dir(data_dir)
    for pid in ("maya", "obama"):
        store.add_person(Person(pid, pid.title(), "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("CS101", "Intro", ["maya"])
    store.add_schedule(Schedule("CS101", time(9), time(10), "UTC", on_date=date(2026, 11, 25)))
    clock = FixedClock(datetime(2026, 11, 25, 8, 55, tzinfo=TZ))
    scheduler = SessionScheduler(store, Config(), clock, lambda e: None)
    yield store, clock, scheduler, AttendanceService(store, Config(), clock)
    store.close()


def test_present_then_already(setup):
    store, clock, scheduler, service = setup
    scheduler.tick()
    first = service.check_in("maya", "Maya", 0.8, systime.monotonic())
    assert first.status is Status.PRESENT and first.latency_ms >= 0
    clock.advance(minutes=3)
    again = service.check_in("maya", "Maya", 0.9, systime.monotonic())
    assert again.status is Status.ALREADY and again.at == first.at
    assert store.present_count(first.session_id) == 1


def test_late_not_on_roster_and_no_session(setup):
    store, clock, scheduler, service = setup
    assert service.check_in("maya", "Maya", 0.8, systime.monotonic()).status is Status.NO_SESSION
    clock.advance(minutes=15)
    scheduler.tick()
    assert service.check_in("obama", "Obama", 0.8, systime.monotonic()).status is Status.NOT_ON_ROSTER
    late = service.check_in("maya", "Maya", 0.8, systime.monotonic())
    assert late.status is Status.LATE
    roll = session_roll(store, late.session_id)
    assert [(line.person_id, line.status) for line in roll.lines if line.status] == [("maya", "late")]
