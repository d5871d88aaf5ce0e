"""A pull that changes the active class's roster reaches the banner on the scheduler's next tick."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sync_support import open_store, seed_central

from kiosk.clock import FixedClock
from kiosk.config import UiSection
from kiosk.scheduler.thread import SessionScheduler
from kiosk.sync import central_writes as admin
from kiosk.sync.central import Central
from kiosk.sync.pull import pull
from kiosk.ui.model import ScreenModel

MONDAY_0905 = datetime(2026, 3, 2, 9, 5, tzinfo=ZoneInfo("Europe/London"))  # HAM101 meets Mon 09:00-10:00


def test_roster_change_pulled_mid_session_is_reposted_on_the_next_tick(kiosk_cfg):
    central = Central.open(kiosk_cfg.mongo)
    seed_central(central)
    sync_store, scheduler_store = open_store(kiosk_cfg), open_store(kiosk_cfg)  # one connection per thread
    pull(sync_store, central)
    posted: list[object] = []
    scheduler = SessionScheduler(scheduler_store, kiosk_cfg, FixedClock(MONDAY_0905), posted.append)
    screen = ScreenModel(UiSection())

    first = scheduler.tick()
    assert first.current.class_code == "HAM101" and first.roster_size == 2
    scheduler.tick()
    assert posted == [first]  # nothing changed: nothing re-posted

    admin.set_roster(central, "HAM101", ["s0", "s1", "s2"])  # an admin adds Cy centrally
    assert pull(sync_store, central).changed["classes"] == 1  # the sync thread's connection

    second = scheduler.tick()  # same session, same clock: only the roster size differs
    assert posted == [first, second]
    assert second.current.session_id == first.current.session_id and second.roster_size == 3
    for event in posted:
        screen.apply(event, MONDAY_0905)
    assert (screen.present_count, screen.roster_size) == (0, 3)  # the banner's "0 / 3 checked in"
