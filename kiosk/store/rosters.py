"""Changes to classes, rosters and schedules beyond `SqliteStore`'s basics: removing a
class or a schedule, roster edits, and the roster import (planned without writing, so
the local and the central import apply one plan).

Each change is one transaction: a refused input writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.errors import StoreError
from kiosk.model import Schedule, overlaps
from kiosk.store import writes
from kiosk.store.database import Database, utc_now
from kiosk.store.sqlite_store import SqliteStore
from kiosk.store.staff import require_instructor


@dataclass(frozen=True)
class RosterEntry:
    """One row of a roster file: its line (for messages), an id and, if given, a name; or a row
    the reader already refused, with the reason, so the import's report (and its audit row)
    counts every bad row of the file, not only those the import itself refused."""

    line: int
    person_id: str
    name: str = ""
    problem: str = ""


@dataclass
class RosterImport:
    """What an import did: rows added (and of those, people created awaiting enrolment), rows
    already there, each bad row with its reason, and warnings that did not stop a row."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    created: list[str] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def remove_class(db: Database, code: str) -> None:
    """The class, its roster, schedules and cancellations go; past attendance stays for reports."""
    with db.transaction() as conn:
        if writes.delete_class(conn, code) != 1:
            raise StoreError(f"unknown class {code!r}")


def remove_schedule(db: Database, schedule_id: int) -> str:
    with db.transaction() as conn:
        row = conn.execute("SELECT class_code FROM schedules WHERE id = ?", (schedule_id,)).fetchone()
        if row is None:
            raise StoreError(f"unknown schedule {schedule_id}; see 'schedule list'")
        writes.delete_schedule(conn, schedule_id)
    return row[0]


def update_class(db: Database, code: str, name: str, room: str, instructor_id: str | None) -> None:
    """The class's name, room (in its one form) and instructor; its roster and timetable stay."""
    if not name.strip():
        raise StoreError("a class needs a non-empty name")
    with db.transaction() as conn:
        _require_class(conn, code)
        if instructor_id:
            require_instructor(conn, instructor_id)
        writes.upsert_class(conn, code, name.strip(), room, instructor_id)


def schedule_class(db: Database, schedule_id: int) -> str:
    row = db.conn.execute("SELECT class_code FROM schedules WHERE id = ?", (schedule_id,)).fetchone()
    if row is None:
        raise StoreError(f"unknown schedule {schedule_id}; see 'schedule list'")
    return row[0]


def schedule_central_id(db: Database, schedule_id: int) -> str | None:
    """The central database's id of the schedule this row mirrors (None: made only here)."""
    row = db.conn.execute("SELECT central_id FROM schedules WHERE id = ?", (schedule_id,)).fetchone()
    return row[0] if row else None


def add_students(db: Database, code: str, ids: list[str]) -> list[str]:
    """Add enrolled people to a roster; returns the ids that were not on it yet."""
    with db.transaction() as conn:
        _require_class(conn, code)
        known = {r[0] for r in conn.execute("SELECT id FROM people")}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise StoreError(f"unknown person id(s): {', '.join(unknown)}; enrol them, or import them by id "
                             "and name with 'class import-roster' (they await enrolment)")
        return writes.add_to_roster(conn, code, ids)


def remove_students(db: Database, code: str, ids: list[str]) -> None:
    with db.transaction() as conn:
        _require_class(conn, code)
        on = writes.roster_ids(conn, code)
        missing = [i for i in ids if i not in on]
        if missing:
            raise StoreError(f"not on {code}'s roster: {', '.join(missing)}")
        writes.remove_from_roster(conn, code, ids)


def plan_roster_import(entries: list[RosterEntry], people: dict[str, str], on_roster: set[str]) -> RosterImport:
    """What importing `entries` does, decided without writing (the local and the central
    import both apply it). Someone not known yet is created with the row's name as a student
    awaiting enrolment (no face yet: marked by hand until photo day, and their place on the
    roster stays when they are enrolled). A name that differs from the one stored is a
    warning; the stored name is kept. A row the reader refused, a row with an empty id, or a
    new person with no name, is reported and skipped. `people` (id -> name) gains the people
    it creates."""
    report, on = RosterImport(), set(on_roster)
    for entry in entries:
        pid, name = entry.person_id.strip(), entry.name.strip()
        if entry.problem:
            report.bad.append((entry.line, entry.problem))
            continue
        if not pid:
            report.bad.append((entry.line, "empty id"))
            continue
        if pid not in people:
            if not name:
                report.bad.append((entry.line, f"{pid!r} is not known here and the row has no name; "
                                               "add a name column to import them as awaiting enrolment"))
                continue
            people[pid] = name
            report.created.append(pid)
        elif name and name.casefold() != people[pid].casefold():
            report.warnings.append((entry.line, f"name {name!r} differs from {people[pid]!r} stored for "
                                                f"{pid!r}; kept {people[pid]!r}"))
        if pid in on:
            report.already.append(pid)
            continue
        on.add(pid)
        report.added.append(pid)
    return report


def import_roster(db: Database, code: str, entries: list[RosterEntry]) -> RosterImport:
    """Put the listed people on the roster (plan_roster_import), in one transaction."""
    now = utc_now()
    with db.transaction() as conn:
        _require_class(conn, code)
        people = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM people")}
        report = plan_roster_import(entries, people, writes.roster_ids(conn, code))
        for pid in report.created:
            writes.upsert_person(conn, pid, people[pid], "student", now)
        writes.add_to_roster(conn, code, report.added)
    return report


def room_merges(db: Database) -> dict[str, list[str]]:
    """Rooms that were written several ways before rooms took one form (migration m009):
    room -> the spellings that became it."""
    merged: dict[str, list[str]] = {}
    for room, spelling in db.query("SELECT room, spelling FROM room_merges ORDER BY room, spelling"):
        merged.setdefault(room, []).append(spelling)
    return merged


def room_clashes(store: SqliteStore) -> list[tuple[str, Schedule, Schedule]]:
    """Pairs of schedules of one room that meet at overlapping times (the room, both schedules):
    `schedule add` refuses them, but two spellings of a room merged by an upgrade can leave some."""
    rooms = {code: info.room for code, info in store.classes().items() if info.room}
    schedules = [s for s in store.schedules() if s.class_code in rooms]
    return [(rooms[a.class_code], a, b) for i, a in enumerate(schedules) for b in schedules[i + 1:]
            if rooms[a.class_code] == rooms[b.class_code] and a.class_code != b.class_code and overlaps(a, b)]


def _require_class(conn, code: str) -> None:
    if conn.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone() is None:
        raise StoreError(f"unknown class {code!r}; add it with 'class add' first")
