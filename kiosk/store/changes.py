"""The change feed of attendance rows: every insert and update, in order, read from the
tamper-evidence ledger (migration m006), which gets an entry for each in the same
transaction as the write. The staff web view's live pages follow it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.store.database import Database, from_iso


@dataclass(frozen=True)
class AttendanceChange:
    position: int  # where in the feed: pass it back to read what came after
    session_id: str
    class_code: str
    person_id: str
    name: str  # the person's id when they are no longer known
    status: str
    checked_in_at: datetime
    method: str


def feed_position(db: Database) -> int:
    """The feed's end now: changes after it are new."""
    return db.conn.execute("SELECT coalesce(max(id), 0) FROM ledger").fetchone()[0]


def attendance_changes(db: Database, after: int, limit: int = 1000) -> list[AttendanceChange]:
    """Attendance rows written or changed after `after`, oldest first, at most `limit`."""
    rows = db.query(
        "SELECT l.id, a.session_id, a.person_id, a.status, a.checked_in_at, a.method, s.class_code, p.name"
        " FROM ledger l JOIN attendance a ON a.id = l.row_id LEFT JOIN sessions s ON s.id = a.session_id"
        " LEFT JOIN people p ON p.id = a.person_id"
        " WHERE l.id > ? AND l.tbl = 'attendance' AND l.op != 'delete' ORDER BY l.id LIMIT ?", (after, limit))
    return [AttendanceChange(r["id"], r["session_id"], r["class_code"] or "", r["person_id"],
                             r["name"] or r["person_id"], r["status"], from_iso(r["checked_in_at"]), r["method"])
            for r in rows]
