"""The scheduler thread: opens each class session when its window starts
and ends it at its end time, from the schedules in the store.

The `schedule` package runs a reconcile job every tick; reconciling
(rather than firing one-shot start/end jobs) means edits, DST changes and
a kiosk that was off at 09:00 all come out right.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Callable

import schedule

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.messages.desk import SessionEnded
from kiosk.messages.lanes import Outbox
from kiosk.messages.screen import SessionChanged
from kiosk.model import SessionInfo, room_names, room_scope
from kiosk.scheduler.timetable import current_and_next
from kiosk.store.privacy import purge_older_than
from kiosk.store.sessions import Actor, end_session_complete, session_info, started_early_ids
from kiosk.store.sqlite_store import SqliteStore

log = logging.getLogger(__name__)

SUMMARY_STALE = timedelta(minutes=15)  # a session found ended long after (kiosk was off) shows no summary


class SessionScheduler:
    """One reconcile step, testable with an injected clock and no thread. `post` sends a message
    by its own lane (Outbox.send)."""

    def __init__(self, store: SqliteStore, cfg: Config, clock: Clock, post: Callable[[object], None]):
        self.store = store
        self.clock = clock
        self.post = post
        self.early_open = timedelta(minutes=cfg.attendance.early_open_min)
        self.kiosk_id = cfg.kiosk.id
        self.room = cfg.kiosk.room
        self._warned_room = False
        self._last_posted: SessionChanged | None = None

    def tick(self) -> SessionChanged:
        now = self.clock()
        classes = self.store.classes()
        served = room_scope(classes, self.room)  # this door's room only: another room's class never ends ours
        if not served and classes and not self._warned_room:
            self._warned_room = True
            log.warning("this kiosk serves no class: kiosk.room is %r and the timetable's rooms are %s; "
                        "set [kiosk] room (main.py doctor checks it)", self.room, room_names(classes))
        current, upcoming = current_and_next(self.store.schedules(), served, now, self.early_open,
                                             started_early_ids(self.store))
        for session_id in self.store.active_session_ids():
            if (current is None or session_id != current.session_id) and self._ours_or_over(session_id, classes,
                                                                                            served, now):
                self._end(session_id, now)
        if current is not None and self.store.activate_session(current, opened_by=self.kiosk_id):
            log.info("session %s activated (%s)", current.session_id, current.class_name)
        change = self._describe(current, upcoming, bool(classes) and not served)
        if change != self._last_posted:
            self._last_posted = change
            self.post(change)
        return change

    def _ours_or_over(self, session_id: str, classes, served, now) -> bool:
        """End a session of this room (or of a class since removed); one of another room,
        opened here before the kiosk's room was set, only once its own end time has passed."""
        info = session_info(self.store, session_id)
        if info is None or info.class_code in served or info.class_code not in classes:
            return True
        return now >= info.ends_at

    def _end(self, session_id: str, now) -> None:
        """End with absent rows for everyone never seen; a fresh end shows its summary."""
        summary = end_session_complete(self.store, session_id, Actor("schedule", self.kiosk_id), now)
        if summary is None:
            return
        log.info("session %s ended: %d present, %d late, %d absent", session_id, *summary.counts[1:])
        info = session_info(self.store, session_id)
        if info is not None and now < info.ends_at + SUMMARY_STALE:
            self.post(SessionEnded(info, summary))

    def _describe(self, current: SessionInfo | None, upcoming: SessionInfo | None,
                  no_class_for_room: bool) -> SessionChanged:
        if current is None:
            return SessionChanged(None, upcoming, no_class_for_room=no_class_for_room)
        state = self.store.session_state(current.session_id) or "active"
        record = self.store.class_record(current.class_code)
        roster = len(record.roster) if record else 0
        shown = SessionInfo(**{**current.__dict__, "state": state})
        return SessionChanged(shown, upcoming, self.store.present_count(current.session_id), roster)


class SchedulerThread(threading.Thread):
    def __init__(self, cfg: Config, store_factory: Callable[[], SqliteStore], clock: Clock,
                 outbox: Outbox, stop: threading.Event):
        super().__init__(name="scheduler", daemon=True)
        self.heartbeat = time.monotonic()  # last loop turn; the systemd watchdog reads it
        self.cfg = cfg
        self.store_factory = store_factory
        self.clock = clock
        self.outbox = outbox
        self.stop = stop

    def run(self) -> None:
        store = self.store_factory()  # this thread's own connection
        sessions = SessionScheduler(store, self.cfg, self.clock, self.outbox.send)
        jobs = schedule.Scheduler()
        jobs.every(max(1, round(self.cfg.scheduler.tick_s))).seconds.do(self._safe_tick, sessions)
        jobs.every().day.at("03:00").do(self._purge_old_rows, store)
        self._safe_tick(sessions)
        self._purge_old_rows(store)
        try:
            while not self.stop.wait(0.2):
                self.heartbeat = time.monotonic()
                self.outbox.flush()  # a session summary the screen had no room for yet
                jobs.run_pending()
        finally:
            store.close()

    def _safe_tick(self, sessions: SessionScheduler) -> None:
        try:
            sessions.tick()
        except Exception as err:  # a bad row or a locked file must not stop the timetable
            log.warning("scheduler tick failed: %s", err)

    def _purge_old_rows(self, store: SqliteStore) -> None:
        """The retention setting: old attendance, audit and spoof rows go, once a day."""
        try:
            purged = purge_older_than(store, self.cfg.privacy.retention_days, self.clock())
        except Exception as err:
            log.warning("retention purge failed: %s", err)
            return
        if any(purged.values()):
            log.info("retention: purged %s", purged)
