"""Staff sign-in for the web view, and server-side sessions behind an HttpOnly,
SameSite=Strict cookie.

The PIN check and the lockout are the door's own (kiosk/staff/sign_in.py): a
wrong PIN and an unknown staff id look the same from outside. The session token
and the CSRF token are random, kept in memory only (a restart signs everyone
out), and never logged.

A session does not trust the role it was signed in with: every request reads the
person afresh (kiosk/web/context.py), and `WebSessions.settle` ends the sessions
the store no longer backs.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from kiosk.enrolment.rules import person_id_problem
from kiosk.staff.sign_in import MAX_STAFF_ID, SharedLockout, WebPinCheck, WebSignIn
from kiosk.store.pins import MAX_LEN as PIN_MAX, MIN_LEN as PIN_MIN, PinHolder
from kiosk.store.audit import AuditEntry
from kiosk.store.sqlite_store import Person, SqliteStore

log = logging.getLogger(__name__)

NOT_AN_ID = "(not an id)"
MAX_SESSIONS = 1000  # signed-in browsers kept at once; the oldest idle one goes first
NO_LONGER_STAFF = "you have been signed out: you are no longer staff here, or have no PIN"
ACCESS_CHANGED = "you have been signed out: your role or PIN was changed; sign in again"


@dataclass
class StaffLogin:
    """One signed-in browser."""

    token: str = field(repr=False)
    person: Person
    csrf: str = field(repr=False)
    last_seen: float
    flash: str = ""  # what the next page says about the last action
    pin_stamp: str = field(default="", repr=False)  # of the PIN signed in with (kiosk/store/pins.py)

    def csrf_ok(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(sent.encode(), self.csrf.encode())


class PinLogin:
    """Signs staff in at the web login (kiosk/staff/sign_in.py checks the PIN and counts
    wrong tries in the lockout the door shares), and audits every try."""

    def __init__(self, lockouts: Callable[[SqliteStore], SharedLockout], kiosk_id: str, clock: Callable[[], datetime]):
        self.lockouts = lockouts
        self.kiosk_id = kiosk_id
        self.clock = clock
        self.pins = WebPinCheck()

    def check(self, store: SqliteStore, staff_id: str, pin: str) -> WebSignIn:
        staff_id = staff_id.strip()[:MAX_STAFF_ID]
        result = self.pins.check(store, self.lockouts(store), staff_id, pin)
        shown = staff_id if result.known_id else audit_safe_id(staff_id)
        if result.person is not None:
            self._audit(store, "pin_ok", staff_id, "web login", actor=staff_id)
            log.info("web sign-in by %s (%s)", result.person.id, result.person.role)
        elif not result.retry_after or result.lock_started:  # checked, and wrong
            self._audit(store, "pin_wrong", shown, "web login")
            if result.lock_started:
                self._audit(store, "lockout", shown, f"web login: {result.lock_started:.0f} s")
                log.warning("web login locked for %.0f s after repeated wrong PINs", result.lock_started)
        return result

    def record_limit(self, store: SqliteStore, summary: str) -> None:
        """One audit row per window in which failed logins were refused for going past a limit."""
        self._audit(store, "pin_rate_limited", "", summary)

    def _audit(self, store: SqliteStore, action: str, staff_id: str, detail: str, actor: str = "") -> None:
        store.audit(AuditEntry(self.clock(), self.kiosk_id, actor, action, target_id=staff_id, detail=detail))


def audit_safe_id(staff_id: str) -> str:
    """A staff id as the audit trail may keep it: a PIN typed into the id field (all digits, of a
    PIN's length) or anything that is no id at all is never written in clear."""
    if staff_id.isdigit() and PIN_MIN <= len(staff_id) <= PIN_MAX or person_id_problem(staff_id):
        return NOT_AN_ID
    return staff_id


class WebSessions:
    """Signed-in browsers by token, each ending after `idle_s` without a request."""

    def __init__(self, idle_s: float, now: Callable[[], float] = time.monotonic):
        self.idle_s = idle_s
        self.now = now
        self._logins: dict[str, StaffLogin] = {}
        self._ended: dict[str, str] = {}  # token -> why, for sessions the store stopped backing
        self._lock = threading.Lock()

    def create(self, person: Person, pin_stamp: str = "") -> StaffLogin:
        login = StaffLogin(secrets.token_urlsafe(32), person, secrets.token_urlsafe(32), self.now(),
                           pin_stamp=pin_stamp)
        with self._lock:
            self._expire()
            if len(self._logins) >= MAX_SESSIONS:
                oldest = min(self._logins.values(), key=lambda s: s.last_seen)
                del self._logins[oldest.token]
            self._logins[login.token] = login
        return login

    def get(self, token: str | None) -> StaffLogin | None:
        """The live session for a cookie (None for a missing, forged or idle one); touches it."""
        if not token:
            return None
        with self._lock:
            login = self._logins.get(token)
            if login is None:
                return None
            if self.now() - login.last_seen > self.idle_s:
                del self._logins[token]
                return None
            login.last_seen = self.now()
            return login

    def peek(self, token: str | None) -> StaffLogin | None:
        """The live session for a cookie, without counting as activity (an open live page is not)."""
        with self._lock:
            login = self._logins.get(token or "")
            return login if login and self.now() - login.last_seen <= self.idle_s else None

    def end(self, token: str | None) -> None:
        with self._lock:
            self._logins.pop(token or "", None)

    def settle(self, person_id: str, holder: PinHolder | None, acting: StaffLogin | None = None) -> None:
        """Ends the sessions of `person_id` the store no longer backs: every one once they are not
        staff with a PIN (`holder` None); else those signed in with another role or PIN. `acting`,
        the session that just made a change, takes the new role and PIN on instead: an admin who
        resets their own PIN or steps down to instructor stays signed in, as the new self."""
        with self._lock:
            if holder is not None and acting is not None and acting.person.id == person_id:
                acting.pin_stamp = holder.pin_stamp
                acting.person = holder.person
            for login in [s for s in self._logins.values() if s.person.id == person_id]:
                if holder is None or (login.person.role, login.pin_stamp) != (holder.person.role, holder.pin_stamp):
                    self._drop(login.token, NO_LONGER_STAFF if holder is None else ACCESS_CHANGED)
                else:
                    login.person = holder.person  # a new name shows at once

    def signed_in_people(self) -> set[str]:
        with self._lock:
            return {s.person.id for s in self._logins.values()}

    def why_ended(self, token: str | None) -> str:
        """Why the store ended this session ("" if it did not: signed out, idle, unknown)."""
        with self._lock:
            return self._ended.get(token or "", "")

    def _drop(self, token: str, why: str) -> None:
        del self._logins[token]
        self._ended[token] = why
        if len(self._ended) > MAX_SESSIONS:  # the oldest reason goes: that browser just gets the plain answer
            del self._ended[next(iter(self._ended))]

    def _expire(self) -> None:
        cutoff = self.now() - self.idle_s
        for token in [t for t, s in self._logins.items() if s.last_seen < cutoff]:
            del self._logins[token]
