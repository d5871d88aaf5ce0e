"""Row writers for people, embeddings, classes, rosters and schedules.

Each takes the connection of an open transaction and writes one kind of row.
The store's own methods call them, and so does the sync pull
(kiosk/sync/pull.py), so a change made at this kiosk and one pulled from the
central database are written the same way. (PIN hashes: kiosk/store/pins.py.)
"""

from __future__ import annotations

import sqlite3
from typing import Iterable

from kiosk.model import Schedule, format_weekdays, room_name
from kiosk.store.database import utc_now

EmbeddingRow = tuple[str, bytes, str]  # (model, float32 vector bytes, source)


# -- people and their embeddings -----------------------------------------------------

def upsert_person(conn: sqlite3.Connection, person_id: str, name: str, role: str, now: str) -> None:
    """Insert the person, or update their name and role (their consent and creation time stay)."""
    conn.execute(
        "INSERT INTO people (id, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role,"
        " updated_at = excluded.updated_at",
        (person_id, name, role, now, now),
    )


def delete_person(conn: sqlite3.Connection, person_id: str) -> int:
    """The people row; embeddings, roster entries and the PIN go with it (ON DELETE CASCADE)."""
    return conn.execute("DELETE FROM people WHERE id = ?", (person_id,)).rowcount


def replace_embeddings(conn: sqlite3.Connection, person_id: str, rows: Iterable[EmbeddingRow], now: str,
                       model: str | None = None) -> None:
    """Drop the person's embeddings (for `model` only, or every model), then store `rows`."""
    if model is None:
        conn.execute("DELETE FROM embeddings WHERE person_id = ?", (person_id,))
    else:
        conn.execute("DELETE FROM embeddings WHERE person_id = ? AND model = ?", (person_id, model))
    insert_embeddings(conn, person_id, rows, now)


def insert_embeddings(conn: sqlite3.Connection, person_id: str, rows: Iterable[EmbeddingRow], now: str) -> None:
    conn.executemany(
        "INSERT INTO embeddings (person_id, model, vector, source, created_at) VALUES (?, ?, ?, ?, ?)",
        [(person_id, model, vector, source, now) for model, vector, source in rows],
    )


# -- classes and rosters ----------------------------------------------------------------

def upsert_class(conn: sqlite3.Connection, code: str, name: str, room: str, instructor_id: str | None) -> None:
    """The class with its room in its one form (kiosk.model.room_name), whoever sends it."""
    conn.execute(
        "INSERT INTO classes (code, name, room, instructor_id) VALUES (?, ?, ?, ?) ON CONFLICT(code) DO UPDATE"
        " SET name = excluded.name, room = excluded.room, instructor_id = excluded.instructor_id",
        (code, name, room_name(room), instructor_id),
    )


def delete_class(conn: sqlite3.Connection, code: str) -> int:
    """The class; its schedules and cancellations cascade, its roster moves to roster_history.
    Sessions and attendance stay."""
    _keep_roster_spans(conn, code, roster_ids(conn, code))
    return conn.execute("DELETE FROM classes WHERE code = ?", (code,)).rowcount


def add_to_roster(conn: sqlite3.Connection, code: str, person_ids: Iterable[str]) -> list[str]:
    """Put people on the roster, noting when they joined; returns those who were not on it yet."""
    now = utc_now()
    return [pid for pid in person_ids if conn.execute(
        "INSERT OR IGNORE INTO roster (class_code, person_id, added_at) VALUES (?, ?, ?)", (code, pid, now)).rowcount]


def remove_from_roster(conn: sqlite3.Connection, code: str, person_ids: Iterable[str]) -> None:
    """Off the roster from now on; their span on it stays in roster_history for past registers."""
    pairs = [(code, p) for p in person_ids]
    _keep_roster_spans(conn, code, [p for _, p in pairs])
    conn.executemany("DELETE FROM roster WHERE class_code = ? AND person_id = ?", pairs)


def _keep_roster_spans(conn: sqlite3.Connection, code: str, person_ids: Iterable[str]) -> None:
    """Record when these roster members joined and left (now) before their roster rows go."""
    now = utc_now()
    conn.executemany(
        "INSERT INTO roster_history (class_code, person_id, added_at, removed_at)"
        " SELECT class_code, person_id, added_at, ? FROM roster WHERE class_code = ? AND person_id = ?",
        [(now, code, pid) for pid in person_ids])


def roster_ids(conn: sqlite3.Connection, code: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT person_id FROM roster WHERE class_code = ?", (code,))}


# -- schedules ---------------------------------------------------------------------------

def schedule_values(schedule: Schedule) -> tuple:
    """The schedules row's columns (class_code, start_time, end_time, on_date, weekdays, timezone)."""
    return (schedule.class_code, f"{schedule.start:%H:%M}", f"{schedule.end:%H:%M}",
            schedule.on_date.isoformat() if schedule.on_date else None,
            format_weekdays(schedule.weekdays) if schedule.weekdays else None, schedule.timezone)


def insert_schedule(conn: sqlite3.Connection, schedule: Schedule, central_id: str | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO schedules (class_code, start_time, end_time, on_date, weekdays, timezone, central_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", (*schedule_values(schedule), central_id))
    return cur.lastrowid


def update_schedule(conn: sqlite3.Connection, central_id: str, schedule: Schedule) -> None:
    conn.execute(
        "UPDATE schedules SET class_code = ?, start_time = ?, end_time = ?, on_date = ?, weekdays = ?,"
        " timezone = ? WHERE central_id = ?", (*schedule_values(schedule), central_id))


def delete_schedule(conn: sqlite3.Connection, schedule_id: int | None = None, central_id: str | None = None) -> int:
    """By the local id, or by the central database's id."""
    if central_id is not None:
        return conn.execute("DELETE FROM schedules WHERE central_id = ?", (central_id,)).rowcount
    return conn.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,)).rowcount


def set_cancelled_dates(conn: sqlite3.Connection, schedule_id: int, days: frozenset) -> int:
    """Make the schedule's cancelled dates exactly `days` (the central copy's); returns 1 if changed."""
    have = {r[0] for r in conn.execute("SELECT on_date FROM cancellations WHERE schedule_id = ?", (schedule_id,))}
    wanted = {d.isoformat() for d in days}
    if have == wanted:
        return 0
    conn.executemany("DELETE FROM cancellations WHERE schedule_id = ? AND on_date = ?",
                     [(schedule_id, d) for d in have - wanted])
    conn.executemany("INSERT INTO cancellations (schedule_id, on_date, reason, created_at) VALUES (?, ?, '', ?)",
                     [(schedule_id, d, utc_now()) for d in sorted(wanted - have)])
    return 1
