"""The flood test. Two threads pour latest values (faces seen, camera and sync state) onto the
screen's lanes as fast as they can, while check-ins stream in through the real recognition
announcer and attendance service into a real SQLite file, and the real app loop (dummy display,
real screen model) reads both lanes. The lossless lane is kept small, and the first burst of
check-ins arrives before the screen reads anything, so it is full and the producer must keep
and retry. Every check-in that was stored reaches the screen exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date, datetime, time as dtime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.attendance.service import AttendanceService
from kiosk.clock import FixedClock
from kiosk.config import Config, UiSection
from kiosk.messages.lanes import Lanes
from kiosk.messages.screen import CameraState, CheckInPosted, FaceLabel, FacesSeen, SyncState
from kiosk.model import Frame, Schedule
from kiosk.recognition.announce import Announcer
from kiosk.recognition.stats import WorkerStats
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.ui.app import KioskApp
from kiosk.ui.states import State
from kiosk.vision.base import FaceBox, Match
from kiosk.vision.tracker import Track

TZ = ZoneInfo("Europe/London")
STUDENTS = 60
FIRST_BURST = 20  # sent before the screen reads anything: far more than the lane holds
LANE_SIZE = 4
LONG = 60.0  # only reached if a check-in is lost or a producer blocks; nothing here measures speed
IMAGE = np.zeros((360, 640, 3), np.uint8)


class CheckInsShown(State):
    """Above the live screen: every CheckInPosted the screen handled, in order."""

    transparent = True

    def __init__(self):
        super().__init__()
        self.seen: list = []

    def handle_event(self, event: object) -> None:
        if isinstance(event, CheckInPosted):
            self.seen.append(event.checkin)


@pytest.fixture
def door(data_dir):
    store = SqliteStore.in_dir(data_dir)
    ids = [f"s{n:03d}" for n in range(STUDENTS)]
    for pid in ids:
        store.add_person(Person(pid, f"Student {pid}", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("CS101", "Intro", ids, room="B12")
    store.add_schedule(Schedule("CS101", dtime(9), dtime(10), "Europe/London", on_date=date(2026, 11, 25)))
    clock = FixedClock(datetime(2026, 11, 25, 9, 3, tzinfo=TZ))
    SessionScheduler(store, Config(), clock, lambda message: None).tick()  # CS101 is active
    yield data_dir, store, clock, ids
    store.close()


def recognition(lanes: Lanes, data_dir, clock, ids: list[str], first_burst: threading.Event,
                done: threading.Event) -> None:
    """Like the recognition worker: its own store connection, one confirmed track per student."""
    store = SqliteStore.in_dir(data_dir)
    outbox = lanes.outbox("recognition")
    announcer = Announcer(Config(), AttendanceService(store, Config(), clock), outbox, WorkerStats())
    try:
        for n, pid in enumerate(ids):
            track = Track(n, FaceBox(100, 80, 120, 150, 0.9), time.monotonic(), time.monotonic())
            track.confirmed = Match(pid, f"Student {pid}", 0.8)
            announcer.announce(track)  # stored, then delivered
            announcer.faces_seen(Frame(IMAGE, time.monotonic(), n), [track], lambda t: 0.97)
            if n + 1 == FIRST_BURST:
                first_burst.set()
            outbox.flush()  # every loop turn, as the worker does
        while outbox.flush():
            time.sleep(0.002)
    finally:
        store.close()
        done.set()


def flood(lanes: Lanes, name: str, stop: threading.Event) -> None:
    outbox, n = lanes.outbox(name), 0
    label = FaceLabel(FaceBox(10, 10, 50, 60, 0.9), None, 0.3, False)
    while not stop.is_set():
        n += 1
        outbox.latest(FacesSeen(n, (label,) * (n % 4)))
        outbox.latest(CameraState(n % 2 == 0))
        outbox.latest(SyncState(True, n % 7))
        if n % 50 == 0:
            time.sleep(0)  # let the others run


def test_every_stored_check_in_reaches_the_screen_exactly_once_through_a_flood(door):
    data_dir, store, clock, ids = door
    lanes, stop, first_burst, done = Lanes(lossless_size=LANE_SIZE), threading.Event(), threading.Event(), threading.Event()
    shown = CheckInsShown()
    app = KioskApp(UiSection(width=640, height=400), lambda: Frame(IMAGE, time.monotonic(), 0), lanes, stop, clock,
                   windowed=True, layers=[lambda live: shown])
    app.open()
    threads = [threading.Thread(target=recognition, args=(lanes, data_dir, clock, ids, first_burst, done),
                                name="recognition")]
    threads += [threading.Thread(target=flood, args=(lanes, name, stop), name=name) for name in ("capture", "sync")]
    try:
        for thread in threads:
            thread.start()
        assert first_burst.wait(LONG)  # the producer went on although the screen read nothing
        deadline = time.monotonic() + LONG
        while time.monotonic() < deadline and not (done.is_set() and len(shown.seen) >= STUDENTS):
            app.tick(1 / 30)
            time.sleep(0.005)
    finally:
        stop.set()
        for thread in threads:
            thread.join(5)
        app.tick(1 / 30)  # whatever the floods sent last
        app.close()
    rows = store.query("SELECT person_id FROM attendance WHERE status IN ('present', 'late')")
    stored = Counter(r[0] for r in rows)
    assert stored == Counter(ids)  # one row each
    assert Counter(c.person_id for c in shown.seen if c.status.stored) == stored  # each card once
    assert [c.person_id for c in shown.seen] == ids  # in the order they were stored
    stats = lanes.stats()
    assert stats["lane_delivered"] == STUDENTS and stats["lane_waits"] >= 1 and stats["lane_max_backlog"] > 1
    assert stats["lane_replaced"] > STUDENTS  # the flood was real: most latest values were never read
    assert app.live.model.recent[0].person_id == ids[-1]  # the real screen model took them too
