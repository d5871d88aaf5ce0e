"""People without a face yet, and staff: adding a person, renaming, changing a role; instructors
and admins (no face needed), what they teach, and taking the role away.

Each change is one transaction: a refused input writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import StoreError
from kiosk.store import writes
from kiosk.store.database import Database, utc_now


def add_staff(db: Database, person_id: str, name: str, role: str = "instructor") -> bool:
    """Add an instructor or admin (no face needed); True if new, False if they are already this
    staff member. Anyone else under that id is refused (staff_add_problem)."""
    if role not in ("instructor", "admin"):
        raise StoreError(f"role {role!r} must be instructor or admin")
    if not person_id.strip() or not name.strip():
        raise StoreError("an instructor needs a non-empty id and name")
    with db.transaction() as conn:
        held = conn.execute("SELECT name, role FROM people WHERE id = ?", (person_id,)).fetchone()
        if held is not None:
            problem = staff_add_problem(person_id, held["name"], held["role"], name, role)
            if problem:
                raise StoreError(problem)
            return False
        writes.upsert_person(conn, person_id, name.strip(), role, utc_now())
    return True


def staff_add_problem(person_id: str, held_name: str, held_role: str, name: str, role: str) -> str | None:
    """Why adding staff may not touch the person already under this id, or None when they are
    this very staff member (adding them again changes nothing). Adding never changes a role or
    a name as a side effect: that is done on purpose, on the person's page of the web console."""
    page = f"the web console (/people/{person_id})"
    if held_role != role:
        return (f"{person_id!r} is already {_a(held_role)} ({held_name}); nothing changed: choose another id, "
                f"or change their role on {page}")
    if held_name != name.strip():
        return f"{person_id!r} is already {_a(role)} named {held_name!r}; nothing changed: to rename them, use {page}"
    return None


def last_admin_problem(person_id: str) -> str:
    """Without an admin nobody could sign in to the web console's set-up, so the last one stays."""
    return (f"{person_id!r} is the last admin, so they stay: make someone else admin first "
            "(instructor add ID --name NAME --admin)")


def instructor_problem(instructor_id: str, role: str | None) -> str | None:
    """Why the person with this id and role (None: nobody) cannot teach a class, or None."""
    if role is None:
        return f"unknown instructor {instructor_id!r}; add them with 'instructor add {instructor_id} --name NAME'"
    if role not in ("instructor", "admin"):
        return f"{instructor_id!r} is {_a(role)}, not an instructor or admin; see 'staff list'"
    return None


def require_instructor(conn, instructor_id: str) -> None:
    """Inside a class's transaction: the one named to teach it is staff."""
    row = conn.execute("SELECT role FROM people WHERE id = ?", (instructor_id,)).fetchone()
    problem = instructor_problem(instructor_id, row["role"] if row else None)
    if problem:
        raise StoreError(problem)


def _a(role: str) -> str:
    return f"{'an' if role in ('admin', 'instructor') else 'a'} {role}"


def _refuse_last_admin(conn, person_id: str) -> None:
    admins = [r[0] for r in conn.execute("SELECT id FROM people WHERE role = 'admin'")]
    if admins == [person_id]:
        raise StoreError(last_admin_problem(person_id))


@dataclass(frozen=True)
class StaffMember:
    id: str
    name: str
    role: str
    has_pin: bool
    classes: tuple[str, ...]  # classes they teach


def staff_members(db: Database) -> list[StaffMember]:
    rows = db.query("SELECT p.id, p.name, p.role, k.person_id IS NOT NULL AS has_pin FROM people p"
                    " LEFT JOIN pins k ON k.person_id = p.id WHERE p.role IN ('instructor', 'admin') ORDER BY p.id")
    teaches: dict[str, list[str]] = {}
    for code, instructor in db.query("SELECT code, instructor_id FROM classes WHERE instructor_id IS NOT NULL"
                                     " ORDER BY code"):
        teaches.setdefault(instructor, []).append(code)
    return [StaffMember(r["id"], r["name"], r["role"], bool(r["has_pin"]), tuple(teaches.get(r["id"], ())))
            for r in rows]


def remove_staff(db: Database, person_id: str) -> str:
    """Take away a staff member's role and PIN. Someone with no face enrolled is removed;
    someone enrolled stays as a student. Their classes keep no instructor; the last admin stays.
    Returns what was done."""
    with db.transaction() as conn:
        row = conn.execute("SELECT role FROM people WHERE id = ?", (person_id,)).fetchone()
        if row is None or row["role"] not in ("instructor", "admin"):
            what = "no one" if row is None else f"a {row['role']}"
            raise StoreError(f"{person_id!r} is {what}, not a staff member; see 'staff list'")
        _refuse_last_admin(conn, person_id)
        conn.execute("DELETE FROM pins WHERE person_id = ?", (person_id,))
        conn.execute("UPDATE classes SET instructor_id = NULL WHERE instructor_id = ?", (person_id,))
        if conn.execute("SELECT 1 FROM embeddings WHERE person_id = ? LIMIT 1", (person_id,)).fetchone():
            conn.execute("UPDATE people SET role = 'student', updated_at = ? WHERE id = ?", (utc_now(), person_id))
            return "they stay enrolled as a student"
        conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
        return "they had no face enrolled, so they are removed"


def add_person(db: Database, person) -> bool:
    """A person with no face (a student awaiting enrolment, or staff); True if new, False if they
    are already this very person. Anyone else under that id is refused (staff_add_problem): adding
    never renames or changes the role of someone known."""
    if not person.id.strip() or not person.name.strip():
        raise StoreError("a person needs a non-empty id and name")
    with db.transaction() as conn:
        held = conn.execute("SELECT name, role FROM people WHERE id = ?", (person.id,)).fetchone()
        if held is not None:
            problem = staff_add_problem(person.id, held["name"], held["role"], person.name, person.role)
            if problem:
                raise StoreError(problem)
            return False
        writes.upsert_person(conn, person.id, person.name.strip(), person.role, utc_now())
    return True


def rename_person(db: Database, person_id: str, name: str) -> None:
    with db.transaction() as conn:
        if conn.execute("UPDATE people SET name = ?, updated_at = ? WHERE id = ?",
                        (name.strip(), utc_now(), person_id)).rowcount != 1:
            raise StoreError(f"unknown person {person_id!r}")


def set_role(db: Database, person_id: str, role: str) -> None:
    """Student, instructor or admin. A student has no PIN and teaches nothing. The last admin
    stays one."""
    with db.transaction() as conn:
        if role != "admin":
            _refuse_last_admin(conn, person_id)
        if conn.execute("UPDATE people SET role = ?, updated_at = ? WHERE id = ?",
                        (role, utc_now(), person_id)).rowcount != 1:
            raise StoreError(f"unknown person {person_id!r}")
        if role == "student":
            conn.execute("DELETE FROM pins WHERE person_id = ?", (person_id,))
            conn.execute("UPDATE classes SET instructor_id = NULL WHERE instructor_id = ?", (person_id,))
