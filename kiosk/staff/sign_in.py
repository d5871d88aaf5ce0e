"""PIN sign-in for staff, at the door's keypad and at the web login, and the lockout
that guards both.

The lockout rules are a pure state machine over an injected clock (`Lockout`):
after `max_tries` wrong PINs in a row the subject locks for `base_s`; each
further lockout doubles the wait. A correct PIN resets the count of wrong tries
but not the doubling, which only decays after a quiet hour, so a guesser cannot
reset it by waiting out one short lock.

One lockout state per subject lives in SQLite (kiosk/store/lockouts.py), so a
restart does not reset it, and a staff id locked by wrong PINs at the web cannot open
the door's overlay either. A subject is a staff id (`staff:ID`) or a door's keypad
(`door:KIOSK`); a wrong PIN at a door counts for its keypad only (sign_in_at_door). The clock
is wall-clock epoch seconds, the one clock two processes and a reboot agree on.

A wrong PIN and an unknown staff id look the same from outside: the same answer,
the same scrypt work (a decoy hash) and the same lockout counting, so the web
login never tells whether an id exists.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Callable

from kiosk.clock import system_uptime
from kiosk.store.lockouts import LockoutRecord, lockout_records, update_lockouts
from kiosk.store.pins import MAX_LEN, hash_pin, pin_holders, pin_stamp, verify_pin
from kiosk.store.sqlite_store import Person, SqliteStore

QUIET_RESET_S = 3600.0  # an hour without a lockout forgets earlier lockouts
MAX_LOCK_S = 24 * 3600.0
MAX_STAFF_ID = 64


# -- the rules ----------------------------------------------------------------------------

@dataclass
class Lockout:
    max_tries: int = 5
    base_s: float = 30.0
    now: Callable[[], float] = time.monotonic
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0
    last_lock_at: float = -1e18
    lock_boot: str = ""
    lock_ends_boottime: float = 0.0
    uptime: Callable[[], tuple[str, float]] | None = None  # the boot clock (system_uptime), when real

    def remaining(self) -> float:
        """Seconds the keypad stays locked (0 when open). Within the boot that locked it, the boot
        clock says, which no wall-clock jump moves; else the wall clock, capped by the lock's own
        length (a clock set back a day must not turn a 30 s lock into a day)."""
        own = max(0.0, min(MAX_LOCK_S, self.locked_until - self.last_lock_at))
        if self.uptime is not None and self.lock_boot:
            boot, since_boot = self.uptime()
            if boot == self.lock_boot:
                return min(own, max(0.0, self.lock_ends_boottime - since_boot))
        return min(own, max(0.0, self.locked_until - self.now()))

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
        if self.uptime is not None:
            self.lock_boot, since_boot = self.uptime()
            self.lock_ends_boottime = since_boot + wait
        return wait

    def succeed(self) -> None:
        self.failures = 0

    def undo_lock(self) -> None:
        """A lock a reserved try started, given back because that try was right."""
        self.locked_until, self.lock_boot, self.lock_ends_boottime = 0.0, "", 0.0
        self.lockouts = max(0, self.lockouts - 1)


def keypad_wait(door: Lockout, holders: list[Lockout]) -> float:
    """A door's keypad is locked while its own count is, or while every PIN holder it could open for is."""
    held = [h.remaining() for h in holders]
    return max(door.remaining(), min(held) if held and all(w > 0 for w in held) else 0.0)


# -- the state, shared through the database --------------------------------------------------

def staff_subject(person_id: str) -> str:
    return f"staff:{person_id}"


def door_subject(kiosk_id: str) -> str:
    return f"door:{kiosk_id}"


class SharedLockout:
    """Lockout state per subject, read and changed in SQLite (one transaction per change)."""

    def __init__(self, store: SqliteStore, max_tries: int, base_s: float, now: Callable[[], float] = time.time,
                 uptime: Callable[[], tuple[str, float]] | None | str = "with the real clock"):
        self.store = store
        self.max_tries = max_tries
        self.base_s = base_s
        self.now = now
        # The boot clock pairs with the real wall clock; an injected one (a test, a simulation) runs alone.
        self.uptime = (system_uptime if now is time.time else None) if isinstance(uptime, str) else uptime

    def state(self, subjects: list[str]) -> dict[str, Lockout]:
        return {s: self._lockout(r) for s, r in lockout_records(self.store, subjects).items()}

    def fail(self, subjects: list[str]) -> dict[str, Lockout]:
        """Count one wrong PIN against each subject; returns their states after it."""
        return self._update(subjects, Lockout.fail)

    def succeed(self, subjects: list[str]) -> None:
        self._update(subjects, Lockout.succeed)

    def reserve(self, subject: str) -> "Slot":
        """Take a try before the PIN is hashed: in one transaction, refuse while locked, else count
        it as wrong now. So N tries sent at once count as N, and at most max_tries are hashed."""
        taken: dict[str, float] = {}

        def take(lock: Lockout) -> None:
            taken["wait"] = lock.remaining()
            if not taken["wait"]:
                taken["started"] = lock.fail()

        after = self._update([subject], take)[subject]
        return Slot(taken["wait"], taken.get("started", 0.0), after.remaining())

    def give_back(self, subject: str, slot: "Slot") -> None:
        """The reserved try was right: it counts as a success, and a lock it started is undone."""
        def right(lock: Lockout) -> None:
            if slot.lock_started:
                lock.undo_lock()
            lock.succeed()

        self._update([subject], right)

    def _update(self, subjects: list[str], step: Callable[[Lockout], object]) -> dict[str, Lockout]:
        def change(record: LockoutRecord) -> LockoutRecord:
            lock = self._lockout(record)
            step(lock)
            return LockoutRecord(lock.failures, lock.lockouts, lock.locked_until, lock.last_lock_at, lock.lock_boot,
                                 lock.lock_ends_boottime)

        records = update_lockouts(self.store, subjects, change, self.now())
        return {s: self._lockout(r) for s, r in records.items()}

    def _lockout(self, record: LockoutRecord) -> Lockout:
        return Lockout(self.max_tries, self.base_s, self.now, record.failures, record.lockouts, record.locked_until,
                       record.last_lock_at, record.lock_boot, record.lock_ends_boottime, self.uptime)


@dataclass(frozen=True)
class Slot:
    """A try taken before hashing: refused (`wait` > 0), or counted as wrong until given back."""

    wait: float  # > 0: locked, nothing taken
    lock_started: float = 0.0  # > 0: this try, counted as wrong, started a lock this long
    remaining_if_wrong: float = 0.0  # the lock left if the PIN turns out wrong


# -- signing in ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DoorSignIn:
    """The keypad's verdict: who signed in, or why not."""

    person: Person | None
    locked_for: float = 0.0  # > 0: the keypad is locked this long
    tries_left: int = 0
    nobody: bool = False  # no one who may open the overlay now has a PIN
    lock_started: float = 0.0  # > 0: this wrong PIN started a lock


@dataclass(frozen=True)
class WebSignIn:
    person: Person | None
    retry_after: float = 0.0  # > 0: locked out for this long
    lock_started: float = 0.0  # > 0: this wrong PIN started a lock
    known_id: bool = False  # the staff id is a PIN holder's (so it may be written in the audit trail)
    pin_stamp: str = ""  # of the PIN just checked: a session ends once the PIN is set again


def sign_in_at_door(store: SqliteStore, lockouts: SharedLockout, kiosk_id: str, pin: str,
                    instructor_ids: list[str]) -> DoorSignIn:
    """Check a PIN typed at the keypad against everyone who may open it now: the instructors
    of this door's focus and next classes, and every admin. A wrong PIN counts for the keypad
    alone: its lock (doubling) bounds the guesses made here against every holder at once. It
    does not count against each holder's own lock, or anyone at the door could lock every
    admin out of the web view by typing nonsense (found in a walk-through). A holder locked
    out at the web login still cannot sign in here until that lock runs out."""
    door = door_subject(kiosk_id)
    holders = pin_holders(store, instructor_ids)
    locks = lockouts.state([door] + [staff_subject(p.id) for p, _ in holders])
    wait = keypad_wait(locks[door], [locks[staff_subject(p.id)] for p, _ in holders])
    if wait > 0:
        return DoorSignIn(None, locked_for=wait)
    # A holder locked out (here or at the web login) cannot sign in until the lock runs out.
    open_holders = [(p, hashed) for p, hashed in holders if locks[staff_subject(p.id)].remaining() == 0]
    person = next((p for p, hashed in open_holders if verify_pin(pin, hashed)), None)
    if person is not None:
        lockouts.succeed([door, staff_subject(person.id)])
        return DoorSignIn(person)
    after = lockouts.fail([door])[door]
    wait = keypad_wait(after, [locks[staff_subject(p.id)] for p, _ in holders])
    return DoorSignIn(None, locked_for=wait, tries_left=after.tries_left, nobody=not holders, lock_started=wait)


class WebPinCheck:
    """Checks a staff id and PIN typed at the web login, counting wrong tries per staff id."""

    def __init__(self) -> None:
        self._decoy: str | None = None

    def check(self, store: SqliteStore, lockouts: SharedLockout, staff_id: str, pin: str) -> WebSignIn:
        subject = staff_subject(staff_id)
        slot = lockouts.reserve(subject)  # before the scrypt work, in one transaction with the lock's read
        if slot.wait > 0:
            return WebSignIn(None, slot.wait)
        holder = next(((p, h) for p, h in pin_holders(store, [staff_id]) if p.id == staff_id), None)
        # The same scrypt work whether or not the id exists, and whatever the PIN looks like.
        hashed = holder[1] if holder else self._decoy_hash()
        if verify_pin(pin[:MAX_LEN + 1], hashed) and holder is not None:
            lockouts.give_back(subject, slot)
            return WebSignIn(holder[0], known_id=True, pin_stamp=pin_stamp(hashed))
        return WebSignIn(None, slot.remaining_if_wrong, lock_started=slot.lock_started, known_id=holder is not None)

    def _decoy_hash(self) -> str:
        if self._decoy is None:
            self._decoy = hash_pin(secrets.token_hex(8))
        return self._decoy
