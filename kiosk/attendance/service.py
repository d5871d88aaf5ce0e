"""Applies the attendance rules to a recognised person and stores the result.

Runs in the recognition worker's thread with that thread's own store
connection. The rules decide; this module only gathers their inputs and
writes what they say. A door checks people in only to a session of its own
room (kiosk.scheduler.timetable.room_scope), whoever opened it, on every
check-in: a session of another room active in the same database is never
written here.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from kiosk.attendance.pending import PendingCheckIns
from kiosk.attendance.rules import decide
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.errors import StoreFault
from kiosk.model import CheckIn, SessionInfo, Status, room_scope
from kiosk.store.sqlite_store import AttendanceRow, SqliteStore

log = logging.getLogger(__name__)

ROSTER_CACHE_S = 2.0  # a roster is re-read at most this often; the session itself every time


class AttendanceService:
    def __init__(self, store: SqliteStore, cfg: Config, clock: Clock):
        self.store = store
        self.clock = clock
        self.kiosk_id = cfg.kiosk.id
        self.grace = timedelta(minutes=cfg.attendance.grace_min)
        self.room = cfg.kiosk.room
        self._roster: tuple[float, str, frozenset[str]] = (-1e9, "", frozenset())
        self._served: tuple[float, frozenset[str]] = (-1e9, frozenset())
        self._session: SessionInfo | None = None  # the last session read, for deciding while the file fails
        self.pending = PendingCheckIns()
        self.last_fault = ""

    def check_in(self, person_id: str, name: str, score: float | None, first_seen: float,
                 method: str = "face") -> CheckIn:
        """Decide and record one sighting; `first_seen` is the monotonic capture
        time of the first frame the face was in (or of the code's entry), for latency_ms. While the
        database fails, the session last read decides, and a check-in is kept to save later."""
        now = self.clock()
        try:
            session, roster = self._session_and_roster()
            already = self.store.first_check_in(session.session_id, person_id) if session else None
        except StoreFault as fault:
            session, roster = self._last_known(now)
            if session is None:
                raise
            self.last_fault, already = str(fault), None
        if session is not None and already is None and self.pending.held_at(session.session_id, person_id):
            return CheckIn(decide(now, session, person_id, roster, None, self.grace), person_id=person_id,
                           name=name, score=score, session_id=session.session_id, queued=True)
        status = decide(now, session, person_id, roster, already, self.grace)
        base = dict(person_id=person_id, name=name, score=score, method=method)
        if session is None or status is Status.NO_SESSION:
            return CheckIn(status, **base)
        base.update(session_id=session.session_id, class_code=session.class_code)
        if status is Status.NOT_ON_ROSTER:
            log.info("%s recognised but not on the roster of %s", person_id, session.class_code)
            return CheckIn(status, **base)
        if status is Status.ALREADY:
            return CheckIn(status, at=already, **base)
        return self._record(status, now, session, first_seen, base)

    def _record(self, status: Status, now, session: SessionInfo, first_seen: float, base: dict) -> CheckIn:
        latency_ms = round((time.monotonic() - first_seen) * 1000.0, 1)
        row = AttendanceRow(session.session_id, base["person_id"], status.value, now, latency_ms,
                            base["score"], base["method"], self.kiosk_id)
        try:
            stored_at, created = self.store.record_attendance(row)
        except StoreFault as fault:  # the file failed, nothing saved: keep it for later, never show it stored
            self.last_fault = str(fault)
            self.pending.keep(row)
            return CheckIn(status, at=now, queued=True, **base)
        if not created:  # another writer got there first: the earliest record stands
            return CheckIn(Status.ALREADY, at=stored_at, **base)
        log.info("checked in %s to %s (%s, %s, %.0f ms)", base["person_id"], session.class_code, status.value,
                 base["method"], latency_ms)
        return CheckIn(status, at=stored_at, latency_ms=row.latency_ms, **base)

    def save_pending(self) -> int:
        """Save the check-ins kept while the database failed (StoreFault if it still fails)."""
        return self.pending.flush(self.store) if self.pending else 0

    def _last_known(self, now) -> tuple[SessionInfo | None, frozenset[str]]:
        """The session read last, while its window still holds `now`, with its roster."""
        session = self._session
        if session is None or not session.opens_at <= now < session.ends_at or self._roster[1] != session.class_code:
            return None, frozenset()
        return session, self._roster[2]

    def _session_and_roster(self) -> tuple[SessionInfo | None, frozenset[str]]:
        # The session is read every time so an early end takes effect at once.
        session = self._session = self.store.active_session(self._room_classes())
        if session is None:
            return None, frozenset()
        loaded_at, code, roster = self._roster
        if code != session.class_code or time.monotonic() - loaded_at > ROSTER_CACHE_S:
            record = self.store.class_record(session.class_code)
            roster = record.roster if record else frozenset()
            self._roster = (time.monotonic(), session.class_code, roster)
        return session, roster

    def _room_classes(self) -> frozenset[str]:
        """The classes of this door's room (re-read as often as a roster)."""
        loaded_at, served = self._served
        if time.monotonic() - loaded_at > ROSTER_CACHE_S:
            served = frozenset(room_scope(self.store.classes(), self.room))
            self._served = (time.monotonic(), served)
        return served
