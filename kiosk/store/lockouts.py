"""PIN lockout state per subject, in SQLite (migration m008), shared by every
process that checks a PIN: the kiosk's overlay and the staff web view.

Only the state is stored here; the rules that change it are pure functions in
kiosk/staff/sign_in.py, applied inside one write transaction so two
processes failing at once never lose a count.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from kiosk.store.database import Database

FORGET_AFTER_S = 24 * 3600.0  # a subject untouched (and unlocked) this long is forgotten


@dataclass(frozen=True)
class LockoutRecord:
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0  # epoch seconds
    last_lock_at: float = -1e18
    lock_boot: str = ""  # the boot the lock's end below belongs to (m009)
    lock_ends_boottime: float = 0.0  # CLOCK_BOOTTIME seconds at which the lock ends, within that boot


FIELDS = tuple(f.name for f in dataclasses.fields(LockoutRecord))


def lockout_records(db: Database, subjects: list[str]) -> dict[str, LockoutRecord]:
    """The stored state of each subject (a fresh record for one never seen)."""
    return {s: _read(db.conn, s) for s in subjects}


def update_lockouts(db: Database, subjects: list[str], change: Callable[[LockoutRecord], LockoutRecord],
                    now: float) -> dict[str, LockoutRecord]:
    """Apply `change` to each subject's record in one transaction; returns the new records."""
    updated = {}
    with db.transaction() as conn:
        for subject in dict.fromkeys(subjects):
            record = change(_read(conn, subject))
            conn.execute(
                f"INSERT INTO pin_lockouts (subject, {', '.join(FIELDS)}, updated_at)"
                f" VALUES (?, {', '.join('?' * len(FIELDS))}, ?) ON CONFLICT(subject) DO UPDATE SET "
                + ", ".join(f"{f} = excluded.{f}" for f in FIELDS + ("updated_at",)),
                (subject, *dataclasses.astuple(record), now))
            updated[subject] = record
        # Keep the table small: wrong ids typed at the web login leave rows behind.
        conn.execute("DELETE FROM pin_lockouts WHERE updated_at < ? AND locked_until < ?",
                     (now - FORGET_AFTER_S, now))
    return updated


def _read(conn, subject: str) -> LockoutRecord:
    row = conn.execute(f"SELECT {', '.join(FIELDS)} FROM pin_lockouts WHERE subject = ?", (subject,)).fetchone()
    return LockoutRecord(*row) if row else LockoutRecord()
