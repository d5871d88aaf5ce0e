"""Check-in with a personal code at the door: typed on the kiosk's keypad, or shown as the QR
code on the student's card. The way in without a face (a student who opted out of face
recognition, or one the kiosk does not recognise today).

The code finds its holder (kiosk/store/codes.py); the holder is then checked in by the
same rules as a face (kiosk/attendance/), so it is good only for a student on the roster
of this door's session, and the row says method 'code'. Wrong codes count towards a
lockout of the door's code entry, with the rules and the shared state of PINs
(kiosk/staff/sign_in.py), and every try is audited. Runs in the desk worker's thread.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from kiosk.attendance.service import AttendanceService
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.messages.desk import CODE_LOCKED, CODE_WRONG, CodeChecked
from kiosk.staff.sign_in import SharedLockout
from kiosk.store.audit import AuditEntry
from kiosk.store.codes import code_hash, code_holder, well_formed
from kiosk.store.sqlite_store import SqliteStore

log = logging.getLogger(__name__)


def codes_subject(kiosk_id: str) -> str:
    return f"codes:{kiosk_id}"


class CodeDoor:
    """Checks the codes typed or shown at one door."""

    def __init__(self, store: SqliteStore, cfg: Config, clock: Clock, lock_clock: Callable[[], float] = time.time):
        self.store = store
        self.clock = clock
        self.kiosk_id = cfg.kiosk.id
        self.attendance = AttendanceService(store, cfg, clock)
        self.lockouts = SharedLockout(store, cfg.pin.max_tries, cfg.pin.lockout_base_s, now=lock_clock)
        self.subject = codes_subject(cfg.kiosk.id)

    def check(self, code: str, via: str = "keypad") -> CodeChecked:
        entered = time.monotonic()
        wait = self.lockouts.state([self.subject])[self.subject].remaining()
        if wait > 0:
            return CodeChecked(False, CODE_LOCKED, locked_for=wait, via=via)
        holder = code_holder(self.store, code_hash(code)) if well_formed(code) else None
        if holder is None:
            return self._wrong(via)
        self.lockouts.succeed([self.subject])
        checkin = self.attendance.check_in(holder[0], holder[1], None, entered, method="code")
        self._audit("code_check_in", checkin.session_id or "", holder[0], f"{via}: {checkin.status.value}")
        return CodeChecked(True, checkin=checkin, via=via)

    def _wrong(self, via: str) -> CodeChecked:
        lock = self.lockouts.fail([self.subject])[self.subject]
        wait = lock.remaining()
        self._audit("code_wrong", detail=f"{via}: {lock.tries_left} tries left" if not wait else f"{via}: locked")
        if wait > 0:
            log.warning("check-in codes locked at this door for %.0f s after repeated wrong codes", wait)
            return CodeChecked(False, CODE_LOCKED, locked_for=wait, via=via)
        return CodeChecked(False, CODE_WRONG, tries_left=lock.tries_left, via=via)

    def _audit(self, action: str, session_id: str = "", target_id: str = "", detail: str = "") -> None:
        self.store.audit(AuditEntry(self.clock(), self.kiosk_id, "", action, session_id, target_id, detail))
