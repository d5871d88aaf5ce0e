"""Applying the central database's admin documents to this kiosk's SQLite: the local
mirror of people (with their embeddings), classes (with rosters), schedules, PIN hashes
and check-in code hashes.

kiosk/sync/ reads and validates the documents into the value types below; here they
are written, all in ONE transaction, with the same row writers as a change made at
this kiosk (kiosk/store/writes.py, pins.py). Central wins: a pulled copy replaces the
local row. A deletion arrives as a tombstone (`deleted`); nothing is deleted because
it is merely absent. A roster entry or an instructor this kiosk does not know is left out
with a warning. Marks made elsewhere for this door's room (apply_marks) come last.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from kiosk.model import Schedule
from kiosk.store import writes
from kiosk.store.codes import write_code_hash
from kiosk.store.database import Database, to_iso, utc_now
from kiosk.store.oneroster import apply_pulled_link
from kiosk.store.outbox import set_state
from kiosk.store.people import write_face_opt_out
from kiosk.store.pins import write_pin_hash


@dataclass(frozen=True)
class PulledPerson:
    id: str
    name: str = ""
    role: str = "student"
    embeddings: tuple[tuple[str, bytes, str], ...] = ()  # (model, float32 bytes, source)
    deleted: bool = False
    face_opt_out: bool = False


@dataclass(frozen=True)
class PulledClass:
    code: str
    name: str = ""
    room: str = ""
    instructor_id: str | None = None
    roster: tuple[str, ...] = ()
    deleted: bool = False


@dataclass(frozen=True)
class PulledSchedule:
    central_id: str
    schedule: Schedule | None = None  # None for a tombstone
    deleted: bool = False


@dataclass(frozen=True)
class PulledPin:
    person_id: str
    pin_hash: str = ""  # salted scrypt; never logged
    deleted: bool = False


@dataclass(frozen=True)
class PulledCode:
    person_id: str
    code_hash: str = ""  # scrypt; never logged
    deleted: bool = False


Pulled = PulledPerson | PulledClass | PulledSchedule | PulledPin | PulledCode


@dataclass(frozen=True)
class MirrorBatch:
    """One pull's documents of one collection, and the newest `updated_at` among them."""

    collection: str  # people | classes | schedules | pins
    copies: tuple[Pulled, ...]
    cursor_key: str  # the sync-state key of this collection's pull cursor
    cursor: str | None  # where this pull started from (None: every document was read)
    newest: str | None = None  # ISO text of the newest `updated_at`: the cursor moves there if later


def apply_pulled(db: Database, batches: Iterable[MirrorBatch], warnings: list[str]) -> dict[str, int]:
    """Apply every batch in one transaction; returns local rows changed per collection."""
    changed: dict[str, int] = {}
    with db.transaction() as conn:
        for batch in batches:
            apply = APPLY[batch.collection]
            changed[batch.collection] = sum(apply(conn, copy, warnings) for copy in batch.copies)
            if batch.newest and (batch.cursor is None or batch.newest > batch.cursor):
                set_state(conn, batch.cursor_key, batch.newest)
        set_state(conn, "last_pull_at", utc_now())
    return changed


def _person(conn: sqlite3.Connection, p: PulledPerson, warnings: list[str]) -> int:
    if p.deleted:  # attendance keeps its rows: it has no foreign key to people
        return writes.delete_person(conn, p.id)
    row = conn.execute("SELECT name, role, face_opt_out FROM people WHERE id = ?", (p.id,)).fetchone()
    have = sorted((r[0], bytes(r[1]), r[2]) for r in conn.execute(
        "SELECT model, vector, source FROM embeddings WHERE person_id = ?", (p.id,)))
    if row and tuple(row) == (p.name, p.role, int(p.face_opt_out)) and have == sorted(p.embeddings):
        return 0  # unchanged: leave it alone so the gallery is not rebuilt for nothing
    now = utc_now()
    writes.upsert_person(conn, p.id, p.name, p.role, now)
    write_face_opt_out(conn, p.id, p.face_opt_out)
    if have != sorted(p.embeddings):
        writes.replace_embeddings(conn, p.id, p.embeddings, now)
    return 1


def _class(conn: sqlite3.Connection, c: PulledClass, warnings: list[str]) -> int:
    if c.deleted:  # cascades to its roster and schedules; sessions and attendance stay
        return writes.delete_class(conn, c.code)
    known = {r[0] for r in conn.execute("SELECT id FROM people")}
    instructor = c.instructor_id
    if instructor and instructor not in known:
        warnings.append(f"class {c.code}: instructor {instructor!r} is not enrolled on this kiosk; left blank")
        instructor = None
    roster = [p for p in c.roster if p in known]
    for unknown in (p for p in c.roster if p not in known):
        warnings.append(f"class {c.code}: roster names unknown person {unknown!r}; entry skipped")
    row = conn.execute("SELECT name, room, instructor_id FROM classes WHERE code = ?", (c.code,)).fetchone()
    have = writes.roster_ids(conn, c.code)
    if row and tuple(row) == (c.name, c.room, instructor) and have == set(roster):
        return 0
    writes.upsert_class(conn, c.code, c.name, c.room, instructor)
    writes.remove_from_roster(conn, c.code, have - set(roster))
    writes.add_to_roster(conn, c.code, roster)
    return 1


def _schedule(conn: sqlite3.Connection, s: PulledSchedule, warnings: list[str]) -> int:
    if s.deleted:
        return writes.delete_schedule(conn, central_id=s.central_id)
    sch = s.schedule
    if not conn.execute("SELECT 1 FROM classes WHERE code = ?", (sch.class_code,)).fetchone():
        warnings.append(f"schedule {s.central_id}: class {sch.class_code!r} is unknown on this kiosk; skipped")
        return 0
    row = conn.execute(
        "SELECT id, class_code, start_time, end_time, on_date, weekdays, timezone FROM schedules WHERE central_id = ?",
        (s.central_id,),
    ).fetchone()
    if row and tuple(row)[1:] == writes.schedule_values(sch):
        return writes.set_cancelled_dates(conn, row[0], sch.cancelled)
    if row:
        writes.update_schedule(conn, s.central_id, sch)
        writes.set_cancelled_dates(conn, row[0], sch.cancelled)
    else:
        writes.set_cancelled_dates(conn, writes.insert_schedule(conn, sch, central_id=s.central_id), sch.cancelled)
    return 1


def _pin(conn: sqlite3.Connection, k: PulledPin, warnings: list[str]) -> int:
    # A PIN removed centrally stops working at every door.
    return _hash_copy(conn, "pins", "pin_hash", k.person_id, None if k.deleted else k.pin_hash, warnings)


def _code(conn: sqlite3.Connection, k: PulledCode, warnings: list[str]) -> int:
    return _hash_copy(conn, "checkin_codes", "code_hash", k.person_id, None if k.deleted else k.code_hash, warnings)


def _hash_copy(conn: sqlite3.Connection, table: str, column: str, person_id: str, value: str | None,
               warnings: list[str]) -> int:
    """A person's PIN or code hash as the central copy has it (None: removed there)."""
    if value is None:
        return conn.execute(f"DELETE FROM {table} WHERE person_id = ?", (person_id,)).rowcount
    if not conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone():
        what = "pin" if table == "pins" else "code"
        warnings.append(f"{what} {person_id}: person is not enrolled on this kiosk; skipped")
        return 0
    row = conn.execute(f"SELECT {column} FROM {table} WHERE person_id = ?", (person_id,)).fetchone()
    if row and row[0] == value:
        return 0
    (write_pin_hash if table == "pins" else write_code_hash)(conn, person_id, value)
    return 1


APPLY: dict[str, Callable[[sqlite3.Connection, Pulled, list[str]], int]] = {
    "people": _person, "classes": _class, "schedules": _schedule, "pins": _pin, "codes": _code,
    "oneroster": apply_pulled_link}
# parents first: a class names people, a PIN a person, a OneRoster link a person
ORDER = ("people", "classes", "schedules", "pins", "codes", "oneroster")


# -- marks made elsewhere (kiosk/sync/marks.py) ----------------------------------------------

@dataclass(frozen=True)
class PulledSession:
    session_id: str
    class_code: str
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime
    state: str


@dataclass(frozen=True)
class PulledMark:
    session_id: str
    person_id: str
    status: str
    checked_in_at: datetime
    latency_ms: float | None
    score: float | None
    method: str
    kiosk_id: str
    made_by: str
    reason: str
    marked_at: datetime | None  # set for a mark made by hand


def apply_marks(db: Database, sessions: list[PulledSession], marks: list[PulledMark], cursor_key: str,
                newest: str | None) -> int:
    """In one transaction: the sessions this kiosk does not hold yet, then each mark that is new
    here or made by hand later than the local row's; returns the rows changed. A check-in this
    kiosk holds is never replaced by another door's face check-in (the central rules chose the
    row already; the door's own row goes up with its next push)."""
    changed = 0
    with db.transaction() as conn:
        for s in sessions:
            conn.execute(
                "INSERT OR IGNORE INTO sessions (id, class_code, starts_at, ends_at, opens_at, state, activated_at,"
                " opened_by) VALUES (?, ?, ?, ?, ?, ?, ?, 'central')",
                (s.session_id, s.class_code, to_iso(s.starts_at), to_iso(s.ends_at), to_iso(s.opens_at), s.state,
                 utc_now()))
        held = {r[0] for r in conn.execute("SELECT id FROM sessions")}
        for mark in marks:
            if mark.session_id in held:
                changed += _apply_mark(conn, mark)
        if newest:
            set_state(conn, cursor_key, newest)
    return changed


def _apply_mark(conn: sqlite3.Connection, m: PulledMark) -> int:
    row = conn.execute("SELECT marked_at FROM attendance WHERE session_id = ? AND person_id = ?",
                       (m.session_id, m.person_id)).fetchone()
    values = (m.status, to_iso(m.checked_in_at), m.latency_ms, m.score, m.method, m.kiosk_id, m.made_by, m.reason,
              to_iso(m.marked_at) if m.marked_at else None)
    if row is None:
        conn.execute("INSERT INTO attendance (status, checked_in_at, latency_ms, score, method, kiosk_id, made_by,"
                     " reason, marked_at, session_id, person_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (*values, m.session_id, m.person_id))
        return 1
    if m.marked_at is None or (row[0] is not None and row[0] >= to_iso(m.marked_at)):
        return 0  # not a hand mark, or not newer than the one held here
    conn.execute("UPDATE attendance SET status = ?, checked_in_at = ?, latency_ms = ?, score = ?, method = ?,"
                 " kiosk_id = ?, made_by = ?, reason = ?, marked_at = ? WHERE session_id = ? AND person_id = ?",
                 (*values, m.session_id, m.person_id))
    return 1
