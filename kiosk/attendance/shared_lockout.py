"""The PIN lockout shared by the door's keypad and the staff web login.

One lockout state per subject lives in SQLite (kiosk/store/lockouts.py), so
a restart does not reset it and wrong PINs tried at the web count at the
door. A subject is a staff id (`staff:ID`) or a door's keypad
(`door:KIOSK`). The rules are kiosk/attendance/lockout.py's, applied inside
one write transaction. The clock is wall-clock epoch seconds, the one clock
two processes and a reboot agree on.
"""

from __future__ import annotations

import time
from typing import Callable

from kiosk.attendance.lockout import Lockout
from kiosk.store.database import Database
from kiosk.store.lockouts import LockoutRecord, lockout_records, update_lockouts


def staff_subject(person_id: str) -> str:
    return f"staff:{person_id}"


def door_subject(kiosk_id: str) -> str:
    return f"door:{kiosk_id}"


class SharedLockout:
    """Lockout state per subject, read and changed in SQLite (one transaction per change)."""

    def __init__(self, db: Database, max_tries: int, base_s: float, now: Callable[[], float] = time.time):
        self.db = db
        self.max_tries = max_tries
        self.base_s = base_s
        self.now = now

    def state(self, subjects: list[str]) -> dict[str, Lockout]:
        return {s: self._lockout(r) for s, r in lockout_records(self.db, subjects).items()}

    def fail(self, subjects: list[str]) -> dict[str, Lockout]:
        """Count one wrong PIN against each subject; returns their states after it."""
        return self._update(subjects, Lockout.fail)

    def succeed(self, subjects: list[str]) -> None:
        self._update(subjects, Lockout.succeed)

    def _update(self, subjects: list[str], step: Callable[[Lockout], object]) -> dict[str, Lockout]:
        def change(record: LockoutRecord) -> LockoutRecord:
            lock = self._lockout(record)
            step(lock)
            return LockoutRecord(lock.failures, lock.lockouts, lock.locked_until, lock.last_lock_at)

        records = update_lockouts(self.db, subjects, change, self.now())
        return {s: self._lockout(r) for s, r in records.items()}

    def _lockout(self, record: LockoutRecord) -> Lockout:
        return Lockout(self.max_tries, self.base_s, self.now, record.failures, record.lockouts,
                       record.locked_until, record.last_lock_at)
