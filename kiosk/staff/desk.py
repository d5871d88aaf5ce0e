"""The instructor's desk at the door: what the PIN overlay's commands do, and the students'
check-in codes (typed on the keypad or read from a QR card; kiosk/staff/codes.py).

The overlay submits kiosk/messages/desk.py commands; `StaffDesk` signs the
instructor in (kiosk/staff/sign_in.py), checks who may do what, acts through the
store (each action with its audit row, in one transaction) and returns the
answers: facts and reason codes, never words. It runs in the desk worker's
thread (kiosk/staff/worker.py) with that thread's own store connection, and
without a thread in tests.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Callable

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.errors import KioskError, Refused
from kiosk.messages import desk as msg
from kiosk.messages.desk import (
    ActionDone, AttemptOffer, Candidate, CheckInWithCode, CheckPin, ConfirmAttempt, EndSession, Logout, MarkStudent,
    OverlayContext, PinChecked, Refresh, SessionEnded, StartNext,
)
from kiosk.messages.enrolment import ListPeople, SaveEnrolment
from kiosk.messages.screen import CheckInPosted
from kiosk.model import room_scope
from kiosk.scheduler.timetable import current_and_next
from kiosk.staff import attempts as review
from kiosk.staff import enrolment_actions
from kiosk.staff.codes import CodeDoor
from kiosk.staff.marks import Mark, mark_by_hand
from kiosk.staff.roles import may_manage
from kiosk.staff.sign_in import SharedLockout, sign_in_at_door
from kiosk.store.audit import AuditEntry
from kiosk.store.sessions import (
    Actor, end_session_complete, focus_session, roster_names, session_info, session_reconciliation, session_statuses,
    start_early, started_early_ids,
)
from kiosk.store.sqlite_store import Person, SqliteStore

log = logging.getLogger(__name__)

START_EARLY_MAX = timedelta(hours=2)  # "start next early" reaches at most this far ahead


class StaffDesk:
    """Handles one command at a time with one store connection; returns the events to post."""

    def __init__(self, store: SqliteStore, cfg: Config, clock: Clock, lock_clock: Callable[[], float] = time.time):
        self.store = store
        self.cfg = cfg
        self.clock = clock
        self.kiosk_id = cfg.kiosk.id
        self.early_open = timedelta(minutes=cfg.attendance.early_open_min)
        # Persisted per staff id and per door, shared with the web login.
        self.lockouts = SharedLockout(store, cfg.pin.max_tries, cfg.pin.lockout_base_s, now=lock_clock)
        self.codes = CodeDoor(store, cfg, clock, lock_clock)
        self.actor: Person | None = None

    def handle(self, command: object) -> list[object]:
        if isinstance(command, CheckPin):
            return [self._check_pin(command.pin)]
        if isinstance(command, CheckInWithCode):  # a student's code: no sign-in
            return self._code(command)
        if isinstance(command, Logout):
            return self._logout(command.reason)
        if self.actor is None:
            return [ActionDone(command.action, False, msg.NOT_SIGNED_IN)]
        try:
            return self._ACTIONS[type(command)](self, command)
        except KioskError as err:  # a refused action: say why, change nothing but the audit trail
            self.audit(f"{command.action}_refused", detail=str(err))
            return [refusal(command.action, err, self.context())]

    # -- signing in and out -------------------------------------------------------

    def _check_pin(self, pin: str) -> PinChecked:
        focus, upcoming = self._focus_and_next()
        instructors = [r.instructor_id for r in (self._record(focus), self._record(upcoming)) if r and r.instructor_id]
        verdict = sign_in_at_door(self.store, self.lockouts, self.kiosk_id, pin, instructors)
        if verdict.person is not None:
            self.actor = verdict.person
            self.audit("pin_ok", focus.session_id if focus else "")
            log.info("overlay opened by %s (%s)", verdict.person.id, verdict.person.role)
            return PinChecked(True, verdict.person.name, verdict.person.role, context=self.context())
        if verdict.locked_for > 0 and not verdict.lock_started:  # locked before this try: nothing checked
            return PinChecked(False, refusal=msg.PIN_LOCKED, locked_for=verdict.locked_for)
        self.audit("pin_wrong", detail=f"{verdict.tries_left} tries left")
        if verdict.lock_started:
            self.audit("lockout", detail=f"{verdict.lock_started:.0f} s")
            log.warning("PIN keypad locked for %.0f s after repeated wrong PINs", verdict.lock_started)
            return PinChecked(False, refusal=msg.PIN_LOCKED, locked_for=verdict.lock_started)
        return PinChecked(False, refusal=msg.PIN_NOBODY if verdict.nobody else msg.PIN_WRONG,
                          tries_left=verdict.tries_left)

    def _code(self, command: CheckInWithCode) -> list[object]:
        answer = self.codes.check(command.code, command.via)
        shown = [CheckInPosted(answer.checkin)] if answer.checkin is not None else []  # the live screen's card
        return [answer] + shown

    def _logout(self, reason: str) -> list[object]:
        if self.actor is not None:
            self.audit(reason)
        self.actor = None
        return [ActionDone("logout", True)]

    # -- actions --------------------------------------------------------------------

    def _end(self, command: EndSession) -> list[object]:
        focus = self._require_focus(active=True)
        summary = end_session_complete(self.store, focus.session_id, self._who(), self.clock())
        if summary is None:
            raise Refused(msg.NO_ACTIVE)
        done = ActionDone("end_session", True, class_code=focus.class_code, context=self.context())
        return [done, SessionEnded(session_info(self.store, focus.session_id), summary)]

    def _start(self, command: StartNext) -> list[object]:
        _, upcoming = self._focus_and_next()
        if upcoming is None:
            raise Refused(msg.NO_NEXT, within_h=int(START_EARLY_MAX.total_seconds() // 3600))
        self._require_allowed(upcoming.class_code)
        ended = start_early(self.store, upcoming, self._who(), self.clock(), self._room_classes())
        done = ActionDone("start_early", True, class_code=upcoming.class_code, context=self.context())
        return [done] + [SessionEnded(session_info(self.store, sid), session_reconciliation(self.store, sid))
                         for sid in ended]

    def _mark(self, command: MarkStudent) -> list[object]:
        focus = self._require_focus(active=False)
        marked = mark_by_hand(self.store, Mark(focus.session_id, command.person_id, command.status), self.actor,
                              self.kiosk_id, self.clock())
        offers = self._offers(focus.session_id, command.person_id, marked.name) \
            if marked.status in ("present", "late") else ()
        return [ActionDone("manual_mark", True, person=marked.name, status=marked.status, context=self.context(),
                           offers=offers)]

    def _offers(self, session_id: str, person_id: str, name: str) -> tuple[AttemptOffer, ...]:
        """The session's door attempts that may have been them, with their pictures ("Was this Maya?")."""
        found = []
        for attempt in review.offers(self.store, session_id, person_id):
            picture = review.picture(self.store, attempt)
            if picture is not None:
                found.append(AttemptOffer(attempt.id, person_id, name, attempt.at, picture))
        return tuple(found)

    def _confirm_attempt(self, command: ConfirmAttempt) -> list[object]:
        done = review.confirm_attempt(self.cfg, self.store, command.attempt_id, command.person_id, self.actor,
                                      self.clock(), where="")
        return [ActionDone("attempt_confirm", True, person=done.marked.name, status=done.marked.status,
                           learned=done.reference.added, context=self.context())]

    def _refresh(self, command: Refresh) -> list[object]:
        return [ActionDone("refresh", True, context=self.context())]

    def _list_people(self, command: ListPeople) -> list[object]:
        return [enrolment_actions.list_people(self.store, self.cfg.vision)]

    def _save_enrolment(self, command: SaveEnrolment) -> list[object]:
        return [enrolment_actions.save_enrolment(self.cfg, self.store, self.actor, self.kiosk_id, self.clock(),
                                                 command)]

    _ACTIONS = {EndSession: _end, StartNext: _start, MarkStudent: _mark, Refresh: _refresh,
                ListPeople: _list_people, SaveEnrolment: _save_enrolment, ConfirmAttempt: _confirm_attempt}

    # -- what the overlay shows --------------------------------------------------------

    def context(self) -> OverlayContext:
        focus, upcoming = self._focus_and_next()
        if focus is None:
            return OverlayContext(None, upcoming, None)
        statuses = session_statuses(self.store, focus.session_id)
        roster = roster_names(self.store, focus.class_code)
        candidates = tuple(Candidate(pid, name, statuses.get(pid, ""))
                           for pid, name in sorted(roster.items(), key=lambda kv: kv[1].casefold()))
        return OverlayContext(focus, upcoming, session_reconciliation(self.store, focus.session_id), candidates)

    def _room_classes(self) -> set[str]:
        """The classes of this door's room: the only ones its overlay acts on."""
        return set(room_scope(self.store.classes(), self.cfg.kiosk.room))

    def _focus_and_next(self):
        now = self.clock()
        served = room_scope(self.store.classes(), self.cfg.kiosk.room)
        focus = focus_session(self.store, now, set(served))
        _, upcoming = current_and_next(self.store.schedules(), served, now, self.early_open,
                                       started_early_ids(self.store))
        if upcoming is not None and (upcoming.starts_at - now > START_EARLY_MAX
                                     or (focus and upcoming.session_id == focus.session_id)):
            upcoming = None
        return focus, upcoming

    def _require_focus(self, active: bool):
        focus = focus_session(self.store, self.clock(), self._room_classes())
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

    def audit(self, action: str, session_id: str = "", detail: str = "", target_id: str = "") -> None:
        actor = self.actor.id if self.actor else ""
        self.store.audit(AuditEntry(self.clock(), self.kiosk_id, actor, action, session_id, target_id, detail))


def refusal(action: str, err: Exception, context: OverlayContext | None = None) -> ActionDone:
    """A refused or failed action as its answer: a reason code, or the store's one-line error."""
    if isinstance(err, Refused):
        return ActionDone(action, False, err.reason, class_code=err.class_code, within_h=err.within_h,
                          detail=str(err), context=context)
    return ActionDone(action, False, msg.FAILED, detail=str(err), context=context)
