"""Single meetings that do not happen (a holiday): one row per schedule and local date.

The timetable skips them: `SqliteStore.schedules()` attaches each schedule's
cancelled dates to it.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from kiosk.errors import StoreError
from kiosk.store.database import Database, utc_now


def cancelled_dates(conn: sqlite3.Connection) -> dict[int, frozenset[date]]:
    found: dict[int, set[date]] = {}
    for schedule_id, day in conn.execute("SELECT schedule_id, on_date FROM cancellations"):
        try:
            found.setdefault(schedule_id, set()).add(date.fromisoformat(day))
        except ValueError:
            continue  # a damaged row cancels nothing
    return {k: frozenset(v) for k, v in found.items()}


def cancel_date(db: Database, class_code: str, day: date, reason: str = "") -> list[int]:
    """Cancel the class's meeting(s) on that local date; returns the schedule ids affected."""
    if db.conn.execute("SELECT 1 FROM classes WHERE code = ?", (class_code,)).fetchone() is None:
        raise StoreError(f"unknown class {class_code!r}")
    meeting = [s for s in db.schedules() if s.class_code == class_code and s.meets_on(day)]
    if not meeting:
        already = _cancelled_ids(db, class_code, day)
        if already:
            raise StoreError(f"{class_code} on {day} is already cancelled")
        raise StoreError(f"{class_code} does not meet on {day} ({day:%A}); see 'schedule list'")
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO cancellations (schedule_id, on_date, reason, created_at) VALUES (?, ?, ?, ?)",
            [(s.id, day.isoformat(), reason, utc_now()) for s in meeting])
    return [s.id for s in meeting]


def restore_date(db: Database, class_code: str, day: date) -> int:
    """Undo a cancellation; returns how many rows it removed."""
    ids = _cancelled_ids(db, class_code, day)
    if not ids:
        raise StoreError(f"{class_code} on {day} is not cancelled")
    with db.transaction() as conn:
        conn.executemany("DELETE FROM cancellations WHERE schedule_id = ? AND on_date = ?",
                         [(i, day.isoformat()) for i in ids])
    return len(ids)


def _cancelled_ids(db: Database, class_code: str, day: date) -> list[int]:
    return [r[0] for r in db.query(
        "SELECT c.schedule_id FROM cancellations c JOIN schedules s ON s.id = c.schedule_id"
        " WHERE s.class_code = ? AND c.on_date = ?", (class_code, day.isoformat()))]


def change_dates(db: Database, class_code: str, days: list[date], reason: str = "", cancel: bool = True) -> int:
    """Cancel (or restore) the class's meetings on each of these dates that it meets (cancelled:
    had been cancelled); returns how many changed. A term break is a run of dates. An error
    when none of them changes anything."""
    if db.conn.execute("SELECT 1 FROM classes WHERE code = ?", (class_code,)).fetchone() is None:
        raise StoreError(f"unknown class {class_code!r}")
    changed = 0
    for day in days:
        try:
            changed += len(cancel_date(db, class_code, day, reason)) if cancel else restore_date(db, class_code, day)
        except StoreError:
            if len(days) == 1:
                raise
    if not changed:
        raise StoreError(f"{class_code} does not meet from {days[0]} to {days[-1]}" if cancel else
                         f"{class_code} has no cancelled meeting from {days[0]} to {days[-1]}")
    return changed
