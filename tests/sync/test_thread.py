"""The sync thread: central changes reach a running kiosk within one interval; outages back off."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, time as clock_time
from zoneinfo import ZoneInfo

from sync_support import kiosk_config, open_store, queue_checkins, seed_central

from kiosk.clock import FixedClock
from kiosk.messages.lanes import Lanes
from kiosk.messages.screen import SyncState
from kiosk.model import Schedule
from kiosk.scheduler.thread import SessionScheduler
from kiosk.sync import central_writes as admin
from kiosk.sync.central import Central
from kiosk.sync.thread import SyncThread, next_delay


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def states(lanes: Lanes) -> list[SyncState]:
    """What the screen would read now: the newest SyncState (a latest value)."""
    return [m for m in lanes.take(100) if isinstance(m, SyncState)]


def test_backoff_doubles_to_the_cap_and_resets():
    assert next_delay(0, 30.0, 300.0) == 30.0
    assert [next_delay(n, 30.0, 300.0) for n in range(1, 10)] == [2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert 0.8 * 8 <= next_delay(3, 30.0, 300.0, jitter=1.0) <= 8


def test_central_schedule_and_roster_changes_reach_a_running_kiosk_within_one_interval(kiosk_cfg):
    central = Central.open(kiosk_cfg.mongo)
    seed_central(central)
    store = open_store(kiosk_cfg)  # created and migrated before the thread opens its own (as runtime.py does)
    lanes, stop = Lanes(), threading.Event()
    thread = SyncThread(kiosk_cfg, lambda: open_store(kiosk_cfg), lanes.outbox("sync"), stop)
    thread.start()
    try:
        assert wait_for(lambda: thread.cycles >= 1)
        assert store.class_record("HAM101").roster == {"s0", "s1"}
        before = thread.cycles
        admin.set_roster(central, "HAM101", ["s2"])
        admin.add_schedule(central, Schedule("HAM101", clock_time(11), clock_time(12), "Europe/London",
                                             weekdays=frozenset({0})))
        assert wait_for(lambda: store.class_record("HAM101").roster == {"s2"} and len(store.schedules()) == 2)
        assert thread.cycles <= before + 2  # the next cycle applied it (one may have been under way)
        # The kiosk's own scheduler now opens the centrally added meeting.
        monday_11 = FixedClock(datetime(2026, 3, 2, 11, 5, tzinfo=ZoneInfo("Europe/London")))
        change = SessionScheduler(store, kiosk_cfg, monday_11, lambda e: None).tick()
        assert change.current is not None and change.current.starts_at.hour == 11
        assert change.roster_size == 1
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    posted = states(lanes)
    assert len(posted) == 1 and posted[0].online and not posted[0].needs_attention


def test_unreachable_server_shows_offline_with_the_queue_and_backs_off(tmp_path, central_server):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    cfg = kiosk_config(tmp_path / "door", central_server, timeout_s=0.5)
    cfg = cfg.replace("mongo", uri=f"mongodb://kiosk:hunter2@127.0.0.1:{dead_port}/")
    store = open_store(cfg)
    queue_checkins(store, 12)
    lanes, stop = Lanes(), threading.Event()
    thread = SyncThread(cfg, lambda: open_store(cfg), lanes.outbox("sync"), stop)
    thread.start()
    try:
        assert wait_for(lambda: thread.cycles >= 1)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()  # the stop event ends the backoff wait at once
    [state] = states(lanes)
    assert state == SyncState(False, 12, state.error)
    assert "unreachable" in state.error and "hunter2" not in state.error
    assert thread.failures >= 1
    assert store.query("SELECT count(*) FROM attendance")[0][0] == 12  # nothing local is touched


def test_camera_state_for_the_heartbeat_follows_the_frame_counter():
    from types import SimpleNamespace

    from kiosk.sync.heartbeat import capture_health

    frames = iter([0, 5, 9, 9, 9])
    probe = capture_health(lambda: SimpleNamespace(frames_captured=next(frames)))
    assert [probe().camera for _ in range(4)] == ["no frames", "ok", "ok", "no frames"]
    assert probe().ui_fps is None  # no UI fps source given: sent as null
