"""systemd's notify protocol, spoken directly on $NOTIFY_SOCKET (no extra package).

READY=1 once the screen shows its first frame; WATCHDOG=1 from the UI loop,
but only while every worker thread still beats and the database has not failed
without a break for too long, so a hung UI, a hung worker *or* a database that
stays broken stops the pings, and systemd restarts the kiosk (whose boot check
then says what is wrong on screen).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Callable, Iterable

log = logging.getLogger(__name__)

STALE_BEAT_S = 20.0  # a worker silent this long counts as hung (model loading included)


class SystemdNotifier:
    def __init__(self, env: dict[str, str] | None = None):
        env = os.environ if env is None else env
        self.address = _socket_address(env.get("NOTIFY_SOCKET", ""))
        usec = env.get("WATCHDOG_USEC", "")
        self.watchdog_s = int(usec) / 1e6 if usec.isdigit() and int(usec) > 0 else None

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, message: str) -> bool:
        if self.address is None:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self.address)
                sock.sendall(message.encode())
            return True
        except OSError as err:
            log.warning("systemd notify failed: %s", err)
            return False


class Watchdog:
    """Called once per UI frame; pings systemd at half the watchdog interval."""

    def __init__(self, notifier: SystemdNotifier, heartbeats: Callable[[], Iterable[tuple[str, float]]],
                 clock: Callable[[], float] = time.monotonic, store_failing_s: Callable[[], float] = lambda: 0.0,
                 store_limit_s: float = 60.0):
        self.notifier = notifier
        self.heartbeats = heartbeats  # (thread name, monotonic time of its last loop)
        self.clock = clock
        self.store_failing_s = store_failing_s  # how long the database has failed without a break
        self.store_limit_s = store_limit_s
        self._store_complained = False
        self._ready_sent = False
        self._last_ping = -1e9
        self._complained: set[str] = set()

    def on_frame(self) -> None:
        if not self.notifier.enabled:
            return
        if not self._ready_sent:
            self._ready_sent = self.notifier.send("READY=1\nSTATUS=Showing the camera")
        interval = self.notifier.watchdog_s
        now = self.clock()
        if interval and now - self._last_ping >= interval / 2 and self._workers_alive(now) and self._store_ok():
            self.notifier.send("WATCHDOG=1")
            self._last_ping = now

    def _workers_alive(self, now: float) -> bool:
        stale = [name for name, beat in self.heartbeats() if now - beat > STALE_BEAT_S]
        for name in set(stale) - self._complained:
            log.error("thread %s has not run for %.0f s; withholding the watchdog ping", name, STALE_BEAT_S)
        self._complained = set(stale)
        return not stale


    def _store_ok(self) -> bool:
        failing = self.store_failing_s()
        broken = failing >= self.store_limit_s
        if broken and not self._store_complained:
            log.error("the database has failed for %.0f s without a break; withholding the watchdog ping so "
                      "systemd restarts the kiosk", failing)
        self._store_complained = broken
        return not broken


def _socket_address(value: str) -> str | None:
    if not value:
        return None
    if value.startswith("@"):  # abstract namespace
        return "\0" + value[1:]
    return value
