"""The audit trail: every instructor/admin action at a kiosk, who, what, when, where.

Writes take the caller's connection so an action and its audit row commit
(or roll back) together.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kiosk.store.database import Database, from_iso, to_iso


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    kiosk_id: str
    actor_id: str  # '' when nobody is known (a wrong PIN)
    action: str  # pin_ok, pin_wrong, lockout, end_session, start_early, manual_mark, ...
    session_id: str = ""
    target_id: str = ""
    detail: str = ""


def write_audit(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    conn.execute(
        "INSERT INTO audit (at, kiosk_id, actor_id, action, session_id, target_id, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (to_iso(entry.at), entry.kiosk_id, entry.actor_id, entry.action, entry.session_id,
         entry.target_id, entry.detail),
    )


def audit_entries(db: Database, action: str | None = None, limit: int = 1000) -> list[AuditEntry]:
    """Newest first."""
    sql = "SELECT * FROM audit" + (" WHERE action = ?" if action else "") + " ORDER BY id DESC LIMIT ?"
    rows = db.query(sql, ((action,) if action else ()) + (limit,))
    return [AuditEntry(from_iso(r["at"]), r["kiosk_id"], r["actor_id"], r["action"], r["session_id"],
                       r["target_id"], r["detail"]) for r in rows]


# `audit list --kind`: each kind and the actions it covers (an action matches by prefix).
# "spoof" is the spoof_events table: the failed live checks recorded for the instructor.
KINDS: dict[str, tuple[str, ...]] = {
    "pin": ("pin_", "lockout"),
    "enrol": ("enroll",),
    "erase": ("person.erase",),
    "class": ("class_",),
    "roster": ("roster_",),
    "schedule": ("schedule_",),
    "session": ("end_session", "start_early", "manual_mark"),
    "staff": ("staff_",),
    "import": ("roster_import", "enroll_import", "models_import", "oneroster_import"),
    "models": ("models_",),
    "overlay": ("dismiss", "timeout"),
    "door": ("attempt_", "door_ref"),  # door attempts confirmed or ended, door references removed
    "spoof": (),
}


def audit_since(db: Database, since: datetime | None = None, kind: str | None = None) -> list[AuditEntry]:
    """Audit rows, oldest first, from `since` on, of one kind (see KINDS) or all."""
    rows = db.query("SELECT * FROM audit WHERE at >= ? ORDER BY at, id",
                    (to_iso(since) if since else "",))
    prefixes = KINDS.get(kind, ()) if kind else None
    return [AuditEntry(from_iso(r["at"]), r["kiosk_id"], r["actor_id"], r["action"], r["session_id"],
                       r["target_id"], r["detail"]) for r in rows
            if prefixes is None or r["action"].startswith(prefixes)]
