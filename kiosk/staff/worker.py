"""The desk worker: the thread that runs the instructor's desk off the screen's thread.

The PIN overlay submits commands to its bounded queue (they never block the
screen); the worker checks PINs (scrypt is slow on purpose), acts through its
own store connection, and delivers every answer by the screen's lossless lane.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.messages.lanes import Commands, Outbox
from kiosk.staff.desk import StaffDesk, refusal
from kiosk.store.sqlite_store import SqliteStore

log = logging.getLogger(__name__)


class DeskWorker(threading.Thread):
    """Runs StaffDesk in its own thread with its own store connection."""

    def __init__(self, cfg: Config, store_factory: Callable[[], SqliteStore], clock: Clock,
                 outbox: Outbox, stop: threading.Event, lock_clock: Callable[[], float] = time.time):
        super().__init__(name="desk", daemon=True)
        self.cfg = cfg
        self.store_factory = store_factory
        self.clock = clock
        self.outbox = outbox
        self.stop = stop
        self.lock_clock = lock_clock
        self.commands = Commands("desk")

    def submit(self, command: object) -> bool:
        """Called from the UI thread; never blocks."""
        return self.commands.submit(command)

    def run(self) -> None:
        store = self.store_factory()
        desk = StaffDesk(store, self.cfg, self.clock, self.lock_clock)
        try:
            while not self.stop.is_set():
                self.outbox.flush()  # answers the screen had no room for yet
                command = self.commands.get(timeout=0.2)
                if command is None:
                    continue
                for answer in self._safe(desk, command):
                    self.outbox.deliver(answer)  # a PIN verdict or a result is never dropped
        finally:
            store.close()

    def _safe(self, desk: StaffDesk, command: object) -> list[object]:
        try:
            return desk.handle(command)
        except Exception as err:  # a locked file or a bad row must not kill the overlay's worker
            log.warning("desk action %s failed: %s", type(command).__name__, err)
            return [refusal(getattr(command, "action", "unknown"), err)]
