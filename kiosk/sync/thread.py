"""The background sync thread: a cycle every sync interval, backing off
exponentially while the central database is unreachable.

It has its own SQLite connection, never blocks the kiosk, and tells the
screen how things stand with a SyncState event ("Offline · 12 check-ins
queued"). Started by runtime.py only when mongo.uri is set.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Callable

from kiosk.config import Config
from kiosk.messages.lanes import Outbox
from kiosk.messages.screen import SyncState
from kiosk.store.sqlite_store import SqliteStore
from kiosk.sync.engine import CycleReport, SyncEngine
from kiosk.sync.heartbeat import HealthSource

log = logging.getLogger(__name__)

FIRST_BACKOFF_S = 2.0


def next_delay(failures: int, interval_s: float, backoff_max_s: float, jitter: float = 0.0) -> float:
    """Seconds to wait after a cycle: the interval when healthy, else 2 s doubling to the cap.

    `jitter` (0..1) spreads a fleet of kiosks apart when the server comes back.
    """
    if failures <= 0:
        return interval_s
    base = min(FIRST_BACKOFF_S * 2 ** (failures - 1), backoff_max_s)
    return base * (1.0 - 0.2 * jitter)


def sync_state(report: CycleReport) -> SyncState:
    first = report.warnings[0] if report.warnings else ""
    return SyncState(report.online, report.queued, report.error, len(report.warnings), first)


class SyncThread(threading.Thread):
    def __init__(self, cfg: Config, store_factory: Callable[[], SqliteStore], outbox: Outbox,
                 stop: threading.Event, health: HealthSource | None = None):
        super().__init__(name="sync", daemon=True)
        self.cfg = cfg
        self.store_factory = store_factory
        self.outbox = outbox
        self.stop_event = stop
        self.health = health
        self.failures = 0
        self.cycles = 0  # completed cycles, for tests and --stats
        self.last_report: CycleReport | None = None

    def run(self) -> None:
        store = self.store_factory()  # this thread's own connection
        engine = SyncEngine(store, self.cfg, health=self.health)
        log.info("sync with %s every %.0f s", _shown_uri(self.cfg), self.cfg.mongo.sync_interval_s)
        try:
            delay = self._cycle(engine)
            while not self.stop_event.wait(delay):
                delay = self._cycle(engine)
        finally:
            engine.close()
            store.close()

    def _cycle(self, engine: SyncEngine) -> float:
        try:
            report = engine.cycle()
        except Exception as err:  # never let sync take the kiosk down
            log.exception("sync cycle failed unexpectedly")
            report = CycleReport(online=False, queued=0, pending=0, error=f"{type(err).__name__}: {err}"[:200])
        self.cycles += 1
        self._note(report)
        self.outbox.latest(sync_state(report))
        mongo = self.cfg.mongo
        return next_delay(self.failures, mongo.sync_interval_s, mongo.backoff_max_s, random.random())

    def _note(self, report: CycleReport) -> None:
        was_failing = self.failures > 0
        self.failures = 0 if report.online else self.failures + 1
        if not report.online and (self.failures == 1 or log.isEnabledFor(logging.DEBUG)):
            log.warning("sync offline (%s); %d check-in(s) queued; retrying with backoff", report.error, report.queued)
        elif report.online and was_failing:
            log.info("sync back online; %d check-in(s) still queued", report.queued)
        self.last_report = report


def _shown_uri(cfg: Config) -> str:
    from kiosk.sync.client import mask_uri

    return mask_uri(cfg.mongo.uri)
