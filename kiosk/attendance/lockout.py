"""PIN lockout: a pure state machine over an injected clock.

After `max_tries` wrong PINs in a row the subject locks for `base_s`; each
further lockout doubles the wait. A correct PIN resets the count of wrong
tries but not the doubling, which only decays after a quiet hour, so a
guesser cannot reset it by waiting out one short lock.

kiosk/attendance/shared_lockout.py keeps one such state per subject in
SQLite; the functions below decide what a door's keypad shows from them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

QUIET_RESET_S = 3600.0  # an hour without a lockout forgets earlier lockouts
MAX_LOCK_S = 24 * 3600.0


@dataclass
class Lockout:
    max_tries: int = 5
    base_s: float = 30.0
    now: Callable[[], float] = time.monotonic
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0
    last_lock_at: float = -1e18

    def remaining(self) -> float:
        """Seconds the keypad stays locked (0 when open)."""
        # Clamped: a wall clock set back must not turn a lock into a longer one.
        return min(MAX_LOCK_S, max(0.0, self.locked_until - self.now()))

    @property
    def tries_left(self) -> int:
        return max(0, self.max_tries - self.failures)

    def fail(self) -> float:
        """Count a wrong PIN; returns the lock time it started (0 if none)."""
        now = self.now()
        if now - self.last_lock_at > QUIET_RESET_S:
            self.lockouts = 0
        self.failures += 1
        if self.failures < self.max_tries:
            return 0.0
        wait = min(MAX_LOCK_S, self.base_s * 2 ** self.lockouts)
        self.lockouts += 1
        self.failures = 0
        self.locked_until = now + wait
        self.last_lock_at = now
        return wait

    def succeed(self) -> None:
        self.failures = 0


def keypad_wait(door: Lockout, holders: list[Lockout]) -> float:
    """A door's keypad is locked while its own count is, or while every PIN holder it could open for is."""
    held = [h.remaining() for h in holders]
    return max(door.remaining(), min(held) if held and all(w > 0 for w in held) else 0.0)


def keypad_tries_left(door: Lockout, holders: list[Lockout]) -> int:
    """Wrong PINs left before the keypad locks: its own count, or the last open holder's."""
    open_tries = [h.tries_left for h in holders if h.remaining() == 0]
    return min(door.tries_left, max(open_tries)) if open_tries else door.tries_left

