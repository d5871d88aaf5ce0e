"""The PIN lockout persisted in SQLite: per staff id and per door, surviving a restart of the
desk worker, and shared with the web login (a wrong PIN there counts at the door)."""

from __future__ import annotations

import threading
from datetime import date, datetime, time as dtime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.staff.worker import DeskWorker
from kiosk.staff.sign_in import Lockout, WebPinCheck, keypad_wait
from kiosk.staff.sign_in import SharedLockout, door_subject, staff_subject
from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.messages.desk import CheckPin
from kiosk.model import Schedule
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store import staff
from kiosk.store.pins import set_pin
from kiosk.store.sqlite_store import Person, SqliteStore
from tests.lanes_support import OutboxSpy

TZ = ZoneInfo("Europe/London")


class Ticks:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def locked(wait: float, clock: Ticks) -> Lockout:
    return Lockout(5, 30, clock, locked_until=clock.t + wait)


@pytest.mark.parametrize("door_wait, holder_waits, expected", [
    (0, [], 0),  # nobody has a PIN, the door is open
    (30, [], 30),  # the door's own count locked it
    (0, [0, 60], 0),  # one holder still open: the keypad stays usable
    (0, [60, 90], 60),  # every holder locked (at the web, say): the keypad waits for the first
    (120, [60], 120),
])
def test_keypad_waits_for_its_own_lock_or_for_every_holder(door_wait, holder_waits, expected):
    clock = Ticks()
    door = locked(door_wait, clock)
    assert keypad_wait(door, [locked(w, clock) for w in holder_waits]) == expected


def test_a_set_back_wall_clock_never_lengthens_a_lock():
    clock = Ticks()
    lock = locked(30, clock)
    clock.t -= 10 * 24 * 3600
    assert lock.remaining() == 24 * 3600


def test_the_count_and_the_doubling_survive_a_new_connection(data_dir):
    clock = Ticks()
    first = SqliteStore.in_dir(data_dir)
    shared = SharedLockout(first, 3, 10, now=clock)
    for _ in range(3):
        after = shared.fail(["staff:prof"])
    assert after["staff:prof"].remaining() == 10
    first.close()
    clock.t += 11
    second = SqliteStore.in_dir(data_dir)  # a restarted process
    again = SharedLockout(second, 3, 10, now=clock)
    assert again.state(["staff:prof"])["staff:prof"].remaining() == 0
    for _ in range(3):
        after = again.fail(["staff:prof"])
    assert after["staff:prof"].remaining() == 20  # the second lockout doubles, across the restart
    second.close()


def test_two_connections_failing_at_once_lose_no_count(data_dir):
    SqliteStore.in_dir(data_dir).close()  # migrated once, before the race
    go = threading.Barrier(4)

    def guess():
        store = SqliteStore.in_dir(data_dir)  # its own connection, like the kiosk and the web process
        go.wait()
        for _ in range(5):
            SharedLockout(store, 100, 30).fail(["staff:prof"])
        store.close()

    threads = [threading.Thread(target=guess) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store = SqliteStore.in_dir(data_dir)
    assert SharedLockout(store, 100, 30).state(["staff:prof"])["staff:prof"].failures == 20
    store.close()


def test_an_untouched_unlocked_subject_is_forgotten_after_a_day(data_dir):
    clock = Ticks()
    store = SqliteStore.in_dir(data_dir)
    shared = SharedLockout(store, 5, 30, now=clock)
    shared.fail(["staff:nobody"])
    clock.t += 25 * 3600
    shared.fail(["staff:prof"])  # any write prunes
    rows = [r[0] for r in store.query("SELECT subject FROM pin_lockouts")]
    assert rows == ["staff:prof"]
    store.close()


# -- the desk worker: a restart keeps the lock; failures at the web count at the door ----------

@pytest.fixture
def door(data_dir):
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("maya", "Maya Chen", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    staff.add_staff(store, "prof", "Prof Ada")
    set_pin(store, "prof", "4829")
    store.add_class("CS101", "Intro", ["maya"], room="B12", instructor_id="prof")
    store.add_schedule(Schedule("CS101", dtime(9), dtime(10), "Europe/London", on_date=date(2026, 11, 25)))
    clock = FixedClock(datetime(2026, 11, 25, 9, 3, tzinfo=TZ))
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-7")
    SessionScheduler(store, cfg, clock, lambda event: None).tick()
    yield cfg, clock, store
    store.close()


class RunningWorker:
    """The real desk worker thread on its own connection; `ask` waits for its verdict."""

    def __init__(self, cfg, clock, lock_clock):
        self.outbox = OutboxSpy("admin")
        self.stop = threading.Event()
        self.thread = DeskWorker(cfg, lambda: SqliteStore.in_dir(cfg.data_dir), clock, self.outbox, self.stop,
                                  lock_clock=lock_clock)
        self.thread.start()

    def ask(self, pin: str):
        self.thread.submit(CheckPin(pin))
        return self.outbox.seen.get(timeout=10)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        assert not self.thread.is_alive()


def test_the_keypad_lock_survives_a_restart_of_the_admin_worker(door):
    cfg, clock, _ = door
    ticks = Ticks()
    worker = RunningWorker(cfg, clock, ticks)
    verdicts = [worker.ask("1111") for _ in range(5)]
    assert verdicts[-1].locked_for == 30
    worker.close()
    ticks.t += 10
    restarted = RunningWorker(cfg, clock, ticks)
    try:
        verdict = restarted.ask("4829")  # the right PIN, but the keypad is still locked
        assert not verdict.ok and verdict.locked_for == pytest.approx(20)
        ticks.t += 21
        assert restarted.ask("4829").ok
    finally:
        restarted.close()


def test_wrong_pins_for_a_staff_id_elsewhere_lock_that_person_out_at_the_door(door):
    cfg, clock, store = door
    ticks = Ticks()
    web = SharedLockout(store, cfg.pin.max_tries, cfg.pin.lockout_base_s, now=ticks)
    for _ in range(cfg.pin.max_tries):
        web.fail([staff_subject("prof")])  # what the web login does with each wrong PIN for 'prof'
    worker = RunningWorker(cfg, clock, ticks)
    try:
        verdict = worker.ask("4829")
        assert not verdict.ok and verdict.locked_for == pytest.approx(30)  # prof is the only holder
        ticks.t += 31
        assert worker.ask("4829").ok
    finally:
        worker.close()
    assert web.state([door_subject("door-7")])[door_subject("door-7")].failures == 0


def test_wrong_pins_at_the_door_lock_the_keypad_not_the_staff(door):
    """Anyone can type at a door: five wrong PINs there lock that keypad (and double), but never the
    instructors' or admins' own counts, so nobody at the door can lock an admin out of the web view."""
    cfg, clock, store = door
    ticks = Ticks()
    worker = RunningWorker(cfg, clock, ticks)
    try:
        verdicts = [worker.ask("1111") for _ in range(cfg.pin.max_tries)]
        assert [v.tries_left for v in verdicts[:2]] == [4, 3] and verdicts[-1].locked_for == 30
        assert not worker.ask("4829").ok  # the keypad is locked, even for the right PIN
    finally:
        worker.close()
    web = SharedLockout(store, cfg.pin.max_tries, cfg.pin.lockout_base_s, now=ticks)
    assert web.state([staff_subject("prof")])[staff_subject("prof")].failures == 0
    assert WebPinCheck().check(store, web, "prof", "4829").person.id == "prof"  # the web login is untouched
