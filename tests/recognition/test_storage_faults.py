"""A database that fails on the check-in path: the notice at once, nobody shown as checked in,
the check-ins kept in memory and saved exactly once when the file works again; the watchdog
stops being fed when it fails too long. Real SQLite files, the real announcer and lanes."""

from __future__ import annotations

import time
from datetime import date, datetime, time as dtime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.attendance.pending import PendingCheckIns
from kiosk.attendance.service import AttendanceService
from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.messages import screen as msg
from kiosk.model import Schedule, Status
from kiosk.recognition.announce import Announcer
from kiosk.recognition.stats import WorkerStats
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store.health import StoreHealth
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore
from kiosk.systemd_notify import SystemdNotifier, Watchdog
from kiosk.vision.naming import Match
from kiosk.vision.tracker import FaceBox, Track
from tests.lanes_support import OutboxSpy

TZ = ZoneInfo("UTC")
IDS = [f"s{i}" for i in range(6)]


@pytest.fixture
def door(data_dir):
    store = SqliteStore.in_dir(data_dir)
    for pid in IDS:
        store.add_person(Person(pid, pid.upper(), "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("CS101", "Intro", IDS)
    store.add_schedule(Schedule("CS101", dtime(9), dtime(10), "UTC", on_date=date(2026, 11, 25)))
    clock = FixedClock(datetime(2026, 11, 25, 9, 1, tzinfo=TZ))
    SessionScheduler(store, Config(), clock, lambda m: None).tick()
    outbox = OutboxSpy("recognition")
    health = StoreHealth()
    announcer = Announcer(Config(), AttendanceService(store, Config(), clock), outbox, WorkerStats(), health)
    yield store, announcer, outbox, health
    store.close()


def _walk_up(announcer: Announcer, n: int, pid: str) -> None:
    track = Track(n, FaceBox(100, 80, 120, 150, 0.9), time.monotonic(), time.monotonic())
    track.confirmed = Match(pid, pid.upper(), 0.8)
    announcer.announce(track)


def _stored(store: SqliteStore) -> list[str]:
    return sorted(r["person_id"] for r in store.query("SELECT person_id FROM attendance"))


def test_a_failing_file_shows_the_notice_and_keeps_the_check_ins_until_it_works(door):
    store, announcer, outbox, health = door
    _walk_up(announcer, 0, "s0")  # saved and shown
    store.conn.execute("PRAGMA query_only = ON")  # the file refuses writes, as a read-only or failing disk does
    for n, pid in enumerate(IDS[1:4], start=1):
        _walk_up(announcer, n, pid)
    sent = outbox.sent()
    shown = [m.checkin.person_id for m in sent if isinstance(m, msg.CheckInPosted)]
    notices = [m for m in sent if isinstance(m, msg.Notice) and m.reason == msg.STORAGE_FAILING]
    assert shown == ["s0"]  # never "Checked in" for a check-in that was not saved
    assert notices and "readonly" in notices[0].detail
    assert health.failing and len(announcer.attendance.pending) == 3
    _walk_up(announcer, 9, "s1")  # seen again while it waits: still not shown, not kept twice
    assert len(announcer.attendance.pending) == 3
    assert _stored(store) == ["s0"]

    store.conn.execute("PRAGMA query_only = OFF")  # IT fixed it
    saved = announcer.attendance.save_pending()
    announcer.storage_back(saved)
    assert saved == 3 and not health.failing and _stored(store) == ["s0", "s1", "s2", "s3"]
    assert any(isinstance(m, msg.Notice) and m.reason == msg.STORAGE_BACK for m in outbox.sent())
    _walk_up(announcer, 10, "s2")  # already stored: shown as already, not stored again
    assert _stored(store) == ["s0", "s1", "s2", "s3"]


def test_a_row_saved_before_an_unclear_failure_is_not_saved_twice(data_dir, door):
    store, announcer, _, _ = door
    session_id = store.active_session().session_id
    row = AttendanceRow(session_id, "s5", Status.PRESENT.value, datetime(2026, 11, 25, 9, 2, tzinfo=TZ))
    store.record_attendance(row)  # it reached the file, though the caller saw an error
    pending = PendingCheckIns()
    pending.keep(row)
    assert pending.flush(store) == 1 and _stored(store).count("s5") == 1


def test_the_queue_is_bounded_keeping_the_oldest_and_counting_the_dropped(caplog):
    pending = PendingCheckIns(limit=2)
    rows = [AttendanceRow("X@1", f"p{i}", "present", datetime(2026, 1, 1, tzinfo=TZ)) for i in range(4)]
    kept = [pending.keep(r) for r in rows]
    assert kept == [True, True, False, False] and pending.dropped == 2
    assert list(pending.rows) == [("X@1", "p0"), ("X@1", "p1")]
    assert "CHECK-IN LOST" in caplog.text


def test_the_watchdog_stops_after_the_store_fails_too_long(tmp_path):
    import socket

    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    now = [1000.0]
    health = StoreHealth(clock=lambda: now[0])
    dog = Watchdog(SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"}),
                   lambda: [("recognition", now[0])], clock=lambda: now[0], store_failing_s=health.failing_for,
                   store_limit_s=60.0)
    health.failed()
    dog.on_frame()
    now[0] += 59.0
    dog.on_frame()
    now[0] += 2.0  # 61 s of failure without a break
    dog.on_frame()
    now[0] += 2.0
    dog.on_frame()
    sock.setblocking(False)
    got = []
    while True:
        try:
            got.append(sock.recv(4096).decode())
        except BlockingIOError:
            break
    sock.close()
    assert got.count("WATCHDOG=1") == 2  # fed while it failed under the limit, then no more
