"""OneRoster imports in the local database: what the kiosk holds (people, classes, rosters and
the sourcedIds they came from) as value types, and one plan of changes applied in ONE
transaction. The plan is made by kiosk/interchange/plan.py from the bundle and these holdings;
the same plan is applied to the central database by kiosk/interchange/central.py.

The links (migration m011) map each imported record's sourcedId to the kiosk's id: the
person id, the class code, and the enrollments the kiosk acted on. Exports read them back
(`interchange_ids`), and the sync pull copies the central ones here (`apply_pulled_link`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Callable, TypeVar

from kiosk.store import writes
from kiosk.store.database import Database, utc_now
from kiosk.store.sqlite_store import Person

P = TypeVar("P")


@dataclass(frozen=True)
class UserLink:
    sourced_id: str
    person_id: str
    identifier: str = ""  # the school's own number for the person, shown beside them
    active: bool = True  # False: removed by the school system (the person and their history stay)


@dataclass(frozen=True)
class ClassLink:
    sourced_id: str
    class_code: str
    active: bool = True  # False: the class was removed; its past sessions still export under the sourcedId


@dataclass(frozen=True)
class EnrollmentLink:
    sourced_id: str
    class_sourced_id: str
    user_sourced_id: str
    role: str  # student (on the roster) | teacher (the instructor when primary)
    primary: bool = False


@dataclass(frozen=True)
class HeldClass:
    code: str
    name: str
    room: str
    instructor_id: str | None
    roster: tuple[str, ...] = ()  # in the order people joined


@dataclass
class Holdings:
    """What the kiosk (or the central database) holds before an import."""

    people: dict[str, Person] = field(default_factory=dict)
    classes: dict[str, HeldClass] = field(default_factory=dict)
    users: dict[str, UserLink] = field(default_factory=dict)  # by sourcedId
    class_links: dict[str, ClassLink] = field(default_factory=dict)  # by sourcedId
    enrollments: dict[str, EnrollmentLink] = field(default_factory=dict)  # by sourcedId


@dataclass
class Changes:
    """The writes of one import: people and classes to insert or update (a class with its whole
    roster as it should be), classes to remove, and the links to write or drop."""

    people: list[Person] = field(default_factory=list)
    new_people: set[str] = field(default_factory=set)  # of `people`, those not held before
    classes: list[HeldClass] = field(default_factory=list)
    removed_classes: list[str] = field(default_factory=list)
    users: list[UserLink] = field(default_factory=list)
    class_links: list[ClassLink] = field(default_factory=list)
    enrollments: list[EnrollmentLink] = field(default_factory=list)
    dropped_enrollments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InterchangeIds:
    """The OneRoster ids exports key their rows by: person id -> (sourcedId, identifier), and
    class code -> sourcedId. A person or class never imported is not in them."""

    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)


def import_oneroster(db: Database, planner: Callable[[Holdings], P]) -> P:
    """Read the holdings, plan with them and apply the plan's `changes`, in one transaction:
    the plan is made against exactly what it changes. A planner that refuses (raises) writes
    nothing."""
    with db.transaction() as conn:
        plan = planner(_holdings(conn))
        apply_changes(conn, plan.changes)
    return plan


def apply_changes(conn: sqlite3.Connection, changes: Changes) -> None:
    now = utc_now()
    for person in changes.people:
        writes.upsert_person(conn, person.id, person.name, person.role, now)
    for code in changes.removed_classes:  # its roster, schedules and holidays go; sessions and attendance stay
        writes.delete_class(conn, code)
    for held in changes.classes:
        writes.upsert_class(conn, held.code, held.name, held.room, held.instructor_id)
        have = writes.roster_ids(conn, held.code)
        writes.remove_from_roster(conn, held.code, have - set(held.roster))
        writes.add_to_roster(conn, held.code, [pid for pid in held.roster if pid not in have])
    for link in changes.users:
        write_user_link(conn, link)
    for link in changes.class_links:
        write_class_link(conn, link)
    for link in changes.enrollments:
        write_enrollment_link(conn, link)
    conn.executemany("DELETE FROM oneroster_enrollments WHERE sourced_id = ?",
                     [(sid,) for sid in changes.dropped_enrollments])


def _holdings(conn: sqlite3.Connection) -> Holdings:
    held = Holdings()
    held.people = {r[0]: Person(r[0], r[1], r[2]) for r in conn.execute("SELECT id, name, role FROM people")}
    rosters: dict[str, list[str]] = {}
    for code, pid in conn.execute("SELECT class_code, person_id FROM roster ORDER BY added_at, rowid"):
        rosters.setdefault(code, []).append(pid)
    held.classes = {r[0]: HeldClass(r[0], r[1], r[2], r[3], tuple(rosters.get(r[0], ())))
                    for r in conn.execute("SELECT code, name, room, instructor_id FROM classes")}
    held.users = {r[0]: UserLink(r[0], r[1], r[2], bool(r[3])) for r in conn.execute(
        "SELECT sourced_id, person_id, identifier, active FROM oneroster_users")}
    held.class_links = {r[0]: ClassLink(r[0], r[1], bool(r[2])) for r in conn.execute(
        "SELECT sourced_id, class_code, active FROM oneroster_classes")}
    held.enrollments = {r[0]: EnrollmentLink(r[0], r[1], r[2], r[3], bool(r[4])) for r in conn.execute(
        "SELECT sourced_id, class_sourced_id, user_sourced_id, role, is_primary FROM oneroster_enrollments")}
    return held


def holdings(db: Database) -> Holdings:
    """What this kiosk holds now (for a dry run, or a test)."""
    with db.transaction() as conn:
        return _holdings(conn)


def write_user_link(conn: sqlite3.Connection, link: UserLink) -> None:
    conn.execute("INSERT INTO oneroster_users (sourced_id, person_id, identifier, active) VALUES (?, ?, ?, ?)"
                 " ON CONFLICT(sourced_id) DO UPDATE SET person_id = excluded.person_id,"
                 " identifier = excluded.identifier, active = excluded.active",
                 (link.sourced_id, link.person_id, link.identifier, int(link.active)))


def write_class_link(conn: sqlite3.Connection, link: ClassLink) -> None:
    conn.execute("INSERT INTO oneroster_classes (sourced_id, class_code, active) VALUES (?, ?, ?)"
                 " ON CONFLICT(sourced_id) DO UPDATE SET class_code = excluded.class_code, active = excluded.active",
                 (link.sourced_id, link.class_code, int(link.active)))


def write_enrollment_link(conn: sqlite3.Connection, link: EnrollmentLink) -> None:
    conn.execute("INSERT INTO oneroster_enrollments (sourced_id, class_sourced_id, user_sourced_id, role, is_primary)"
                 " VALUES (?, ?, ?, ?, ?) ON CONFLICT(sourced_id) DO UPDATE SET"
                 " class_sourced_id = excluded.class_sourced_id, user_sourced_id = excluded.user_sourced_id,"
                 " role = excluded.role, is_primary = excluded.is_primary",
                 (link.sourced_id, link.class_sourced_id, link.user_sourced_id, link.role, int(link.primary)))


def interchange_ids(db: Database) -> InterchangeIds:
    """The sourcedIds exports key rows by. When a class code or a person was linked more than
    once (a class removed, then another given its code), the active link wins."""
    users = {r[0]: (r[1], r[2]) for r in db.query(
        "SELECT person_id, sourced_id, identifier FROM oneroster_users ORDER BY active, rowid")}
    classes = {r[0]: r[1] for r in db.query(
        "SELECT class_code, sourced_id FROM oneroster_classes ORDER BY active, rowid")}
    return InterchangeIds(users, classes)


# -- the central database's links, pulled (kiosk/sync/pull.py) ---------------------------------------

@dataclass(frozen=True)
class PulledLink:
    """One `oneroster` document: a link, or a tombstone (`link` None) for `kind` and `sourced_id`."""

    kind: str  # user | class | enrollment
    sourced_id: str
    link: UserLink | ClassLink | EnrollmentLink | None = None


LINK_TABLES = {"user": "oneroster_users", "class": "oneroster_classes", "enrollment": "oneroster_enrollments"}


def apply_pulled_link(conn: sqlite3.Connection, pulled: PulledLink, warnings: list[str]) -> int:
    """Central wins, as for the other admin documents; returns the rows changed (0 or 1)."""
    table = LINK_TABLES[pulled.kind]
    if pulled.link is None:
        return conn.execute(f"DELETE FROM {table} WHERE sourced_id = ?", (pulled.sourced_id,)).rowcount
    if isinstance(pulled.link, UserLink):
        if not conn.execute("SELECT 1 FROM people WHERE id = ?", (pulled.link.person_id,)).fetchone():
            return 0  # a person this kiosk has not pulled (or erased): the link comes with them
        if _held_user(conn, pulled.sourced_id) == pulled.link:
            return 0
        write_user_link(conn, pulled.link)
    elif isinstance(pulled.link, ClassLink):
        row = conn.execute("SELECT class_code, active FROM oneroster_classes WHERE sourced_id = ?",
                           (pulled.sourced_id,)).fetchone()
        if row and ClassLink(pulled.sourced_id, row[0], bool(row[1])) == pulled.link:
            return 0
        write_class_link(conn, pulled.link)
    else:
        row = conn.execute("SELECT class_sourced_id, user_sourced_id, role, is_primary FROM oneroster_enrollments"
                           " WHERE sourced_id = ?", (pulled.sourced_id,)).fetchone()
        if row and EnrollmentLink(pulled.sourced_id, row[0], row[1], row[2], bool(row[3])) == pulled.link:
            return 0
        write_enrollment_link(conn, pulled.link)
    return 1


def _held_user(conn: sqlite3.Connection, sourced_id: str) -> UserLink | None:
    row = conn.execute("SELECT person_id, identifier, active FROM oneroster_users WHERE sourced_id = ?",
                       (sourced_id,)).fetchone()
    return UserLink(sourced_id, row[0], row[1], bool(row[2])) if row else None
