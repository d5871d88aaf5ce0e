"""Staff sign-in for the web view: the kiosk's scrypt PIN hashes, its shared lockout,
and server-side sessions behind an HttpOnly, SameSite=Strict cookie.

A wrong PIN and an unknown staff id look the same from outside: the same
answer, the same scrypt work (a decoy hash), and the same lockout counting,
so the login never tells whether an id exists. The session token and the
CSRF token are random, kept in memory only (a restart signs everyone out),
and never logged.
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

from kiosk.attendance.shared_lockout import SharedLockout, staff_subject
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.pins import MAX_LEN, hash_pin, pin_holders, verify_pin
from kiosk.store.sqlite_store import Person, SqliteStore

log = logging.getLogger(__name__)

MAX_STAFF_ID = 64
MAX_SESSIONS = 1000  # signed-in browsers kept at once; the oldest idle one goes first


@dataclass(frozen=True)
class LoginResult:
    person: Person | None
    retry_after: float = 0.0  # > 0: locked out for this long


@dataclass
class StaffLogin:
    """One signed-in browser."""

    token: str = field(repr=False)
    person: Person
    csrf: str = field(repr=False)
    last_seen: float
    flash: str = ""  # what the next page says about the last action

    def csrf_ok(self, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(sent.encode(), self.csrf.encode())


class PinLogin:
    """Checks a staff id and PIN against the local database, counting wrong tries."""

    def __init__(self, lockouts: Callable[[SqliteStore], SharedLockout], kiosk_id: str, clock: Callable[[], datetime]):
        self.lockouts = lockouts
        self.kiosk_id = kiosk_id
        self.clock = clock
        self._decoy: str | None = None

    def check(self, store: SqliteStore, staff_id: str, pin: str) -> LoginResult:
        staff_id = staff_id.strip()[:MAX_STAFF_ID]
        subject = staff_subject(staff_id)
        shared = self.lockouts(store)
        wait = shared.state([subject])[subject].remaining()
        if wait > 0:
            return LoginResult(None, wait)
        holder = next(((p, h) for p, h in pin_holders(store, [staff_id]) if p.id == staff_id), None)
        # The same scrypt work whether or not the id exists, and whatever the PIN looks like.
        hashed = holder[1] if holder else self._decoy_hash()
        ok = verify_pin(pin[:MAX_LEN + 1], hashed) and holder is not None
        if not ok:
            wait = shared.fail([subject])[subject].remaining()
            self._audit(store, "pin_wrong", staff_id, "web login")
            if wait > 0:
                self._audit(store, "lockout", staff_id, f"web login: {wait:.0f} s")
                log.warning("web login locked for %.0f s after repeated wrong PINs", wait)
            return LoginResult(None, wait)
        shared.succeed([subject])
        self._audit(store, "pin_ok", staff_id, "web login", actor=staff_id)
        log.info("web sign-in by %s (%s)", holder[0].id, holder[0].role)
        return LoginResult(holder[0])

    def _decoy_hash(self) -> str:
        if self._decoy is None:
            self._decoy = hash_pin(secrets.token_hex(8))
        return self._decoy

    def _audit(self, store: SqliteStore, action: str, staff_id: str, detail: str, actor: str = "") -> None:
        with store.transaction() as conn:
            write_audit(conn, AuditEntry(self.clock(), self.kiosk_id, actor, action, target_id=staff_id,
                                         detail=detail))


class WebSessions:
    """Signed-in browsers by token, each ending after `idle_s` without a request."""

    def __init__(self, idle_s: float, now: Callable[[], float] = time.monotonic):
        self.idle_s = idle_s
        self.now = now
        self._logins: dict[str, StaffLogin] = {}
        self._lock = threading.Lock()

    def create(self, person: Person) -> StaffLogin:
        login = StaffLogin(secrets.token_urlsafe(32), person, secrets.token_urlsafe(32), self.now())
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

    def _expire(self) -> None:
        cutoff = self.now() - self.idle_s
        for token in [t for t, s in self._logins.items() if s.last_seen < cutoff]:
            del self._logins[token]
