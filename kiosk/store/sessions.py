"""Session control in the store: ending with absent rows, starting early,
manual marks and reconciliation.

Each action is one transaction together with its audit row, so a failure
leaves nothing half-written.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Collection

from kiosk.errors import StoreError
from kiosk.model import STATUSES, Reconciliation, SessionInfo, absentees, reconcile
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.database import Database, from_iso, to_iso
from kiosk.store.spoof_events import spoof_event_count

MARK_STATUSES = STATUSES  # a mark may say anything a row may
RECENT_ENDED = timedelta(hours=3)  # an ended session stays the overlay's focus this long


@dataclass(frozen=True)
class Actor:
    """Who does something, and where."""

    person_id: str
    kiosk_id: str = ""


# A session with its class's name and room: every SessionInfo read from the store comes from this.
SESSION_WITH_CLASS = ("SELECT s.*, c.name AS class_name, c.room FROM sessions s"
                      " LEFT JOIN classes c ON c.code = s.class_code")


def session_info(db: Database, session_id: str) -> SessionInfo | None:
    """A session held here, with its class's name and room (None if never held here)."""
    return _session_info(db.conn, session_id)


def _session_info(conn: sqlite3.Connection, session_id: str) -> SessionInfo | None:
    row = conn.execute(SESSION_WITH_CLASS + " WHERE s.id = ?", (session_id,)).fetchone()
    return session_from_row(row) if row else None


def session_from_row(row: sqlite3.Row) -> SessionInfo:
    """A row of SESSION_WITH_CLASS as a SessionInfo (a class since removed: its code stands for its name)."""
    return SessionInfo(row["id"], row["class_code"], row["class_name"] or row["class_code"], row["room"] or "",
                       from_iso(row["starts_at"]), from_iso(row["ends_at"]), from_iso(row["opens_at"]),
                       row["state"])


def focus_session(db: Database, now: datetime, class_codes: Collection[str] | None = None) -> SessionInfo | None:
    """The session the instructor means: the active one, else the one that ended last (recently);
    of one of `class_codes` when given (the door's own room)."""
    rows = db.query(
        SESSION_WITH_CLASS + " WHERE s.state = 'active' OR s.ended_at >= ?"
        " ORDER BY s.state = 'active' DESC, s.starts_at DESC", (to_iso(now - RECENT_ENDED),))
    row = next((r for r in rows if class_codes is None or r["class_code"] in class_codes), None)
    return session_from_row(row) if row else None


def started_early_ids(db: Database) -> frozenset[str]:
    return frozenset(r[0] for r in db.query("SELECT id FROM sessions WHERE state = 'active' AND started_by != ''"))


def roster_names(db: Database, class_code: str) -> dict[str, str]:
    """The class's roster: person id -> name."""
    return _roster_names(db.conn, class_code)


def _roster_names(conn: sqlite3.Connection, class_code: str) -> dict[str, str]:
    rows = conn.execute("SELECT p.id, p.name FROM roster r JOIN people p ON p.id = r.person_id"
                        " WHERE r.class_code = ?", (class_code,)).fetchall()
    return {r[0]: r[1] for r in rows}


def session_reconciliation(db: Database, session_id: str) -> Reconciliation:
    info = session_info(db, session_id)
    if info is None:
        raise StoreError(f"unknown session {session_id!r}")
    rows = db.query("SELECT person_id, status FROM attendance WHERE session_id = ?", (session_id,))
    result = reconcile(roster_names(db, info.class_code), [(r[0], r[1]) for r in rows])
    awaiting = sorted((r[0] for r in db.query(
        "SELECT p.name FROM roster r JOIN people p ON p.id = r.person_id WHERE r.class_code = ? AND p.role = 'student'"
        " AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.person_id = p.id)", (info.class_code,))), key=str.casefold)
    return dataclasses.replace(result, failed_live_checks=spoof_event_count(db, session_id),
                               awaiting=tuple(awaiting))


def session_statuses(db: Database, session_id: str) -> dict[str, str]:
    return {r[0]: r[1] for r in db.query("SELECT person_id, status FROM attendance WHERE session_id = ?",
                                         (session_id,))}


def end_session_complete(db: Database, session_id: str, actor: Actor, now: datetime) -> Reconciliation | None:
    """End an active session and give every roster member never seen an 'absent' row.

    None if the session was not active (already ended, or unknown)."""
    with db.transaction() as conn:
        if not _end(conn, session_id, actor, now):
            return None
    return session_reconciliation(db, session_id)


def _end(conn: sqlite3.Connection, session_id: str, actor: Actor, now: datetime) -> bool:
    cur = conn.execute(
        "UPDATE sessions SET state = 'ended', ended_at = ?, ended_by = ? WHERE id = ? AND state = 'active'",
        (to_iso(now), actor.person_id, session_id))
    if cur.rowcount != 1:
        return False
    code = conn.execute("SELECT class_code FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
    seen = [r[0] for r in conn.execute("SELECT person_id FROM attendance WHERE session_id = ?", (session_id,))]
    missing = absentees(_roster_names(conn, code), seen)
    conn.executemany(
        "INSERT OR IGNORE INTO attendance (session_id, person_id, status, checked_in_at, method, kiosk_id, made_by)"
        " VALUES (?, ?, 'absent', ?, 'auto', ?, ?)",
        [(session_id, pid, to_iso(now), actor.kiosk_id, actor.person_id) for pid in missing])
    write_audit(conn, AuditEntry(now, actor.kiosk_id, actor.person_id, "end_session", session_id,
                                 detail=f"{len(missing)} absent"))
    return True


def start_early(db: Database, meeting: SessionInfo, actor: Actor, now: datetime,
                class_codes: Collection[str] | None = None) -> list[str]:
    """Open `meeting` now, ending whichever session of `class_codes` (the door's room; None: any)
    is active; returns the ids it ended."""
    with db.transaction() as conn:
        state = conn.execute("SELECT state FROM sessions WHERE id = ?", (meeting.session_id,)).fetchone()
        if state is not None:
            raise StoreError(f"{meeting.class_code} at {meeting.starts_at:%H:%M} is already {state[0]}")
        active = [r[0] for r in conn.execute("SELECT id, class_code FROM sessions WHERE state = 'active'")
                  if class_codes is None or r[1] in class_codes]
        ended = [sid for sid in active if _end(conn, sid, actor, now)]
        conn.execute(
            "INSERT INTO sessions (id, class_code, starts_at, ends_at, opens_at, state, activated_at, started_by,"
            " opened_by) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)",
            (meeting.session_id, meeting.class_code, to_iso(meeting.starts_at), to_iso(meeting.ends_at),
             to_iso(min(now, meeting.opens_at)), to_iso(now), actor.person_id, actor.kiosk_id))
        write_audit(conn, AuditEntry(now, actor.kiosk_id, actor.person_id, "start_early", meeting.session_id,
                                     detail=f"scheduled {to_iso(meeting.starts_at)}"))
    return ended


def hold_for_register(db: Database, meeting: SessionInfo, actor: Actor, now: datetime) -> SessionInfo:
    """The meeting as a held session, for a register kept without its kiosk (none in the room,
    or the door's kiosk was off): opened as it stands at `now`, active until its end, or already
    ended (with no one marked: each mark is made by hand). A session held already is returned
    as it is. Register sessions whose end has passed are ended first (a kiosk would have ended
    them; without one, nobody else does)."""
    with db.transaction() as conn:
        _end_past_register_sessions(conn, now)
        held = _session_info(conn, meeting.session_id)
        if held is not None:
            return held
        ended = now >= meeting.ends_at
        conn.execute(
            "INSERT INTO sessions (id, class_code, starts_at, ends_at, opens_at, state, activated_at, ended_at,"
            " ended_by, opened_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'register')",
            (meeting.session_id, meeting.class_code, to_iso(meeting.starts_at), to_iso(meeting.ends_at),
             to_iso(meeting.opens_at), "ended" if ended else "active", to_iso(now),
             to_iso(meeting.ends_at) if ended else None, "register" if ended else ""))
        write_audit(conn, AuditEntry(now, actor.kiosk_id, actor.person_id, "register_open", meeting.session_id,
                                     detail="ended" if ended else "active"))
        return _session_info(conn, meeting.session_id)


def _end_past_register_sessions(conn: sqlite3.Connection, now: datetime) -> None:
    conn.execute("UPDATE sessions SET state = 'ended', ended_at = ends_at, ended_by = 'register'"
                 " WHERE state = 'active' AND opened_by = 'register' AND ends_at <= ?", (to_iso(now),))


def mark_manual(db: Database, session_id: str, person_id: str, status: str, actor: Actor, now: datetime,
                reason: str = "", method: str = "manual") -> str | None:
    """Mark one roster member by hand (or by their check-in code: method 'code'); returns the
    status it replaced (None if there was no row). The reason (an excused absence, say) is kept
    with the row and in the audit row, both chained in the ledger."""
    if status not in MARK_STATUSES:
        raise StoreError(f"status {status!r} must be one of {', '.join(MARK_STATUSES)}")
    with db.transaction() as conn:
        info = _session_info(conn, session_id)
        if info is None:
            raise StoreError(f"unknown session {session_id!r}")
        if conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise StoreError(f"unknown student {person_id!r}")
        if person_id not in _roster_names(conn, info.class_code):
            raise StoreError(f"{person_id!r} is not on {info.class_code}'s list")
        old = conn.execute("SELECT status FROM attendance WHERE session_id = ? AND person_id = ?",
                           (session_id, person_id)).fetchone()
        if old is None:
            conn.execute(
                "INSERT INTO attendance (session_id, person_id, status, checked_in_at, method, kiosk_id, made_by,"
                " reason, marked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, person_id, status, to_iso(now), method, actor.kiosk_id, actor.person_id, reason,
                 to_iso(now)))
        else:  # a check-in time stays; one that never came (absent, excused) becomes the mark's
            conn.execute(
                "UPDATE attendance SET status = ?, method = ?, made_by = ?, kiosk_id = ?, reason = ?, marked_at = ?,"
                " checked_in_at = CASE WHEN status IN ('absent', 'excused') THEN ? ELSE checked_in_at END"
                " WHERE session_id = ? AND person_id = ?",
                (status, method, actor.person_id, actor.kiosk_id, reason, to_iso(now), to_iso(now), session_id,
                 person_id))
        write_audit(conn, AuditEntry(now, actor.kiosk_id, actor.person_id, "manual_mark", session_id, person_id,
                                     f"{old[0] if old else 'none'} -> {status}" + (f": {reason}" if reason else "")))
    return old[0] if old else None


def mark_reason(audit_detail: str) -> str:
    """The reason in a manual_mark audit row, as mark_manual writes it:
    'absent -> late: web: bus' -> 'web: bus' (a mark with no reason has none)."""
    return audit_detail.split(": ", 1)[1] if ": " in audit_detail else ""
