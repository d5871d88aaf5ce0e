"""The export rows: every roster member of each session, with a status.

`export_rows` turns session rolls (kiosk/store/roll.py reads them from SQLite, the web
view's central source builds them from MongoDB documents) into the rows of
EXPORT_COLUMNS: what `attendance export` writes and the web view's /api/attendance
and downloads give. One pure function, so every door and the central view agree.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.errors import UsageError
from kiosk.model import Roll, RollLine, SessionInfo
from kiosk.store.roll import held_sessions, session_rolls
from kiosk.store.sqlite_store import SqliteStore

EXPORT_COLUMNS = ["person_id", "name", "class", "session_start", "status", "checked_in_at", "latency_ms",
                  "method", "made_by", "reason", "enrolment"]
NOT_YET = "not yet"  # on the roster of a session still running, and not seen so far
NOT_MARKED = "not marked"  # on the roster of a session that ended with no row for them (a register kept by hand)


def unmarked(state: str) -> str:
    """What a roster member with no row is in a session of this state: "not yet" while it may
    still mark them, "not marked" once it ended (the pages say it as the export does)."""
    return NOT_MARKED if state == "ended" else NOT_YET


def export_rows(rolls: list[Roll], tz: ZoneInfo) -> list[list]:
    """Every roster member of each held session: their stored row (present, late, absent,
    excused), or with none, "not yet" while the session runs and "not marked" once it has
    ended. A meeting not held (no session) has no rows. Sorted by export_order."""
    out = []
    for roll in rolls:
        if roll.session.state not in ("active", "ended"):
            continue
        missing = unmarked(roll.session.state)
        start = roll.session.starts_at.astimezone(tz).isoformat(timespec="seconds")
        for line in roll.lines:
            seen = arrival(line, roll.session)
            out.append([line.person_id, line.name, roll.session.class_code, start, line.status or missing,
                        seen.astimezone(tz).isoformat(timespec="seconds") if seen else "",
                        "" if line.latency_ms is None or seen is None else line.latency_ms, line.method,
                        line.made_by, line.reason, line.enrolment])
    return sorted(out, key=export_order)


def arrival(line: RollLine, session: SessionInfo) -> datetime | None:
    """When they arrived, as far as the register knows: the time of a check-in, or of a hand mark
    made while the session ran. A mark made after it ended (the register kept later) says they
    came, not when; an absence has no time, and neither carries the door's latency of a check-in
    it overrode."""
    seen = line.seen_at
    return seen if seen is not None and seen <= session.ends_at else None


def export_order(row: list) -> tuple:
    """Session by session; in each, check-ins in time order, then everyone not checked in by name."""
    return row[3], row[2], not row[5], row[5], row[1].casefold(), row[0]


def stored_export_rows(store: SqliteStore, day: date | None, class_code: str | None, tz: ZoneInfo) -> list[list]:
    """The export rows of this database's sessions: on one local date in `tz`, of one class
    (an unknown class is a UsageError), or all of them."""
    if class_code:
        require_known_class(store, class_code)
    start, end = day_bounds(day, tz) if day else (None, None)
    return export_rows(session_rolls(store, held_sessions(store, start, end, class_code or None)), tz)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A local date's first instant and the next date's (23 or 25 hours apart when clocks change)."""
    start = datetime.combine(day, time(0), tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tz)


def require_known_class(store: SqliteStore, code: str) -> None:
    """A class that exists, or has history (a removed class keeps its sessions)."""
    if not store.class_known(code):
        known = ", ".join(sorted(store.classes())) or "none yet"
        raise UsageError(f"unknown class {code!r}; known classes: {known} (see 'class list')")
