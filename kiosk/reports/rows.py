"""The export rows: every roster member of each session, with a status.

The columns are EXPORT_COLUMNS; `attendance export` writes them, the web view's
/api/attendance gives them as JSON, and the central database's source builds the
same rows from its collections (kiosk/web/mongo_source.py).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from kiosk.errors import UsageError
from kiosk.store.database import Database, from_iso
from kiosk.store.sqlite_store import SqliteStore

EXPORT_COLUMNS = ["person_id", "name", "class", "session_start", "status", "checked_in_at", "latency_ms",
                  "method", "made_by", "enrolment"]
STATUSES = ("present", "late", "absent")
NOT_YET = "not yet"  # on the roster of a session still running, and not seen so far
AWAITING = "awaiting enrolment"  # on a roster, with no face enrolled yet (marked by hand until then)
ENROLLED = "enrolled"

# The stored rows, and a running session's roster members with no row yet ("not yet").
_ROWS_SQL = (
    "SELECT a.person_id, p.name, s.class_code, s.starts_at, a.status, a.checked_in_at, a.latency_ms, a.method,"
    " a.made_by FROM attendance a JOIN sessions s ON s.id = a.session_id LEFT JOIN people p ON p.id = a.person_id"
    " WHERE 1 = 1{where} UNION ALL "
    "SELECT r.person_id, p.name, s.class_code, s.starts_at, ?, NULL, NULL, '', '' FROM sessions s"
    " JOIN roster r ON r.class_code = s.class_code JOIN people p ON p.id = r.person_id WHERE s.state = 'active'"
    " AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND a.person_id = r.person_id){where}")


def export_rows(db: SqliteStore, day: date | None, class_code: str | None, tz: ZoneInfo) -> list[list]:
    """Every roster member of each session, with a status: the stored rows (present, late,
    absent), and during a session that is still running, everyone not seen yet ("not yet").
    `day` (a local date in `tz`) and `class_code` narrow it; an unknown class is a UsageError."""
    if class_code:
        require_known_class(db, class_code)
    where, params = (" AND s.class_code = ?", (class_code,)) if class_code else ("", ())
    rows = db.query(_ROWS_SQL.format(where=where), params + (NOT_YET,) + params)
    faces = _enrolment_states(db)
    out = []
    for r in rows:
        start = from_iso(r["starts_at"]).astimezone(tz)
        if day and start.date() != day:
            continue
        seen = r["status"] in ("present", "late")  # absent and not yet: never checked in
        out.append([r["person_id"], r["name"] or "", r["class_code"], start.isoformat(timespec="seconds"),
                    r["status"], _local(r["checked_in_at"], tz) if seen else "",
                    "" if r["latency_ms"] is None else r["latency_ms"], r["method"], r["made_by"],
                    faces.get(r["person_id"], "")])
    return sorted(out, key=export_order)


def export_order(row: list) -> tuple:
    """Session by session; in each, check-ins in time order, then everyone not checked in by name."""
    return row[3], row[2], not row[5], row[5], row[1].casefold(), row[0]


def enrolment_state(role: str, has_face: bool) -> str:
    """The export's `enrolment` column: a face enrolled, a student still awaiting one, or '' (staff)."""
    if has_face:
        return ENROLLED
    return AWAITING if role == "student" else ""


def require_known_class(db: SqliteStore, code: str) -> None:
    """A class that exists, or has history (a removed class keeps its sessions)."""
    if db.class_record(code) is None and db.conn.execute(
            "SELECT 1 FROM sessions WHERE class_code = ?", (code,)).fetchone() is None:
        known = ", ".join(sorted(db.classes())) or "none yet"
        raise UsageError(f"unknown class {code!r}; known classes: {known} (see 'class list')")


def _enrolment_states(db: Database) -> dict[str, str]:
    return {r[0]: enrolment_state(r[1], bool(r[2])) for r in db.query(
        "SELECT p.id, p.role, EXISTS (SELECT 1 FROM embeddings e WHERE e.person_id = p.id) FROM people p")}


def _local(text: str, tz: ZoneInfo) -> str:
    return from_iso(text).astimezone(tz).isoformat(timespec="seconds")
