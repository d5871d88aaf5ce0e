"""Who is known here, as overviews: everyone with their faces, PIN and consent, who
counts as enrolled, and how many are awaiting enrolment (on a roster, no face yet)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.store.database import Database


@dataclass(frozen=True)
class PersonOverview:
    id: str
    name: str
    role: str
    vectors: int  # stored embeddings, every model
    has_pin: bool
    consent_by: str  # '' when not recorded
    guardian: str


def people_overview(db: Database) -> list[PersonOverview]:
    """Everyone, by id."""
    rows = db.query(
        "SELECT p.id, p.name, p.role, count(e.id) AS vectors, EXISTS (SELECT 1 FROM pins k WHERE k.person_id = p.id)"
        " AS has_pin, p.consent_by, p.guardian FROM people p LEFT JOIN embeddings e ON e.person_id = p.id"
        " GROUP BY p.id ORDER BY p.id")
    return [PersonOverview(r["id"], r["name"], r["role"], r["vectors"], bool(r["has_pin"]), r["consent_by"] or "",
                           r["guardian"] or "") for r in rows]


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
