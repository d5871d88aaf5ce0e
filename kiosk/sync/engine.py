"""One sync cycle: measure the clock offset, pull (admin data, then this room's marks made
elsewhere), push, heartbeat.

Shared by the background SyncThread and `python main.py sync --once`.
A cycle never raises for anything the server does: it returns a report
that says whether the server was reachable and what went wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.store import outbox
from kiosk.store.sqlite_store import SqliteStore
from kiosk.sync.central import Central
from kiosk.sync.client import CentralUnavailable
from kiosk.sync.heartbeat import HealthSource, KioskHealth, send_heartbeat
from kiosk.sync.marks import pull_marks
from kiosk.sync.pull import pull
from kiosk.sync.push import push

log = logging.getLogger(__name__)


@dataclass
class CycleReport:
    online: bool
    queued: int  # check-ins still waiting for the server
    pending: int  # outbox entries still waiting (check-ins, sessions, audit)
    pulled: int = 0
    pushed: int = 0
    refused: int = 0
    offset_s: float = 0.0
    warnings: list[str] = field(default_factory=list)
    error: str = ""  # one line; empty when the cycle completed

    @property
    def complete(self) -> bool:
        return self.online and not self.error and self.pending == 0


class SyncEngine:
    """Runs cycles for one kiosk with its own store connection."""

    def __init__(self, store: SqliteStore, cfg: Config, central: Central | None = None,
                 health: HealthSource | None = None, clock: Callable[[], datetime] | None = None):
        self.store = store
        self.cfg = cfg
        self._central = central
        self.health = health or KioskHealth
        self.clock = clock or (lambda: datetime.now(timezone.utc))  # the marks pull reads recent sessions

    @property
    def central(self) -> Central:
        if self._central is None:  # connecting is lazy in pymongo, so this never blocks
            self._central = Central.open(self.cfg.mongo)
        return self._central

    def cycle(self, after_batch: Callable[[int], None] | None = None, full: bool = False,
              heartbeat: bool = True) -> CycleReport:
        """One cycle; `full` re-reads every central document instead of changes since the last pull.
        `heartbeat`: report this kiosk's health (not from a web view syncing beside it)."""
        report = CycleReport(online=False, queued=0, pending=0)
        try:
            self._run(report, after_batch, full, heartbeat)
        except CentralUnavailable as err:
            report.error = str(err)
            report.online = report.online and not err.offline
        except KioskError as err:  # a bad mongo.uri, an unreadable credentials file, a failing local file
            report.error = str(err)
        report.queued = outbox.queued_checkins(self.store)
        report.pending = outbox.pending_count(self.store)
        return report

    def _run(self, report: CycleReport, after_batch, full: bool, heartbeat: bool) -> None:
        mongo = self.cfg.mongo
        _, report.offset_s = self.central.clock_offset()
        report.online = True
        outbox.record_state(self.store, "clock_offset_s", f"{report.offset_s:.3f}")
        pulled = pull(self.store, self.central, full)
        report.pulled, report.warnings = pulled.total_changed, pulled.warnings
        report.pulled += pull_marks(self.store, self.central, self.cfg, self.clock())
        pushed = push(self.store, self.central, self.cfg.kiosk.id, report.offset_s, mongo.batch_size, after_batch)
        report.pushed, report.refused = pushed.sent, pushed.refused
        if pushed.refused:
            report.error = f"server refused {pushed.refused} row(s): {pushed.last_error}"
        if not heartbeat:
            return
        send_heartbeat(
            self.central, self.cfg.kiosk.id, self.cfg.kiosk.room, outbox.queued_checkins(self.store),
            outbox.pending_count(self.store), report.offset_s, self._health(), report.error, len(report.warnings),
        )

    def _health(self) -> KioskHealth:
        try:
            return self.health()
        except Exception as err:  # a health probe must never stop a sync
            log.debug("health probe failed: %s", err)
            return KioskHealth()

    def close(self) -> None:
        if self._central is not None:
            self._central.close()
            self._central = None
