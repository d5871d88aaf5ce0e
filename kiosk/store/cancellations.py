"""Single meetings that do not happen (a holiday): one row per schedule and local date.

The timetable skips them: `SqliteStore.schedules()` attaches each schedule's
cancelled dates to it. A meeting already held (its session opened) is not cancelled.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from kiosk.errors import AlreadyHeld, StoreError
from kiosk.model import ClassInfo, Schedule, meeting
from kiosk.store.database import Database, utc_now


def cancelled_dates(conn: sqlite3.Connection) -> dict[int, frozenset[date]]:
    found: dict[int, set[date]] = {}
    for schedule_id, day in conn.execute("SELECT schedule_id, on_date FROM cancellations"):
        try:
            found.setdefault(schedule_id, set()).add(date.fromisoformat(day))
        except ValueError:
            continue  # a damaged row cancels nothing
    return {k: frozenset(v) for k, v in found.items()}


def cancel_date(db: Database, class_code: str, day: date, reason: str = "",
                schedule_id: int | None = None) -> list[int]:
    """Cancel the class's meeting(s) on that local date, or only schedule `schedule_id`'s (one
    meeting of a day the class meets twice); returns the schedule ids affected. AlreadyHeld
    for a meeting whose session was opened."""
    _require_class(db, class_code)
    meetings = [s for s in db.schedules() if s.class_code == class_code and s.meets_on(day)
                and schedule_id in (None, s.id)]
    if not meetings:
        if _cancelled_ids(db, class_code, day, schedule_id):
            raise StoreError(f"{class_code} on {day} is already cancelled")
        raise StoreError(f"{class_code} does not meet on {day} ({day:%A}); see 'schedule list'")
    with db.transaction() as conn:
        for schedule in meetings:
            _refuse_held(conn, schedule, day)
        conn.executemany(
            "INSERT INTO cancellations (schedule_id, on_date, reason, created_at) VALUES (?, ?, ?, ?)",
            [(s.id, day.isoformat(), reason, utc_now()) for s in meetings])
    return [s.id for s in meetings]


def _refuse_held(conn: sqlite3.Connection, schedule: Schedule, day: date) -> None:
    held = meeting(schedule, day, ClassInfo(schedule.class_code, ""), timedelta(0))
    if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (held.session_id,)).fetchone():
        raise AlreadyHeld(schedule.class_code, held.starts_at)


def restore_date(db: Database, class_code: str, day: date, schedule_id: int | None = None) -> int:
    """Undo a cancellation (of one schedule's meeting, when given); returns how many rows it removed."""
    ids = _cancelled_ids(db, class_code, day, schedule_id)
    if not ids:
        raise StoreError(f"{class_code} on {day} is not cancelled")
    with db.transaction() as conn:
        conn.executemany("DELETE FROM cancellations WHERE schedule_id = ? AND on_date = ?",
                         [(i, day.isoformat()) for i in ids])
    return len(ids)


def _cancelled_ids(db: Database, class_code: str, day: date, schedule_id: int | None = None) -> list[int]:
    return [r[0] for r in db.query(
        "SELECT c.schedule_id FROM cancellations c JOIN schedules s ON s.id = c.schedule_id"
        " WHERE s.class_code = ? AND c.on_date = ? AND (? IS NULL OR s.id = ?)",
        (class_code, day.isoformat(), schedule_id, schedule_id))]


def _require_class(db: Database, class_code: str) -> None:
    if db.conn.execute("SELECT 1 FROM classes WHERE code = ?", (class_code,)).fetchone() is None:
        raise StoreError(f"unknown class {class_code!r}")


def change_dates(db: Database, class_code: str, days: list[date], reason: str = "", cancel: bool = True,
                 schedule_id: int | None = None) -> int:
    """Cancel (or restore) the class's meetings on each of these dates that it meets (cancelled:
    had been cancelled), or only schedule `schedule_id`'s; returns how many changed. A term break
    is a run of dates. An error when none of them changes anything; AlreadyHeld, with nothing
    changed, when one of them was held."""
    _require_class(db, class_code)
    changed = 0
    with db.transaction():  # all the dates or none
        for day in days:
            try:
                changed += len(cancel_date(db, class_code, day, reason, schedule_id)) if cancel else \
                    restore_date(db, class_code, day, schedule_id)
            except AlreadyHeld:
                raise
            except StoreError:  # a date it does not meet, in a span: skipped
                if len(days) == 1:
                    raise
    if not changed:
        raise StoreError(f"{class_code} does not meet from {days[0]} to {days[-1]}" if cancel else
                         f"{class_code} has no cancelled meeting from {days[0]} to {days[-1]}")
    return changed
