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
from dataclasses import replace
from datetime import timedelta
from typing import Callable

import schedule

from kiosk.clock import Clock, DoorClock
from kiosk.config import Config
from kiosk.errors import StoreError
from kiosk.messages.desk import SessionEnded
from kiosk.messages.lanes import Outbox
from kiosk.messages.screen import SessionChanged
from kiosk.model import SessionInfo, room_names, room_scope
from kiosk.scheduler.clock_guard import ClockGuard
from kiosk.scheduler.timetable import current_and_next
from kiosk.store.activity import newest_write_at
from kiosk.store.attempts import purge_attempts
from kiosk.store.privacy import purge_older_than
from kiosk.store.roll import latest_check_ins
from kiosk.store.session_repair import ended_as_over, reopen_session
from kiosk.store.sessions import Actor, end_session_complete, session_info, started_early_ids
from kiosk.store.sqlite_store import SqliteStore

log = logging.getLogger(__name__)

SUMMARY_STALE = timedelta(minutes=15)  # a session found ended long after (kiosk was off) shows no summary
CLOCK_LOG_S = 60.0  # while the clock is doubted, the log says so this often (the screen, all along)


class SessionScheduler:
    """One reconcile step, testable with an injected clock and no thread. `post` sends a message
    by its own lane (Outbox.send). Given the door's clock (a DoorClock), it reads the wall clock
    beneath it, and steers it while it keeps a session on a doubted wall clock."""

    def __init__(self, store: SqliteStore, cfg: Config, clock: Clock, post: Callable[[object], None],
                 monotonic: Callable[[], float] | None = None):
        self.store = store
        self.door = clock if isinstance(clock, DoorClock) else None
        clock = self.door.wall if self.door is not None else clock
        self.clock = clock
        self.monotonic = monotonic or getattr(clock, "monotonic", time.monotonic)  # a test clock brings its own
        self.post = post
        self.guard = ClockGuard(_newest_write(store))  # a wall clock behind this is doubted
        self._clock_noticed = -1e18
        self.early_open = timedelta(minutes=cfg.attendance.early_open_min)
        self.kiosk_id = cfg.kiosk.id
        self.room = cfg.kiosk.room
        self.recent_count = cfg.ui.recent_count
        self._warned_room = False
        self._last_posted: SessionChanged | None = None

    def tick(self) -> SessionChanged:
        now, mono = self.clock(), self.monotonic()
        self.guard.observe(now, mono)
        classes = self.store.classes()
        served = room_scope(classes, self.room)  # this door's room only: another room's class never ends ours
        if not served and classes and not self._warned_room:
            self._warned_room = True
            log.warning("this kiosk serves no class: kiosk.room is %r and the timetable's rooms are %s; "
                        "set [kiosk] room (main.py doctor checks it)", self.room, room_names(classes))
        current, upcoming = current_and_next(self.store.schedules(), served, now, self.early_open,
                                             started_early_ids(self.store))
        behind = self.guard.doubtful(now, mono)
        if not behind:  # no session opens or ends on a clock set back
            self._end_sessions(current, classes, served, now, mono)
        held = self._held(current, served, now, mono)
        if self.door is not None:
            self.door.trust(self.guard.anchors.get(held.session_id) if held else None)
        if held is not None or behind:  # the session on when the doubt began goes on; none other opens
            self._doubt_clock(now, mono, held)
            current, upcoming = held, None
        else:
            self._open(current, now, mono)
        change = self._describe(current, upcoming, bool(classes) and not served)
        if held is not None or behind:
            change = replace(change, clock_reads=now.replace(second=0, microsecond=0))
        if change != self._last_posted:
            self._last_posted = change
            self.post(change)
        return change

    def _end_sessions(self, current: SessionInfo | None, classes, served, now, mono: float) -> None:
        """End each active session that is due, once the wall clock and the monotonic one agree."""
        for session_id in self.store.active_session_ids():
            if current is not None and session_id == current.session_id:
                self.guard.seen(session_id, now, mono)
                continue
            due = self._due(session_id, current, classes, served, now)
            if self.guard.end_confirmed(session_id, due, now, mono):
                self._end(session_id, now)
                self.guard.forget(session_id)

    def _due(self, session_id: str, current: SessionInfo | None, classes, served, now):
        """When a session that is not the current one ends: a session of this room (or of a class since
        removed) when the next one opened, at its end, or now (gone from the timetable); one of another
        room, opened here before the kiosk's room was set, only at its own end."""
        info = session_info(self.store, session_id)
        if info is None:
            return now
        if info.class_code in served or info.class_code not in classes:
            if current is not None:
                return min(current.opens_at, info.ends_at)
            return info.ends_at if now >= info.ends_at else now
        return info.ends_at

    def _open(self, current: SessionInfo | None, now, mono: float) -> None:
        """Activate the current meeting; reopen it if a wrong clock had ended it (it was ended as over,
        and the clock is back inside its window)."""
        if current is None:
            return
        self.guard.seen(current.session_id, now, mono)
        if self.store.activate_session(current, opened_by=self.kiosk_id):
            log.info("session %s activated (%s)", current.session_id, current.class_name)
        elif now < current.ends_at and ended_as_over(self.store, current.session_id):
            removed = reopen_session(self.store, current.session_id, self.kiosk_id, now,
                                     "the clock is back inside its window")
            log.warning("session %s reopened: a wall-clock jump had ended it; %d absent row(s) removed",
                        current.session_id, removed)

    def _held(self, current: SessionInfo | None, served, now, mono: float) -> SessionInfo | None:
        """An active session of this room that the wall clock has left by a jump while the monotonic
        count since it was first seen says it is still on (ClockGuard.holds)."""
        for session_id in self.store.active_session_ids():
            if current is not None and session_id == current.session_id:
                continue
            info = session_info(self.store, session_id)
            if info is not None and info.class_code in served and self.guard.holds(session_id, info.ends_at,
                                                                                  now, mono):
                return info
        return None

    def _doubt_clock(self, now, mono: float, held: SessionInfo | None) -> None:
        if mono - self._clock_noticed >= CLOCK_LOG_S:
            self._clock_noticed = mono
            trusted = self.guard.estimate(held.session_id, mono) if held else self.guard.trusted_now(mono)
            log.warning("the clock reads %s, but the monotonic count says about %s: %s until it is right "
                        "(check NTP: timedatectl)", now.isoformat(timespec="seconds"),
                        trusted.isoformat(timespec="seconds"),
                        f"session {held.session_id} goes on by the monotonic count, no other opens"
                        if held else "no session opens or ends")

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
        return SessionChanged(shown, upcoming, self.store.present_count(current.session_id), roster,
                              recent=latest_check_ins(self.store, current.session_id, self.recent_count))


def _newest_write(store: SqliteStore):
    try:
        return newest_write_at(store)
    except StoreError as err:  # a failing file: the ticks report it; the clock is then judged by itself
        log.warning("cannot read the newest stored write: %s", err)
        return None


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
        """The retention settings: old attendance, audit and spoof rows go, and door attempts (rows and
        pictures) after privacy.attempt_retention_days, once a day."""
        try:
            purged = purge_older_than(store, self.cfg.privacy.retention_days, self.clock())
            purged["attempts"] = purge_attempts(store, self.clock(), self.cfg.privacy.attempt_retention_days)
        except Exception as err:
            log.warning("retention purge failed: %s", err)
            return
        if any(purged.values()):
            log.info("retention: purged %s", purged)
