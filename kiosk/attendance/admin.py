"""The instructor's actions at the kiosk, run off the UI thread.

The overlay submits kiosk/messages/admin.py commands to `AdminWorker`'s
bounded queue; the worker verifies PINs (scrypt is slow on purpose), checks
who may do what, writes to the store (each action with its audit row, in one
transaction) and delivers the answers, facts and reason codes, by the
screen's lossless lane. `AdminDesk` holds the logic and runs without a thread in tests.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Callable

from kiosk.attendance.lockout import Lockout, keypad_tries_left, keypad_wait
from kiosk.attendance.rules import may_manage
from kiosk.attendance.shared_lockout import SharedLockout, door_subject, staff_subject
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.enrolment.desk import ENROL_ACTIONS
from kiosk.errors import KioskError, Refused
from kiosk.messages import admin as msg
from kiosk.messages.admin import (
    ActionDone, Candidate, CheckPin, EndSession, Logout, MarkStudent, OverlayContext, PinChecked, Refresh,
    SessionEnded, StartNext,
)
from kiosk.messages.lanes import Commands, Outbox
from kiosk.scheduler.timetable import current_and_next, room_scope
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.pins import pin_holders, verify_pin
from kiosk.store.sessions import (
    Actor, end_session_complete, focus_session, mark_manual, roster_names, session_info, session_reconciliation,
    session_statuses, start_early, started_early_ids,
)
from kiosk.store.sqlite_store import Person, SqliteStore

log = logging.getLogger(__name__)

START_EARLY_MAX = timedelta(hours=2)  # "start next early" reaches at most this far ahead


class AdminDesk:
    """Handles one command at a time with one store connection; returns the events to post."""

    def __init__(self, store: SqliteStore, cfg: Config, clock: Clock, lock_clock: Callable[[], float] = time.time):
        self.store = store
        self.cfg = cfg
        self.clock = clock
        self.kiosk_id = cfg.kiosk.id
        self.early_open = timedelta(minutes=cfg.attendance.early_open_min)
        # Persisted per staff id and per door, shared with the web login (kiosk/attendance/shared_lockout.py).
        self.lockouts = SharedLockout(store, cfg.pin.max_tries, cfg.pin.lockout_base_s, now=lock_clock)
        self.door = door_subject(self.kiosk_id)
        self.actor: Person | None = None

    def handle(self, command: object) -> list[object]:
        if isinstance(command, CheckPin):
            return [self._check_pin(command.pin)]
        if isinstance(command, Logout):
            return self._logout(command.reason)
        if self.actor is None:
            return [ActionDone(command.action, False, msg.NOT_SIGNED_IN)]
        try:
            return self._ACTIONS[type(command)](self, command)
        except KioskError as err:  # a refused action: say why, change nothing but the audit trail
            self._audit(f"{command.action}_refused", detail=str(err))
            return [refusal(command.action, err, self.context())]

    # -- signing in and out -------------------------------------------------------

    def _check_pin(self, pin: str) -> PinChecked:
        focus, upcoming = self._focus_and_next()
        instructors = [r.instructor_id for r in (self._record(focus), self._record(upcoming)) if r and r.instructor_id]
        holders = pin_holders(self.store, instructors)
        locks = self.lockouts.state([self.door] + [staff_subject(p.id) for p, _ in holders])
        wait = keypad_wait(locks[self.door], [locks[staff_subject(p.id)] for p, _ in holders])
        if wait > 0:
            return PinChecked(False, refusal=msg.PIN_LOCKED, locked_for=wait)
        # A holder locked out (here or at the web login) cannot sign in until the lock runs out.
        open_holders = [(p, hashed) for p, hashed in holders if locks[staff_subject(p.id)].remaining() == 0]
        person = next((p for p, hashed in open_holders if verify_pin(pin, hashed)), None)
        if person is None:
            held = [locks[staff_subject(p.id)] for p, _ in holders if (p, _) not in open_holders]
            return self._wrong_pin([p.id for p, _ in open_holders], held, bool(holders))
        self.lockouts.succeed([self.door, staff_subject(person.id)])
        self.actor = person
        self._audit("pin_ok", focus.session_id if focus else "")
        log.info("overlay opened by %s (%s)", person.id, person.role)
        return PinChecked(True, person.name, person.role, context=self.context())

    def _wrong_pin(self, open_ids: list[str], held: list[Lockout], anyone: bool) -> PinChecked:
        # The keypad cannot tell whose PIN was meant: the try counts for the door and every open holder.
        locks = self.lockouts.fail([self.door] + [staff_subject(pid) for pid in open_ids])
        door, holders = locks[self.door], [locks[staff_subject(pid)] for pid in open_ids] + held
        left = keypad_tries_left(door, holders)
        self._audit("pin_wrong", detail=f"{left} tries left")
        locked = keypad_wait(door, holders)
        if locked:
            self._audit("lockout", detail=f"{locked:.0f} s")
            log.warning("PIN keypad locked for %.0f s after repeated wrong PINs", locked)
            return PinChecked(False, refusal=msg.PIN_LOCKED, locked_for=locked)
        return PinChecked(False, refusal=msg.PIN_WRONG if anyone else msg.PIN_NOBODY, tries_left=left)

    def _logout(self, reason: str) -> list[object]:
        if self.actor is not None:
            self._audit(reason)
        self.actor = None
        return [ActionDone("logout", True)]

    # -- actions --------------------------------------------------------------------

    def _end(self, command: EndSession) -> list[object]:
        focus = self._require_focus(active=True)
        summary = end_session_complete(self.store, focus.session_id, self._who(), self.clock())
        if summary is None:
            raise Refused(msg.NO_ACTIVE)
        done = ActionDone("end_session", True, class_code=focus.class_code, context=self.context())
        return [done, SessionEnded(session_info(self.store.conn, focus.session_id), summary)]

    def _start(self, command: StartNext) -> list[object]:
        _, upcoming = self._focus_and_next()
        if upcoming is None:
            raise Refused(msg.NO_NEXT, within_h=int(START_EARLY_MAX.total_seconds() // 3600))
        self._require_allowed(upcoming.class_code)
        ended = start_early(self.store, upcoming, self._who(), self.clock())
        done = ActionDone("start_early", True, class_code=upcoming.class_code, context=self.context())
        return [done] + [SessionEnded(session_info(self.store.conn, sid), session_reconciliation(self.store, sid))
                         for sid in ended]

    def _mark(self, command: MarkStudent) -> list[object]:
        focus = self._require_focus(active=False)
        mark_manual(self.store, focus.session_id, command.person_id, command.status, self._who(), self.clock())
        name = roster_names(self.store.conn, focus.class_code).get(command.person_id, command.person_id)
        return [ActionDone("manual_mark", True, person=name, status=command.status, context=self.context())]

    def _refresh(self, command: Refresh) -> list[object]:
        return [ActionDone("refresh", True, context=self.context())]

    _ACTIONS = {EndSession: _end, StartNext: _start, MarkStudent: _mark, Refresh: _refresh,
                **ENROL_ACTIONS}  # ListPeople, SaveEnrolment: kiosk/enrolment/desk.py

    # -- what the overlay shows --------------------------------------------------------

    def context(self) -> OverlayContext:
        focus, upcoming = self._focus_and_next()
        if focus is None:
            return OverlayContext(None, upcoming, None)
        statuses = session_statuses(self.store, focus.session_id)
        roster = roster_names(self.store.conn, focus.class_code)
        candidates = tuple(Candidate(pid, name, statuses.get(pid, ""))
                           for pid, name in sorted(roster.items(), key=lambda kv: kv[1].casefold()))
        return OverlayContext(focus, upcoming, session_reconciliation(self.store, focus.session_id), candidates)

    def _focus_and_next(self):
        now = self.clock()
        focus = focus_session(self.store, now)
        _, upcoming = current_and_next(self.store.schedules(), room_scope(self.store.classes(), self.cfg.kiosk.room),
                                       now, self.early_open, started_early_ids(self.store))
        if upcoming is not None and (upcoming.starts_at - now > START_EARLY_MAX
                                     or (focus and upcoming.session_id == focus.session_id)):
            upcoming = None
        return focus, upcoming

    def _require_focus(self, active: bool):
        focus = focus_session(self.store, self.clock())
        if focus is None or (active and focus.state != "active"):
            raise Refused(msg.NO_ACTIVE if active else msg.NO_FOCUS)
        self._require_allowed(focus.class_code)
        return focus

    def _require_allowed(self, class_code: str) -> None:
        record = self.store.class_record(class_code)
        if not may_manage(self.actor.role, self.actor.id, record.instructor_id if record else None):
            raise Refused(msg.NOT_YOURS, class_code)

    def _record(self, session):
        return self.store.class_record(session.class_code) if session else None

    def _who(self) -> Actor:
        return Actor(self.actor.id, self.kiosk_id)

    def _audit(self, action: str, session_id: str = "", detail: str = "") -> None:
        actor = self.actor.id if self.actor else ""
        with self.store.transaction() as conn:
            write_audit(conn, AuditEntry(self.clock(), self.kiosk_id, actor, action, session_id, detail=detail))


def refusal(action: str, err: Exception, context: OverlayContext | None = None) -> ActionDone:
    """A refused or failed action as its answer: a reason code, or the store's one-line error."""
    if isinstance(err, Refused):
        return ActionDone(action, False, err.reason, class_code=err.class_code, within_h=err.within_h, context=context)
    return ActionDone(action, False, msg.FAILED, detail=str(err), context=context)


class AdminWorker(threading.Thread):
    """Runs AdminDesk in its own thread with its own store connection."""

    def __init__(self, cfg: Config, store_factory: Callable[[], SqliteStore], clock: Clock,
                 outbox: Outbox, stop: threading.Event, lock_clock: Callable[[], float] = time.time):
        super().__init__(name="admin", daemon=True)
        self.cfg = cfg
        self.store_factory = store_factory
        self.clock = clock
        self.outbox = outbox
        self.stop = stop
        self.lock_clock = lock_clock
        self.commands = Commands("admin")

    def submit(self, command: object) -> bool:
        """Called from the UI thread; never blocks."""
        return self.commands.submit(command)

    def run(self) -> None:
        store = self.store_factory()
        desk = AdminDesk(store, self.cfg, self.clock, self.lock_clock)
        try:
            while not self.stop.is_set():
                self.outbox.flush()  # answers the screen had no room for yet
                command = self.commands.get(timeout=0.2)
                if command is None:
                    continue
                for answer in self._safe(desk, command):
                    self.outbox.deliver(answer)  # a PIN verdict or a result is never dropped
        finally:
            store.close()

    def _safe(self, desk: AdminDesk, command: object) -> list[object]:
        try:
            return desk.handle(command)
        except Exception as err:  # a locked file or a bad row must not kill the overlay's worker
            log.warning("admin action %s failed: %s", type(command).__name__, err)
            return [refusal(getattr(command, "action", "unknown"), err)]
