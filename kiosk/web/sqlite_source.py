"""The web view's reads from this machine's kiosk database, through the store's query API.

Each thread of the server's pool keeps its own connection (sqlite3 objects
stay in the thread that made them); WAL lets them read while the kiosk writes.
The sessions' rolls are the store's (kiosk/store/roll.py), the export rows the
CLI's own (kiosk/reports/rows.py), and the live feed is the store's change feed
(kiosk/store/changes.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kiosk import __version__
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.model import SessionInfo
from kiosk.reports.rows import day_bounds, stored_export_rows
from kiosk.scheduler.timetable import meetings_around
from kiosk.store import outbox
from kiosk.store.changes import attendance_changes, feed_position
from kiosk.store.database import from_iso
from kiosk.store.roll import held_sessions, session_roll, session_rolls
from kiosk.store.sqlite_store import SqliteStore
from kiosk.web.model import Change, ChangeCursor, ClassSummary, KioskView, SessionView, session_view
from kiosk.web.source import SOURCES, school_zone
from kiosk.web.stores import ThreadStores


@SOURCES.register("sqlite")
class SqliteSource:
    name = "sqlite"
    poll_s = 0.5  # one indexed read of the ledger per poll, however many browsers watch

    def __init__(self, cfg: Config, clock: Clock):
        self.cfg = cfg
        self.clock = clock
        self.tz = school_zone(cfg)
        self.early_open = timedelta(minutes=cfg.attendance.early_open_min)
        self.stores = ThreadStores(cfg.data_dir)

    def store(self) -> SqliteStore:
        return self.stores.get()

    def classes(self) -> list[ClassSummary]:
        return [ClassSummary(r.code, r.name, r.room, r.instructor_id) for r in self.store().class_records()]

    def day(self, day: date) -> list[SessionView]:
        store = self.store()
        held = held_sessions(store, *day_bounds(day, self.tz))
        planned = [m for m in self._meetings(store, day) if m.session_id not in {s.session_id for s in held}]
        views = [self._view(roll, held=True) for roll in session_rolls(store, held)]
        views += [self._view(roll, held=False) for roll in session_rolls(store, planned)]
        return sorted(views, key=lambda v: (v.starts_at, v.room, v.class_code))

    def session(self, session_id: str) -> SessionView | None:
        roll = session_roll(self.store(), session_id)
        if roll is not None:
            return self._view(roll, held=True)
        try:  # not held yet: a meeting of that day's timetable?
            day = from_iso(session_id.split("@", 1)[1].replace("Z", "+00:00")).astimezone(self.tz).date()
        except (IndexError, ValueError):
            return None
        return next((v for v in self.day(day) if v.session_id == session_id), None)

    def export_rows(self, day: date | None, class_code: str | None) -> list[list]:
        return stored_export_rows(self.store(), day, class_code, self.tz)

    def kiosks(self) -> list[KioskView]:
        store = self.store()
        seen = outbox.get_state(store, "last_pull_at")
        return [KioskView(self.cfg.kiosk.id, self.cfg.kiosk.room, __version__,
                          last_seen=from_iso(seen) if seen else None,
                          queue=outbox.queued_checkins(store), outbox=outbox.pending_count(store))]

    def changes(self, cursor: ChangeCursor | None) -> tuple[list[Change], ChangeCursor]:
        store = self.store()
        if cursor is None:
            return [], ChangeCursor(feed_position(store))
        found = attendance_changes(store, cursor.position)
        if not found:
            return [], cursor
        changes = [Change(c.session_id, c.class_code, c.person_id, c.name, c.status,
                          c.checked_in_at.astimezone(self.tz).isoformat(timespec="seconds"), c.method) for c in found]
        return changes, ChangeCursor(found[-1].position)

    def close(self) -> None:
        self.stores.close()

    def _meetings(self, store: SqliteStore, day: date) -> list[SessionInfo]:
        noon = datetime.combine(day, time(12), self.tz)
        found = meetings_around(store.schedules(), store.classes(), noon, self.early_open, days_ahead=1)
        return [m for m in found if m.starts_at.astimezone(self.tz).date() == day]

    def _view(self, roll, held: bool) -> SessionView:
        """A held session names the doors that wrote its rows (this one if none did yet)."""
        doors = (roll.kiosks or (self.cfg.kiosk.id,)) if held else ()
        return session_view(roll, self.tz, doors)
