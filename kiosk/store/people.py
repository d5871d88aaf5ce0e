"""Who is known here, as overviews: everyone with their faces, PIN and consent, who
counts as enrolled, and how many are awaiting enrolment (on a roster, no face yet);
and opting out of face recognition."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import StoreError
from kiosk.store.database import Database, utc_now


@dataclass(frozen=True)
class PersonOverview:
    id: str
    name: str
    role: str
    vectors: int  # stored embeddings, every model
    has_pin: bool
    consent_by: str  # '' when not recorded
    guardian: str
    face_opt_out: bool = False
    has_code: bool = False


def people_overview(db: Database) -> list[PersonOverview]:
    """Everyone, by id."""
    rows = db.query(
        "SELECT p.id, p.name, p.role, count(e.id) AS vectors, EXISTS (SELECT 1 FROM pins k WHERE k.person_id = p.id)"
        " AS has_pin, p.consent_by, p.guardian, p.face_opt_out, EXISTS (SELECT 1 FROM checkin_codes c"
        " WHERE c.person_id = p.id) AS has_code FROM people p LEFT JOIN embeddings e ON e.person_id = p.id"
        " GROUP BY p.id ORDER BY p.id")
    return [PersonOverview(r["id"], r["name"], r["role"], r["vectors"], bool(r["has_pin"]), r["consent_by"] or "",
                           r["guardian"] or "", bool(r["face_opt_out"]), bool(r["has_code"])) for r in rows]


def enrolled_ids(db: Database) -> set[str]:
    """People an enrolment run skips without --replace: those with a face, and staff (not those
    awaiting enrolment)."""
    return {r[0] for r in db.query("SELECT id FROM people p WHERE role != 'student'"
                                   " OR EXISTS (SELECT 1 FROM embeddings e WHERE e.person_id = p.id)")}


def enrolment_counts(db: Database) -> tuple[int, int]:
    """(people with a face enrolled, students awaiting enrolment)."""
    row = db.query(
        "SELECT count(*) FILTER (WHERE has_face), count(*) FILTER (WHERE NOT has_face AND role = 'student')"
        " FROM (SELECT role, EXISTS (SELECT 1 FROM embeddings e WHERE e.person_id = p.id) AS has_face"
        " FROM people p)")[0]
    return row[0], row[1]


def face_opted_out(db: Database, person_id: str) -> bool:
    row = db.conn.execute("SELECT face_opt_out FROM people WHERE id = ?", (person_id,)).fetchone()
    return bool(row and row[0])


def set_face_opt_out(db: Database, person_id: str, opted_out: bool) -> int:
    """Opt a person out of face recognition (their embeddings and look-alike flags go: no face is
    kept), or back in (they need new photos); returns how many embeddings were removed."""
    with db.transaction() as conn:
        if conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise StoreError(f"unknown person {person_id!r}")
        write_face_opt_out(conn, person_id, opted_out)
        if not opted_out:
            return 0
        conn.execute("DELETE FROM lookalikes WHERE person_a = ? OR person_b = ?", (person_id, person_id))
        return conn.execute("DELETE FROM embeddings WHERE person_id = ?", (person_id,)).rowcount


def write_face_opt_out(conn, person_id: str, opted_out: bool) -> None:
    conn.execute("UPDATE people SET face_opt_out = ?, updated_at = ? WHERE id = ?",
                 (int(opted_out), utc_now(), person_id))
