"""Pull: central people, embeddings, classes, rosters, schedules and PIN hashes into SQLite.

Everything is fetched first, then applied in ONE local transaction, so an
outage mid-pull changes nothing. The rows are written by the store's own
writers (kiosk/store/writes.py, pins.py), as for a change made at this kiosk. Central wins: a pulled document replaces
the local row. Deletions arrive as tombstones (`deleted: true`); a row is
never deleted because it is merely absent from a reply. Attendance and
sessions are never touched by a pull. A document that does not validate,
or a roster entry naming someone this kiosk does not know, is skipped with
a warning and the rest is applied.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from kiosk.store import writes
from kiosk.store.database import to_iso, utc_now
from kiosk.store.outbox import get_state, set_state
from kiosk.store.pins import delete_pin, write_pin_hash
from kiosk.store.sqlite_store import SqliteStore
from kiosk.sync.central import ADMIN_COLLECTIONS, Central
from kiosk.sync.documents import (
    MalformedDocument, PulledClass, PulledPerson, PulledPin, PulledSchedule, parse_class, parse_person, parse_pin,
    parse_schedule,
)

log = logging.getLogger(__name__)

# Re-read this much before the last cursor: a write stamped just before it
# may commit just after we read. Re-applying a document changes nothing.
OVERLAP = timedelta(seconds=5)
PARSERS = {"people": parse_person, "classes": parse_class, "schedules": parse_schedule, "pins": parse_pin}


@dataclass
class PullResult:
    changed: dict[str, int] = field(default_factory=dict)  # collection -> local rows changed
    warnings: list[str] = field(default_factory=list)

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())


def pull(store: SqliteStore, central: Central, full: bool = False) -> PullResult:
    """One pull; raises CentralUnavailable if the server cannot be read (nothing applied then).

    `full` re-reads every document (after a server restore or a move to another database).
    """
    keys = {name: cursor_key(central, name) for name in ADMIN_COLLECTIONS}
    cursors = {name: None if full else get_state(store, keys[name]) for name in ADMIN_COLLECTIONS}
    docs = _fetch(central, cursors)
    result = PullResult()
    with store.transaction() as conn:
        for name, apply in (("people", _apply_person), ("classes", _apply_class), ("schedules", _apply_schedule),
                            ("pins", _apply_pin)):
            result.changed[name] = _apply_all(conn, name, docs[name], apply, result.warnings)
            newest = _newest(docs[name])
            if newest and (cursors[name] is None or to_iso(newest) > cursors[name]):
                set_state(conn, keys[name], to_iso(newest))
        set_state(conn, "last_pull_at", utc_now())
    for warning in result.warnings:
        log.warning("sync pull: %s", warning)
    if result.total_changed:
        log.info("sync pull applied %s", ", ".join(f"{n} {c}" for n, c in result.changed.items() if c))
    return result


def cursor_key(central: Central, collection: str) -> str:
    """Cursors belong to one central database: another one starts from scratch."""
    return f"pull:{central.db.name}:{collection}"


def _fetch(central: Central, cursors: dict[str, str | None]) -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = {}
    with central.guard("pull failed"):
        for name in ADMIN_COLLECTIONS:
            cursor = cursors[name]
            # A class pulled before its people arrived lost those roster entries; so
            # did a schedule before its class, and a PIN before its person.
            # New parents -> re-read all children.
            parent_changed = (name in ("classes", "pins") and docs["people"]) or (name == "schedules" and docs["classes"])
            query = {} if cursor is None or parent_changed else _since(cursor)
            docs[name] = list(central[name].find(query))
    return docs


def _since(cursor: str) -> dict:
    since = datetime.fromisoformat(cursor) - OVERLAP
    # Documents written by other tools may lack updated_at: always re-read those.
    return {"$or": [{"updated_at": {"$gte": since}}, {"updated_at": {"$exists": False}}]}


def _newest(docs: list[dict]) -> datetime | None:
    stamps = [d["updated_at"] for d in docs if isinstance(d.get("updated_at"), datetime)]
    if not stamps:
        return None
    newest = max(s if s.tzinfo else s.replace(tzinfo=timezone.utc) for s in stamps)
    return newest


def _apply_all(conn: sqlite3.Connection, name: str, docs: list[dict], apply, warnings: list[str]) -> int:
    changed = 0
    for doc in docs:
        try:
            parsed = PARSERS[name](doc)
        except MalformedDocument as err:
            warnings.append(f"malformed {name} document skipped: {err}")
            continue
        changed += apply(conn, parsed, warnings)
    return changed


def _apply_person(conn: sqlite3.Connection, p: PulledPerson, warnings: list[str]) -> int:
    if p.deleted:  # attendance keeps its rows: it has no foreign key to people
        return writes.delete_person(conn, p.id)
    row = conn.execute("SELECT name, role FROM people WHERE id = ?", (p.id,)).fetchone()
    have = sorted((r[0], bytes(r[1]), r[2]) for r in conn.execute(
        "SELECT model, vector, source FROM embeddings WHERE person_id = ?", (p.id,)))
    if row and (row["name"], row["role"]) == (p.name, p.role) and have == sorted(p.embeddings):
        return 0  # unchanged: leave it alone so the gallery is not rebuilt for nothing
    now = utc_now()
    writes.upsert_person(conn, p.id, p.name, p.role, now)
    if have != sorted(p.embeddings):
        writes.replace_embeddings(conn, p.id, p.embeddings, now)
    return 1


def _apply_class(conn: sqlite3.Connection, c: PulledClass, warnings: list[str]) -> int:
    if c.deleted:  # cascades to its roster and schedules; sessions and attendance stay
        return writes.delete_class(conn, c.code)
    known = {r[0] for r in conn.execute("SELECT id FROM people")}
    instructor = c.instructor_id
    if instructor and instructor not in known:
        warnings.append(f"class {c.code}: instructor {instructor!r} is not enrolled on this kiosk; left blank")
        instructor = None
    roster = [p for p in c.roster if p in known]
    for unknown in (p for p in c.roster if p not in known):
        warnings.append(f"class {c.code}: roster names unknown person {unknown!r}; entry skipped")
    row = conn.execute("SELECT name, room, instructor_id FROM classes WHERE code = ?", (c.code,)).fetchone()
    have = writes.roster_ids(conn, c.code)
    if row and tuple(row) == (c.name, c.room, instructor) and have == set(roster):
        return 0
    writes.upsert_class(conn, c.code, c.name, c.room, instructor)
    writes.remove_from_roster(conn, c.code, have - set(roster))
    writes.add_to_roster(conn, c.code, roster)
    return 1


def _apply_schedule(conn: sqlite3.Connection, s: PulledSchedule, warnings: list[str]) -> int:
    if s.deleted:
        return writes.delete_schedule(conn, central_id=s.central_id)
    sch = s.schedule
    if not conn.execute("SELECT 1 FROM classes WHERE code = ?", (sch.class_code,)).fetchone():
        warnings.append(f"schedule {s.central_id}: class {sch.class_code!r} is unknown on this kiosk; skipped")
        return 0
    row = conn.execute(
        "SELECT class_code, start_time, end_time, on_date, weekdays, timezone FROM schedules WHERE central_id = ?",
        (s.central_id,),
    ).fetchone()
    if row and tuple(row) == writes.schedule_values(sch):
        return 0
    if row:
        writes.update_schedule(conn, s.central_id, sch)
    else:
        writes.insert_schedule(conn, sch, central_id=s.central_id)
    return 1


def _apply_pin(conn: sqlite3.Connection, k: PulledPin, warnings: list[str]) -> int:
    if k.deleted:  # a PIN removed centrally stops working at every door
        return delete_pin(conn, k.person_id)
    if not conn.execute("SELECT 1 FROM people WHERE id = ?", (k.person_id,)).fetchone():
        warnings.append(f"pin {k.person_id}: person is not enrolled on this kiosk; skipped")
        return 0
    row = conn.execute("SELECT pin_hash FROM pins WHERE person_id = ?", (k.person_id,)).fetchone()
    if row and row[0] == k.pin_hash:
        return 0
    write_pin_hash(conn, k.person_id, k.pin_hash)
    return 1
