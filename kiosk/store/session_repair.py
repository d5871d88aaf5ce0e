"""Undoing a session's end that a wrong wall clock caused.

A session ended "by schedule" whose window the (now correct) clock is back inside was ended
too early: it is reopened, and the absent rows that end wrote (method 'auto') are removed, in
one transaction with its audit row, so the ledger and `audit list` show what happened.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.database import Database, from_iso


def ended_as_over(db: Database, session_id: str) -> bool:
    """The session was ended by the timetable at or after its end time (not handed over early)."""
    row = db.conn.execute("SELECT state, ended_by, ended_at, ends_at FROM sessions WHERE id = ?",
                          (session_id,)).fetchone()
    return (row is not None and row["state"] == "ended" and row["ended_by"] == "schedule" and row["ended_at"]
            is not None and from_iso(row["ended_at"]) >= from_iso(row["ends_at"]))


def reopen_session(db: Database, session_id: str, kiosk_id: str, now: datetime, why: str) -> int:
    """Make an ended session active again and remove the absent rows its end wrote; returns how many."""
    with db.transaction() as conn:
        ended_at = conn.execute("SELECT ended_at FROM sessions WHERE id = ? AND state = 'ended'",
                                (session_id,)).fetchone()
        if ended_at is None:
            return 0
        removed = conn.execute("DELETE FROM attendance WHERE session_id = ? AND status = 'absent' AND method = 'auto'"
                               " AND checked_in_at = ?", (session_id, ended_at[0])).rowcount
        conn.execute("UPDATE sessions SET state = 'active', ended_at = NULL, ended_by = '' WHERE id = ?",
                     (session_id,))
        write_audit(conn, AuditEntry(now, kiosk_id, "schedule", "session_reopened", session_id,
                                     detail=f"{why}; {removed} absent row(s) removed"))
    return removed


