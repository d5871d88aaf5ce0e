"""Admin changes to people, classes, rosters and schedules beyond `SqliteStore`'s basics.

Each change is one transaction: a refused input writes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from kiosk.errors import StoreError
from kiosk.store import writes
from kiosk.store.database import Database, utc_now

ID_COLUMNS = ("id", "person_id", "student_id")


@dataclass
class RosterImport:
    """What an import did: rows added, rows already there, and each bad row with its reason."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def add_staff(db: Database, person_id: str, name: str, role: str = "instructor") -> bool:
    """Add an instructor or admin (no face needed), or promote an existing person; True if new."""
    if role not in ("instructor", "admin"):
        raise StoreError(f"role {role!r} must be instructor or admin")
    if not person_id.strip() or not name.strip():
        raise StoreError("an instructor needs a non-empty id and name")
    now = utc_now()
    with db.transaction() as conn:
        exists = conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone()
        writes.upsert_person(conn, person_id, name.strip(), role, now)
    return exists is None


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


def add_students(db: Database, code: str, ids: list[str]) -> list[str]:
    """Add enrolled people to a roster; returns the ids that were not on it yet."""
    with db.transaction() as conn:
        _require_class(conn, code)
        known = {r[0] for r in conn.execute("SELECT id FROM people")}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise StoreError(f"unknown person id(s): {', '.join(unknown)}; enrol them first")
        return writes.add_to_roster(conn, code, ids)


def remove_students(db: Database, code: str, ids: list[str]) -> None:
    with db.transaction() as conn:
        _require_class(conn, code)
        on = writes.roster_ids(conn, code)
        missing = [i for i in ids if i not in on]
        if missing:
            raise StoreError(f"not on {code}'s roster: {', '.join(missing)}")
        writes.remove_from_roster(conn, code, ids)


def import_roster(db: Database, code: str, text: str) -> RosterImport:
    """Add the CSV's enrolled people to the roster. Bad rows are reported, good rows
    imported together in one transaction. The CSV needs an id column (id, person_id
    or student_id); a name column, if present, must match the enrolled name."""
    report = RosterImport()
    with db.transaction() as conn:
        _require_class(conn, code)
        people = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM people")}
        on = writes.roster_ids(conn, code)
        for line, pid, reason in _rows(text, people):
            if reason:
                report.bad.append((line, reason))
            elif pid in on:
                report.already.append(pid)
            else:
                writes.add_to_roster(conn, code, [pid])
                on.add(pid)
                report.added.append(pid)
    return report


def _rows(text: str, people: dict[str, str]):
    """(line number, person id, reason or '') for each data row of the CSV."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    id_col = next((h for h in ID_COLUMNS if h in header), None)
    if id_col is None:
        raise StoreError(f"roster CSV needs a header with one of: {', '.join(ID_COLUMNS)}")
    reader.fieldnames = header
    for row in reader:
        line = reader.line_num
        if None in row:
            yield line, "", "more cells than the header has columns"
            continue
        pid = (row.get(id_col) or "").strip()
        name = (row.get("name") or "").strip()
        if not pid:
            yield line, "", "empty id"
        elif pid not in people:
            yield line, pid, f"{pid!r} is not enrolled; enrol them first"
        elif name and name.casefold() != people[pid].casefold():
            yield line, pid, f"name {name!r} does not match enrolled {people[pid]!r} for {pid!r}"
        else:
            yield line, pid, ""


def _require_class(conn, code: str) -> None:
    if conn.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone() is None:
        raise StoreError(f"unknown class {code!r}; add it with 'class add' first")
