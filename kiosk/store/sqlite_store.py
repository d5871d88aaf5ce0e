"""The kiosk's local store on SQLite: people and embeddings, classes and
rosters, schedules, sessions and attendance.

Every write that changes more than one row runs in one transaction, so a
rejected input leaves nothing half-written.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Collection, Mapping
from zoneinfo import ZoneInfo

import numpy as np

from kiosk.errors import StoreError
from kiosk.model import ClassInfo, Schedule, SessionInfo, overlaps, parse_weekdays
from kiosk.store import writes
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.cancellations import cancelled_dates
from kiosk.store.database import Database, from_iso, to_iso, utc_now
from kiosk.store.sessions import SESSION_WITH_CLASS, session_from_row
from kiosk.store.staff import require_instructor

log = logging.getLogger(__name__)

ROLES = ("student", "instructor", "admin")
# Two embeddings this close come from the same photo: one file embeds to cosine 1.0000
# with itself, while the same picture at another resolution scores at most 0.989 on
# the shared photos (obama-240p..1080p). `enroll --extend` skips such a repeat.
SAME_PHOTO_SCORE = 0.995


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class ClassRecord:
    code: str
    name: str
    room: str
    instructor_id: str | None
    roster: frozenset[str]


@dataclass(frozen=True)
class AttendanceRow:
    session_id: str
    person_id: str
    status: str
    checked_in_at: datetime
    latency_ms: float | None = None
    score: float | None = None
    method: str = "face"
    kiosk_id: str = ""


@dataclass(frozen=True)
class EnrolledVectors:
    """Enrolled embeddings for one model, one row per stored vector, grouped by person."""

    person_ids: list[str]
    names: list[str]
    vectors: np.ndarray


class SqliteStore(Database):
    """The kiosk's database, for every package but this one: each method returns value
    types (never a connection or a row). Topics beyond these basics have modules of
    their own in kiosk/store/ (sessions, roll, rosters, staff, pins, audit, privacy...)."""

    def audit(self, entry: AuditEntry) -> None:
        """One audit row (inside `atomic()`, it commits with the action it records)."""
        with self.transaction() as conn:
            write_audit(conn, entry)

    # -- people -------------------------------------------------------------
    def add_person(
        self, person: Person, model: str, vectors: np.ndarray, sources: list[str], replace: bool = False,
        others: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        """Enrol (or, with `replace`, re-enrol) a person from photos: `vectors` under `model`, and
        `others` (model key -> one row per photo, in `sources` order) under the other installed models.
        Re-enrolling drops the person's vectors of every model: they came from the old photos."""
        if person.role not in ROLES:
            raise StoreError(f"role {person.role!r} must be one of {', '.join(ROLES)}")
        if not person.name.strip() or not person.id.strip():
            raise StoreError("a person needs a non-empty id and name")
        now = utc_now()
        with self.transaction() as conn:
            if _enrolled(conn, person.id) and not replace:
                raise StoreError(f"person {person.id!r} is already enrolled; use --replace to re-enrol")
            writes.upsert_person(conn, person.id, person.name.strip(), person.role, now)
            rows = [row for key, rows in {model: vectors, **(others or {})}.items()
                    for row in _embedding_rows(key, rows, sources)]
            writes.replace_embeddings(conn, person.id, rows, now)

    def add_embeddings(self, person_id: str, model: str, vectors: np.ndarray, sources: list[str]) -> int:
        """Add photos to an enrolled person; a face already stored (the same photo again) is
        skipped. Returns how many were added."""
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
                raise StoreError(f"unknown person {person_id!r}; enrol them first")
            stored = [np.frombuffer(r[0], np.float32) for r in conn.execute(
                "SELECT vector FROM embeddings WHERE person_id = ? AND model = ?", (person_id, model))]
            fresh = unseen_rows(stored, vectors)
            now = utc_now()
            writes.insert_embeddings(conn, person_id, _embedding_rows(model, [vectors[i] for i in fresh],
                                                                  [sources[i] for i in fresh]), now)
            if fresh:
                conn.execute("UPDATE people SET updated_at = ? WHERE id = ?", (now, person_id))
        return len(fresh)

    def embedding_counts(self, model: str) -> dict[str, int]:
        """Stored embeddings per person for one model."""
        return {r[0]: r[1] for r in self.query(
            "SELECT person_id, count(*) FROM embeddings WHERE model = ? GROUP BY person_id", (model,))}

    def person(self, person_id: str) -> Person | None:
        row = self.conn.execute("SELECT id, name, role FROM people WHERE id = ?", (person_id,)).fetchone()
        return Person(row["id"], row["name"], row["role"]) if row else None

    def people(self) -> list[Person]:
        return [Person(r["id"], r["name"], r["role"]) for r in self.query("SELECT id, name, role FROM people ORDER BY id")]

    def enrolled_vectors(self, model: str) -> EnrolledVectors:
        rows = self.query(
            "SELECT e.person_id, p.name, e.vector FROM embeddings e JOIN people p ON p.id = e.person_id"
            " WHERE e.model = ? ORDER BY e.person_id, e.id",
            (model,),
        )
        good = [r for r in rows if len(r["vector"]) % 4 == 0 and r["vector"]]
        dims = {len(r["vector"]) // 4 for r in good}
        if len(dims) > 1:
            raise StoreError(f"embeddings for model {model!r} have mixed sizes {sorted(dims)}; re-enrol")
        vectors = np.array([np.frombuffer(r["vector"], np.float32) for r in good], np.float32)
        return EnrolledVectors([r["person_id"] for r in good], [r["name"] for r in good], vectors)

    def gallery_signature(self, model: str) -> tuple:
        """Changes whenever an enrolment for this model is added, replaced or removed."""
        row = self.conn.execute(
            "SELECT count(*), max(id), max(created_at) FROM embeddings WHERE model = ?", (model,)
        ).fetchone()
        return tuple(row)

    # -- classes and rosters -------------------------------------------------
    def add_class(self, code: str, name: str, student_ids: list[str], room: str = "", instructor_id: str | None = None) -> None:
        if not code.strip() or not name.strip():
            raise StoreError("a class needs a non-empty code and name")
        with self.transaction() as conn:
            known = {r[0] for r in conn.execute("SELECT id FROM people")}
            unknown = [s for s in student_ids if s not in known]
            if unknown:
                raise StoreError(f"unknown person id(s): {', '.join(unknown)}; enrol them, or import them by id "
                                 "and name with 'class import-roster' (they await enrolment)")
            if instructor_id:
                require_instructor(conn, instructor_id)
            if conn.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone():
                raise StoreError(f"class {code!r} already exists")
            writes.upsert_class(conn, code, name.strip(), room, instructor_id)  # the room in its one form
            writes.add_to_roster(conn, code, student_ids)

    def class_record(self, code: str) -> ClassRecord | None:
        row = self.conn.execute("SELECT * FROM classes WHERE code = ?", (code,)).fetchone()
        if row is None:
            return None
        roster = frozenset(r[0] for r in self.query("SELECT person_id FROM roster WHERE class_code = ?", (code,)))
        return ClassRecord(row["code"], row["name"], row["room"], row["instructor_id"], roster)

    def classes(self) -> dict[str, ClassInfo]:
        return {r["code"]: ClassInfo(r["code"], r["name"], r["room"]) for r in self.query("SELECT * FROM classes")}

    def class_records(self) -> list[ClassRecord]:
        return [self.class_record(code) for code in sorted(self.classes())]

    def class_known(self, code: str) -> bool:
        """The class exists, or has history here (a removed class keeps its sessions)."""
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM classes WHERE code = ?)"
                                 " OR EXISTS (SELECT 1 FROM sessions WHERE class_code = ?)", (code, code)).fetchone()[0] == 1

    # -- schedules -------------------------------------------------------------
    def add_schedule(self, schedule: Schedule) -> int:
        if schedule.end <= schedule.start:
            raise StoreError(f"schedule end {schedule.end:%H:%M} must be after its start {schedule.start:%H:%M}")
        with self.transaction() as conn:
            record = conn.execute("SELECT room FROM classes WHERE code = ?", (schedule.class_code,)).fetchone()
            if record is None:
                raise StoreError(f"unknown class {schedule.class_code!r}; add it with 'class add' first")
            for other in self._schedules(conn, room=record["room"]):
                if overlaps(schedule, other):
                    raise StoreError(
                        f"overlaps schedule {other.id} of {other.class_code} "
                        f"({other.start:%H:%M}-{other.end:%H:%M}) in the same room"
                    )
            return writes.insert_schedule(conn, schedule)

    def schedules(self) -> list[Schedule]:
        return self._schedules(self.conn)

    def _schedules(self, conn: sqlite3.Connection, room: str | None = None) -> list[Schedule]:
        sql = "SELECT s.* FROM schedules s JOIN classes c ON c.code = s.class_code"
        rows = conn.execute(sql + (" WHERE c.room = ?" if room is not None else ""), (room,) if room is not None else ()).fetchall()
        result = []
        cancelled = cancelled_dates(conn)
        for r in rows:
            try:
                result.append(_schedule_from_row(r, cancelled.get(r["id"], frozenset())))
            except ValueError as err:
                log.warning("schedule %s skipped: %s", r["id"], err)  # a corrupt row must not stop the timetable
        return result

    # -- sessions --------------------------------------------------------------
    def activate_session(self, info: SessionInfo, schedule_id: int | None = None, opened_by: str = "") -> bool:
        """Make a meeting the active session; False if it was already known (active or ended).
        `opened_by`: the kiosk that opened it."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO sessions (id, class_code, schedule_id, starts_at, ends_at, opens_at,"
            " state, activated_at, opened_by) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)",
            (info.session_id, info.class_code, schedule_id, to_iso(info.starts_at), to_iso(info.ends_at),
             to_iso(info.opens_at), utc_now(), opened_by),
        )
        return cur.rowcount == 1

    def end_session(self, session_id: str, by: str = "schedule") -> bool:
        cur = self.conn.execute(
            "UPDATE sessions SET state = 'ended', ended_at = ?, ended_by = ? WHERE id = ? AND state = 'active'",
            (utc_now(), by, session_id),
        )
        return cur.rowcount == 1

    def session_state(self, session_id: str) -> str | None:
        row = self.conn.execute("SELECT state FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return row[0] if row else None

    def active_session_ids(self) -> list[str]:
        return [r[0] for r in self.query("SELECT id FROM sessions WHERE state = 'active' ORDER BY starts_at")]

    def active_session(self, class_codes: Collection[str] | None = None) -> SessionInfo | None:
        """The active session that started last (the next class wins a passing period), of one of
        `class_codes` when given: a door's own room (kiosk.scheduler.timetable.room_scope)."""
        rows = self.query(SESSION_WITH_CLASS + " WHERE s.state = 'active' ORDER BY s.starts_at DESC")
        found = (r for r in rows if class_codes is None or r["class_code"] in class_codes)
        row = next(found, None)
        return session_from_row(row) if row else None

    # -- attendance ------------------------------------------------------------
    def record_attendance(self, row: AttendanceRow) -> tuple[datetime, bool]:
        """Insert once per (session, person); returns (stored check-in time, created)."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO attendance (session_id, person_id, status, checked_in_at, latency_ms,"
            " score, method, kiosk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (row.session_id, row.person_id, row.status, to_iso(row.checked_in_at), row.latency_ms,
             row.score, row.method, row.kiosk_id),
        )
        if cur.rowcount == 1:
            return row.checked_in_at, True
        stored = self.first_check_in(row.session_id, row.person_id)
        return stored or row.checked_in_at, False

    def first_check_in(self, session_id: str, person_id: str) -> datetime | None:
        found = self.conn.execute(
            "SELECT checked_in_at FROM attendance WHERE session_id = ? AND person_id = ?", (session_id, person_id)
        ).fetchone()
        return from_iso(found[0]) if found else None

    def present_count(self, session_id: str) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM attendance WHERE session_id = ? AND status IN ('present', 'late')", (session_id,)
        ).fetchone()[0]


def _embedding_rows(model: str, vectors, sources) -> list[writes.EmbeddingRow]:
    return [(model, np.asarray(v, np.float32).tobytes(), s) for v, s in zip(vectors, sources)]


def _enrolled(conn: sqlite3.Connection, person_id: str) -> bool:
    """Known with a face, or as staff. A student imported from a roster with no photo yet is
    awaiting enrolment: enrolling them fills in their face and keeps their rosters."""
    row = conn.execute("SELECT role, EXISTS (SELECT 1 FROM embeddings WHERE person_id = ?) FROM people"
                       " WHERE id = ?", (person_id, person_id)).fetchone()
    return row is not None and (row[0] != "student" or bool(row[1]))


def unseen_rows(stored: list[np.ndarray], vectors: np.ndarray) -> list[int]:
    """Indexes of `vectors` not already among `stored` (nor earlier in `vectors`): the same
    photo embeds to the same vector, so a near-identical one is that photo again."""
    kept: list[np.ndarray] = [np.asarray(v, np.float32) for v in stored]
    fresh = []
    for i, vector in enumerate(np.asarray(vectors, np.float32)):
        if all(_cosine(vector, other) < SAME_PHOTO_SCORE for other in kept if other.shape == vector.shape):
            fresh.append(i)
            kept.append(vector)
    return fresh


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))


def _schedule_from_row(row: sqlite3.Row, cancelled: frozenset[date] = frozenset()) -> Schedule:
    try:
        ZoneInfo(row["timezone"])
    except (KeyError, ValueError):
        raise ValueError(f"bad timezone {row['timezone']!r}") from None
    return Schedule(
        class_code=row["class_code"],
        start=time.fromisoformat(row["start_time"]),
        end=time.fromisoformat(row["end_time"]),
        timezone=row["timezone"],
        on_date=date.fromisoformat(row["on_date"]) if row["on_date"] else None,
        weekdays=parse_weekdays(row["weekdays"]) if row["weekdays"] else None,
        id=row["id"],
        cancelled=cancelled,
    )
