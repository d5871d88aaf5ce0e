"""Is the database saving? One answer shared by the threads that write and the watchdog.

The recognition worker reports each failure of the file and each save that worked;
the systemd watchdog (kiosk/systemd_notify.py) stops being fed once the store has
failed without a break for `store.fault_restart_s`, so systemd restarts the kiosk
and its boot check reports the database on screen.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class StoreHealth:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._since: float | None = None  # monotonic time of the first failure in a row

    def failed(self) -> bool:
        """A failure; True when it is the first after a success (a new outage)."""
        with self._lock:
            first = self._since is None
            if first:
                self._since = self.clock()
            return first

    def recovered(self) -> bool:
        """A save worked; True when it ends an outage."""
        with self._lock:
            was_failing, self._since = self._since is not None, None
            return was_failing

    @property
    def failing(self) -> bool:
        return self._since is not None

    def failing_for(self) -> float:
        """Seconds the store has failed without a break (0 while it works)."""
        since = self._since
        return 0.0 if since is None else max(0.0, self.clock() - since)
