"""PIN keypad lockout: a pure state machine over an injected monotonic clock.

After `max_tries` wrong PINs in a row the keypad locks for `base_s`; each
further lockout doubles the wait. A correct PIN resets the count of wrong
tries but not the doubling, which only decays after a quiet hour, so a
guesser cannot reset it by waiting out one short lock.
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
        return max(0.0, self.locked_until - self.now())

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
