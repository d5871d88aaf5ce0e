"""A session's roll: every roster member, and anyone else with a stored row, with what is
recorded for them (status, time, how, by whom, why), their enrolment and failed live checks.

The one query behind `attendance export`, the web view's pages and its /api/attendance;
kiosk/reports/rows.py turns rolls into export rows. A held session's roll comes from
its rows; a meeting of the timetable not held yet (the caller brings it from the
scheduler's pure functions) lists its roster with no status.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from kiosk.model import CheckIn, Roll, RollLine, SessionInfo, Status, enrolment_state, roll_order
from kiosk.store.database import Database, from_iso, to_iso
from kiosk.store.sessions import SESSION_WITH_CLASS, session_from_row


def held_sessions(db: Database, start: datetime | None = None, end: datetime | None = None,
                  class_code: str | None = None) -> list[SessionInfo]:
    """Sessions held here (active or ended) starting in [start, end), oldest first."""
    sql, params = SESSION_WITH_CLASS + " WHERE 1 = 1", []
    if start is not None:
        sql, params = sql + " AND s.starts_at >= ?", params + [to_iso(start)]
    if end is not None:
        sql, params = sql + " AND s.starts_at < ?", params + [to_iso(end)]
    if class_code is not None:
        sql, params = sql + " AND s.class_code = ?", params + [class_code]
    return [session_from_row(r) for r in db.query(sql + " ORDER BY s.starts_at, s.class_code", tuple(params))]


def session_rolls(db: Database, sessions: list[SessionInfo]) -> list[Roll]:
    """The roll of each session, in the order given. An ended session lists who was on the roster
    when it opened: those who joined later are left out (the end gave everyone on the roster then
    a row, so they joined after it; both times are this machine's, written as they happened), and
    those who have left the roster or whose class was removed since are kept (roster_history)."""
    ids = [s.session_id for s in sessions]
    classes = sorted({s.class_code for s in sessions})
    roster = _grouped(db, "SELECT class_code AS k, person_id, added_at FROM roster WHERE class_code IN ({})", classes)
    left = _grouped(db, "SELECT class_code AS k, person_id, added_at, removed_at FROM roster_history"
                        " WHERE class_code IN ({})", classes)
    rows = _grouped(db, "SELECT session_id AS k, * FROM attendance WHERE session_id IN ({})", ids)
    failed = _grouped(db, "SELECT session_id AS k, person_id, count(*) AS n FROM spoof_events"
                      " WHERE session_id IN ({}) GROUP BY session_id, person_id", ids)
    opened = {r[0]: r[1] for r in db.query_in("SELECT id, activated_at FROM sessions WHERE id IN ({})", ids)}
    everyone = {r["person_id"] for found in (roster, left, rows) for group in found.values() for r in group}
    people = _people(db, sorted(everyone))
    rolls = []
    for session in sessions:
        stored = {r["person_id"]: r for r in rows.get(session.session_id, [])}
        joined_by = opened.get(session.session_id) if session.state == "ended" else None
        members = [r["person_id"] for r in roster.get(session.class_code, []) if _joined(r, joined_by)]
        if joined_by is not None:  # and those on the roster then who have left it since
            members += [r["person_id"] for r in left.get(session.class_code, [])
                        if _joined(r, joined_by) and r["removed_at"] > joined_by]
        counts = {r["person_id"]: r["n"] for r in failed.get(session.session_id, [])}
        lines = [_line(pid, people.get(pid), stored.get(pid), counts.get(pid, 0))
                 for pid in dict.fromkeys(members + list(stored))]
        rolls.append(Roll(session, tuple(sorted(lines, key=roll_order)), counts.get(None, 0)))
    return rolls


def session_roll(db: Database, session_id: str) -> Roll | None:
    """One held session's roll (None if this database never held it)."""
    row = db.conn.execute(SESSION_WITH_CLASS + " WHERE s.id = ?", (session_id,)).fetchone()
    return session_rolls(db, [session_from_row(row)])[0] if row else None


def _joined(roster_row, opened: str | None) -> bool:
    """On the roster by the time the session opened (no time to compare: yes)."""
    return opened is None or roster_row["added_at"] is None or roster_row["added_at"] <= opened


def _line(pid: str, person, row, failed: int) -> RollLine:
    name, enrolment = (person[0], enrolment_state(*person[1:])) if person else ("", "")
    if row is None:
        return RollLine(pid, name, enrolment=enrolment, failed_live_checks=failed)
    return RollLine(pid, name, row["status"], from_iso(row["checked_in_at"]), row["latency_ms"], row["method"],
                    row["made_by"], row["kiosk_id"], row["reason"], enrolment, failed)


def _people(db: Database, ids: list[str]) -> dict[str, tuple[str, str, bool, bool]]:
    """id -> (name, role, has a face enrolled, opted out of face recognition)."""
    return {r[0]: (r[1], r[2], bool(r[3]), bool(r[4])) for r in db.query_in(
        "SELECT p.id, p.name, p.role, EXISTS (SELECT 1 FROM embeddings e WHERE e.person_id = p.id), p.face_opt_out"
        " FROM people p WHERE p.id IN ({})", ids)}


def _grouped(db: Database, sql: str, keys: list[str]) -> dict:
    found: dict = defaultdict(list)
    for row in db.query_in(sql, keys):
        found[row["k"]].append(row)
    return found


def latest_check_ins(db: Database, session_id: str, limit: int) -> tuple[CheckIn, ...]:
    """The session's newest present and late rows, newest first, however they were made (the
    door, a code, a hand mark): what the door's recent list shows, also after a restart."""
    if limit <= 0:
        return ()
    rows = db.query("SELECT a.person_id, p.name, a.status, a.checked_in_at, a.method FROM attendance a"
                    " LEFT JOIN people p ON p.id = a.person_id WHERE a.session_id = ? AND a.status IN"
                    " ('present', 'late') ORDER BY a.checked_in_at DESC, a.id DESC LIMIT ?", (session_id, limit))
    return tuple(CheckIn(Status(r[2]), r[0], r[1] or r[0], session_id, at=from_iso(r[3]), method=r[4] or "face")
                 for r in rows)
