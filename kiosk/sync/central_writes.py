"""The admin path: people, classes, schedules (and PINs) written to the central database.

When mongo.uri is set the admin CLI commands call `write_through`: the
change is written centrally first (checked against the central data, so
one school manages every door from one place), then pulled into this
machine's SQLite, so the local store stays consistent with what every
kiosk will pull within one sync interval.

Every write stamps `updated_at` with the server's clock ($currentDate)
and deletions are tombstones (`deleted: true`), which is what kiosks pull.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta
from typing import Callable, TypeVar

import numpy as np

from kiosk.config import Config
from kiosk.errors import AlreadyHeld, StoreError
from kiosk.model import ClassInfo, Schedule, meeting, overlaps, room_name
from kiosk.store.pins import PIN_ROLES
from kiosk.store.rosters import RosterEntry, RosterImport, plan_roster_import
from kiosk.store.sqlite_store import ROLES, Person, SqliteStore, unseen_rows
from kiosk.store.staff import instructor_problem, last_admin_problem, staff_add_problem
from kiosk.sync.central import Central
from kiosk.sync.documents import MalformedDocument, class_fields, parse_schedule, person_fields, schedule_fields
from kiosk.sync.pull import pull

log = logging.getLogger(__name__)
T = TypeVar("T")
LIVE = {"deleted": {"$ne": True}}


def write_through(cfg: Config, action: Callable[[Central], T]) -> T:
    """Run one central write, then pull it into the local store."""
    central = Central.open(cfg.mongo)
    try:
        result = action(central)
        store = SqliteStore.in_dir(cfg.data_dir)
        try:
            for warning in pull(store, central).warnings:
                log.warning("%s", warning)
        finally:
            store.close()
        return result
    finally:
        central.close()


def central_or_local(cfg: Config, central_action: Callable[[Central], T], local_action: Callable[[SqliteStore], T]) -> T:
    """What the admin CLI calls: central first (then pulled) when mongo.uri is set, else local only."""
    if cfg.mongo.uri:
        return write_through(cfg, central_action)
    store = SqliteStore.in_dir(cfg.data_dir)
    try:
        return local_action(store)
    finally:
        store.close()


def _stamp(central: Central, collection: str, key: str, fields: dict) -> None:
    with central.guard(f"cannot write {collection} {key!r} centrally"):
        central[collection].update_one(
            {"_id": key}, {"$set": fields, "$currentDate": {"updated_at": True}}, upsert=True)


def _live(central: Central, collection: str, key: str) -> dict | None:
    with central.guard(f"cannot read {collection} centrally"):
        return central[collection].find_one({"_id": key, **LIVE})


# -- people -----------------------------------------------------------------------

def enroll_person(central: Central, person: Person, model: str, vectors: np.ndarray, sources: list[str],
                  replace: bool = False, others: dict[str, np.ndarray] | None = None) -> None:
    """As SqliteStore.add_person, centrally: `others` are the same photos under other models, and a
    re-enrolment drops the vectors of every model (they came from the old photos)."""
    if person.role not in ROLES:
        raise StoreError(f"role {person.role!r} must be one of {', '.join(ROLES)}")
    if not person.name.strip() or not person.id.strip():
        raise StoreError("a person needs a non-empty id and name")
    existing = _live(central, "people", person.id)
    awaiting = existing and existing.get("role") == "student" and not existing.get("embeddings")
    if existing and not replace and not awaiting:  # a student with no face yet is awaiting enrolment
        raise StoreError(f"person {person.id!r} is already enrolled centrally; use --replace to re-enrol")
    fields = person_fields(person.name.strip(), person.role, model, vectors, sources)
    for other, rows in (others or {}).items():
        fields["embeddings"] += person_fields("", "", other, rows, sources)["embeddings"]
    _stamp(central, "people", person.id, fields)


def extend_person(central: Central, person_id: str, model: str, vectors: np.ndarray, sources: list[str]) -> int:
    """Add photos to a centrally enrolled person, skipping a face already stored; returns how many."""
    existing = _live(central, "people", person_id)
    if existing is None:
        raise StoreError(f"unknown person {person_id!r}; enrol them first")
    rows = [e for e in existing.get("embeddings") or [] if isinstance(e, dict)]
    stored = [np.frombuffer(bytes(e["vector"]), np.float32) for e in rows
              if e.get("model") == model and isinstance(e.get("vector"), bytes)]
    fresh = unseen_rows(stored, vectors)
    if fresh:
        added = person_fields("", "", model, vectors[fresh], [sources[i] for i in fresh])["embeddings"]
        _stamp(central, "people", person_id, {"embeddings": rows + added})
    return len(fresh)


def set_door_references(central: Central, person_id: str, model: str, add: tuple[np.ndarray, str] | None,
                        drop: list[str]) -> None:
    """A person's door references for one model (kiosk/enrolment/door.py): `add` (vector, source) joins
    their embeddings, the door references whose sources are in `drop` leave; enrolment vectors stay."""
    existing = _live(central, "people", person_id)
    if existing is None:
        raise StoreError(f"unknown person {person_id!r}")
    rows = [e for e in existing.get("embeddings") or [] if isinstance(e, dict)
            and not (e.get("model") == model and e.get("source") in drop)]
    if add is not None:
        rows += person_fields("", "", model, np.asarray([add[0]], np.float32), [add[1]])["embeddings"]
    _stamp(central, "people", person_id, {"embeddings": rows})


def add_person(central: Central, person: Person) -> bool:
    """As kiosk/store/staff.py add_person, against the central people: anyone else under the id is refused."""
    if person.role not in ROLES:
        raise StoreError(f"role {person.role!r} must be one of {', '.join(ROLES)}")
    return _add_once(central, person.id, person.name, person.role)


def add_staff(central: Central, person_id: str, name: str, role: str) -> bool:
    """As kiosk/store/staff.py add_staff, against the central people: anyone else under the id is refused."""
    return _add_once(central, person_id, name, role)


def _add_once(central: Central, person_id: str, name: str, role: str) -> bool:
    existing = _live(central, "people", person_id)
    if existing is not None:
        problem = staff_add_problem(person_id, existing.get("name", ""), existing.get("role", ""), name, role)
        if problem:
            raise StoreError(problem)
        return False
    _stamp(central, "people", person_id, {"name": name.strip(), "role": role, "deleted": False, "embeddings": []})
    return True


def rename_person(central: Central, person_id: str, name: str) -> None:
    if _live(central, "people", person_id) is None:
        raise StoreError(f"unknown person {person_id!r}")
    _stamp(central, "people", person_id, {"name": name.strip()})


def set_role(central: Central, person_id: str, role: str) -> None:
    if _live(central, "people", person_id) is None:
        raise StoreError(f"unknown person {person_id!r}")
    if role != "admin":
        _refuse_last_admin(central, person_id)
    _stamp(central, "people", person_id, {"role": role})
    if role not in PIN_ROLES and _live(central, "pins", person_id):
        remove_pin(central, person_id)


def remove_staff(central: Central, person_id: str) -> str:
    """Take the staff role and PIN away: someone with a face stays a student, someone without goes.
    Their classes keep no instructor. Returns what was done."""
    person = _live(central, "people", person_id)
    if person is None or person.get("role") not in PIN_ROLES:
        raise StoreError(f"{person_id!r} is not a staff member; see 'staff list'")
    _refuse_last_admin(central, person_id)
    if _live(central, "pins", person_id):
        remove_pin(central, person_id)
    with central.guard("cannot update the classes centrally"):
        codes = [d["_id"] for d in central["classes"].find({"instructor_id": person_id, **LIVE}, {"_id": 1})]
    for code in codes:
        _stamp(central, "classes", code, {"instructor_id": None})
    if person.get("embeddings"):
        _stamp(central, "people", person_id, {"role": "student"})
        return "they stay enrolled as a student"
    _stamp(central, "people", person_id, {"deleted": True})
    return "they had no face enrolled, so they are removed"


def _refuse_last_admin(central: Central, person_id: str) -> None:
    with central.guard("cannot read people centrally"):
        admins = [d["_id"] for d in central["people"].find({"role": "admin", **LIVE}, {"_id": 1})]
    if admins == [person_id]:
        raise StoreError(last_admin_problem(person_id))


def erase_person(central: Central, person_id: str) -> None:
    """A tombstone on the person (kiosks drop them at their next pull) and their central rows."""
    delete_person(central, person_id)
    with central.guard("cannot erase the person's central attendance"):
        central["attendance"].delete_many({"person_id": person_id})


def delete_person(central: Central, person_id: str) -> None:
    _stamp(central, "people", person_id, {"deleted": True, "embeddings": []})
    if _live(central, "pins", person_id):
        remove_pin(central, person_id)
    with central.guard("cannot erase the person's OneRoster link centrally"):  # their sourcedId and school number
        central["oneroster"].update_many({"kind": "user", "person_id": person_id},
                                         {"$set": {"deleted": True}, "$currentDate": {"updated_at": True}})


def set_pin_hash(central: Central, person_id: str, pin_hash: str) -> None:
    """Store an instructor's or admin's salted PIN hash (never the PIN) in `pins`; every kiosk pulls it."""
    person = _live(central, "people", person_id)
    if person is None:
        raise StoreError(f"unknown person {person_id!r}; enrol them centrally first")
    if person.get("role") not in PIN_ROLES:
        raise StoreError(f"{person_id!r} is a {person.get('role')}; only instructors and admins have PINs")
    _stamp(central, "pins", person_id, {"pin_hash": pin_hash, "deleted": False})


def remove_pin(central: Central, person_id: str) -> None:
    """A tombstone: kiosks delete their copy of the hash on the next pull."""
    _stamp(central, "pins", person_id, {"pin_hash": None, "deleted": True})


def set_code_hash(central: Central, person_id: str, code_hash: str) -> None:
    """A student's check-in code, as its hash only; every kiosk pulls it."""
    if _live(central, "people", person_id) is None:
        raise StoreError(f"unknown person {person_id!r}; add them centrally first")
    _stamp(central, "codes", person_id, {"code_hash": code_hash, "deleted": False})


def remove_code(central: Central, person_id: str) -> None:
    _stamp(central, "codes", person_id, {"code_hash": None, "deleted": True})


def set_face_opt_out(central: Central, person_id: str, opted_out: bool) -> int:
    """Opt a person out of face recognition everywhere (embeddings go) or back in; returns how many went."""
    person = _live(central, "people", person_id)
    if person is None:
        raise StoreError(f"unknown person {person_id!r}")
    fields: dict = {"face_opt_out": opted_out}
    if opted_out:
        fields["embeddings"] = []
    _stamp(central, "people", person_id, fields)
    return len(person.get("embeddings") or []) if opted_out else 0


# -- classes and rosters ------------------------------------------------------------

def add_class(central: Central, code: str, name: str, student_ids: list[str], room: str = "",
              instructor_id: str | None = None) -> None:
    if not code.strip() or not name.strip():
        raise StoreError("a class needs a non-empty code and name")
    _require_people(central, student_ids)
    if instructor_id:
        _require_instructor(central, instructor_id)
    if _live(central, "classes", code):
        raise StoreError(f"class {code!r} already exists centrally")
    _stamp(central, "classes", code, class_fields(name.strip(), room, instructor_id, student_ids))


def update_class(central: Central, code: str, name: str, room: str, instructor_id: str | None) -> None:
    if not _live(central, "classes", code):
        raise StoreError(f"unknown class {code!r}")
    if instructor_id:
        _require_instructor(central, instructor_id)
    _stamp(central, "classes", code, {"name": name.strip(), "room": room_name(room), "instructor_id": instructor_id})


def change_roster(central: Central, code: str, add: list[str] = (), remove: list[str] = ()) -> list[str]:
    """Add and remove roster members; returns those added who were not on it yet."""
    record = _live(central, "classes", code)
    if record is None:
        raise StoreError(f"unknown class {code!r}")
    _require_people(central, list(add))
    roster = list(record.get("roster") or [])
    missing = [pid for pid in remove if pid not in roster]
    if missing:
        raise StoreError(f"not on {code}'s roster: {', '.join(missing)}")
    new = [pid for pid in add if pid not in roster]
    _stamp(central, "classes", code, {"roster": [p for p in roster if p not in remove] + new})
    return new


def set_roster(central: Central, code: str, student_ids: list[str]) -> None:
    if not _live(central, "classes", code):
        raise StoreError(f"unknown class {code!r}")
    _require_people(central, student_ids)
    _stamp(central, "classes", code, {"roster": list(dict.fromkeys(student_ids))})


def import_roster(central: Central, code: str, entries: list[RosterEntry]) -> RosterImport:
    """The roster import (store/rosters.plan_roster_import) against the central database:
    new people are created there awaiting enrolment (no embeddings), then the roster is set."""
    record = _live(central, "classes", code)
    if record is None:
        raise StoreError(f"unknown class {code!r}; add it with 'class add' first")
    with central.guard("cannot read people centrally"):
        people = {d["_id"]: d.get("name") or d["_id"] for d in central["people"].find(LIVE, {"_id": 1, "name": 1})}
    roster = list(record.get("roster") or [])
    report = plan_roster_import(entries, people, set(roster))
    for pid in report.created:
        _stamp(central, "people", pid, person_fields(people[pid], "student", "", np.zeros((0, 0)), []))
    if report.added:
        _stamp(central, "classes", code, {"roster": roster + report.added})
    return report


def delete_class(central: Central, code: str) -> None:
    _stamp(central, "classes", code, {"deleted": True, "roster": []})
    with central.guard("cannot delete the class's schedules centrally"):
        ids = [d["_id"] for d in central["schedules"].find({"class_code": code, **LIVE}, {"_id": 1})]
    for sid in ids:
        delete_schedule(central, sid)


def _require_people(central: Central, ids: list[str]) -> None:
    with central.guard("cannot read people centrally"):
        known = {d["_id"] for d in central["people"].find({"_id": {"$in": ids}, **LIVE}, {"_id": 1})}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise StoreError(f"unknown person id(s): {', '.join(unknown)}; enrol them first")


def _require_instructor(central: Central, instructor_id: str) -> None:
    person = _live(central, "people", instructor_id)
    problem = instructor_problem(instructor_id, person.get("role", "") if person else None)
    if problem:
        raise StoreError(problem)


# -- schedules ---------------------------------------------------------------------

def add_schedule(central: Central, schedule: Schedule) -> str:
    """Check it against the central timetable (same room, no overlap) and store it; returns its id."""
    from bson import ObjectId

    if schedule.end <= schedule.start:
        raise StoreError(f"schedule end {schedule.end:%H:%M} must be after its start {schedule.start:%H:%M}")
    record = _live(central, "classes", schedule.class_code)
    if record is None:
        raise StoreError(f"unknown class {schedule.class_code!r}; add it with 'class add' first")
    for sid, other in _room_schedules(central, record.get("room") or ""):
        if overlaps(schedule, other):
            raise StoreError(f"overlaps schedule {sid} of {other.class_code} "
                             f"({other.start:%H:%M}-{other.end:%H:%M}) in the same room")
    sid = str(ObjectId())
    _stamp(central, "schedules", sid, schedule_fields(schedule))
    return sid


def delete_schedule(central: Central, schedule_id: str) -> None:
    _stamp(central, "schedules", schedule_id, {"deleted": True})


def cancel_dates(central: Central, class_code: str, days: list[date], cancel: bool = True,
                 schedule_id: str | None = None) -> int:
    """Cancel (or restore) the class's meetings on these local dates, on each of its schedules
    that meets then (or on schedule `schedule_id` alone); returns how many meetings changed.
    AlreadyHeld, with nothing written, for a meeting a door has held. Every door pulls the dates."""
    with central.guard("cannot read schedules centrally"):
        docs = list(central["schedules"].find({"class_code": class_code, **LIVE,
                                               **({"_id": schedule_id} if schedule_id else {})}))
    changes = []
    for doc in docs:
        schedule = parse_schedule(doc).schedule
        wanted = [d for d in days if (d not in schedule.cancelled) == cancel
                  and replace(schedule, cancelled=frozenset()).meets_on(d)]
        if wanted:
            changes.append((doc, schedule, wanted))
    if cancel:
        _refuse_held(central, [(schedule, d) for _, schedule, wanted in changes for d in wanted])
    for doc, _, wanted in changes:
        have, dates = set(doc.get("cancelled") or []), {d.isoformat() for d in wanted}
        _stamp(central, "schedules", doc["_id"], {"cancelled": sorted(have | dates if cancel else have - dates)})
    return sum(len(wanted) for _, _, wanted in changes)


def _refuse_held(central: Central, meetings: list[tuple[Schedule, date]]) -> None:
    """AlreadyHeld for the first of these meetings whose session a door has pushed."""
    found = {m.session_id: m for m in (meeting(s, d, ClassInfo(s.class_code, ""), timedelta(0)) for s, d in meetings)}
    if not found:
        return
    with central.guard("cannot read sessions centrally"):
        held = central["sessions"].find_one({"_id": {"$in": sorted(found)}}, {"_id": 1})
    if held is not None:
        raise AlreadyHeld(found[held["_id"]].class_code, found[held["_id"]].starts_at)


def _room_schedules(central: Central, room: str) -> list[tuple[str, Schedule]]:
    with central.guard("cannot read schedules centrally"):
        codes = [d["_id"] for d in central["classes"].find({"room": room, **LIVE}, {"_id": 1})]
        docs = list(central["schedules"].find({"class_code": {"$in": codes}, **LIVE}))
    found = []
    for doc in docs:
        try:
            parsed = parse_schedule(doc)
        except MalformedDocument as err:
            log.warning("overlap check skips %s", err)
            continue
        found.append((parsed.central_id, parsed.schedule))
    return found
