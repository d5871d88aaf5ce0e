"""Who is known here, as overviews: everyone with their faces, PIN and consent, who
counts as enrolled, and how many are awaiting enrolment (on a roster, no face yet);
and opting out of face recognition."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import StoreError
from kiosk.model import DOOR_SOURCE
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
    cautions: int = 0  # photos enrolled with a caution (a weaker reference: turned, dim, cut by the edge)
    lookalike: bool = False  # one half of a look-alike pair found at enrolment

    @property
    def cautioned(self) -> bool:
        """A reference staff may want to retake: a photo with a caution, or a look-alike."""
        return self.cautions > 0 or self.lookalike


def people_overview(db: Database, person_id: str | None = None) -> list[PersonOverview]:
    """Everyone (or one person), by id."""
    rows = db.query(
        "SELECT p.id, p.name, p.role, count(e.id) AS vectors, EXISTS (SELECT 1 FROM pins k WHERE k.person_id = p.id)"
        " AS has_pin, p.consent_by, p.guardian, p.face_opt_out,"
        " EXISTS (SELECT 1 FROM checkin_codes c WHERE c.person_id = p.id) AS has_code,"
        " count(DISTINCT w.source) AS cautions,"  # only a caution whose photo is still stored counts
        " EXISTS (SELECT 1 FROM lookalikes l WHERE p.id IN (l.person_a, l.person_b)) AS lookalike"
        " FROM people p LEFT JOIN embeddings e ON e.person_id = p.id"
        " LEFT JOIN photo_cautions w ON w.person_id = e.person_id AND w.source = e.source"
        " WHERE ? IS NULL OR p.id = ? GROUP BY p.id ORDER BY p.id", (person_id, person_id))
    return [PersonOverview(r["id"], r["name"], r["role"], r["vectors"], bool(r["has_pin"]), r["consent_by"] or "",
                           r["guardian"] or "", bool(r["face_opt_out"]), bool(r["has_code"]), r["cautions"],
                           bool(r["lookalike"])) for r in rows]


def note_photo_cautions(db: Database, person_id: str, cautions: dict[str, str], fresh: bool) -> None:
    """Record what an enrolment said about its photos (photo file name -> caution), in the caller's
    transaction; `fresh` (a new or replaced enrolment) forgets the cautions of the old photos first."""
    if fresh:
        db.conn.execute("DELETE FROM photo_cautions WHERE person_id = ?", (person_id,))
    db.conn.executemany(
        "INSERT INTO photo_cautions (person_id, source, caution, noted_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (person_id, source) DO UPDATE SET caution = excluded.caution, noted_at = excluded.noted_at",
        [(person_id, source, caution, utc_now()) for source, caution in cautions.items() if caution])


def enrolled_ids(db: Database) -> set[str]:
    """People an enrolment run skips without --replace: those with a face, and staff (not those
    awaiting enrolment)."""
    return {r[0] for r in db.query("SELECT id FROM people p WHERE role != 'student'"
                                   " OR EXISTS (SELECT 1 FROM embeddings e WHERE e.person_id = p.id)")}


@dataclass(frozen=True)
class EnrolmentCounts:
    enrolled: int  # people with a face
    awaiting: int  # students with no face yet who have not opted out: marked by hand until photo day
    opted_out: int  # people who opted out of face recognition: they check in with a code, never a face


def enrolment_counts(db: Database) -> EnrolmentCounts:
    """Who is enrolled, who is awaiting enrolment, and who opted out (never awaiting a face)."""
    row = db.query(
        "SELECT count(*) FILTER (WHERE has_face),"
        " count(*) FILTER (WHERE NOT has_face AND role = 'student' AND NOT face_opt_out),"
        " count(*) FILTER (WHERE face_opt_out)"
        " FROM (SELECT role, face_opt_out, EXISTS (SELECT 1 FROM embeddings e WHERE e.person_id = p.id) AS has_face"
        " FROM people p)")[0]
    return EnrolmentCounts(row[0], row[1], row[2])


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
        conn.execute("DELETE FROM photo_cautions WHERE person_id = ?", (person_id,))
        return conn.execute("DELETE FROM embeddings WHERE person_id = ?", (person_id,)).rowcount


def write_face_opt_out(conn, person_id: str, opted_out: bool) -> None:
    conn.execute("UPDATE people SET face_opt_out = ?, updated_at = ? WHERE id = ?",
                 (int(opted_out), utc_now(), person_id))


@dataclass(frozen=True)
class PhotoRecord:
    """One stored reference of a person's face (never the photo: its embedding, and where it came from)."""

    model: str
    source: str  # the photo's file name, or the kiosk capture it came from ('door:...' a door reference)
    added_at: str  # ISO time
    id: int = 0
    caution: str = ""  # what enrolment said about the photo ('' a good reference)

    @property
    def door(self) -> bool:
        """A door reference (kiosk/vision/references.py), removable one by one."""
        return self.source.startswith(DOOR_SOURCE)


@dataclass(frozen=True)
class PersonDetails:
    overview: PersonOverview
    photos: tuple[PhotoRecord, ...]
    classes: tuple[str, ...]  # on these rosters
    teaches: tuple[str, ...]
    statuses: dict[str, int]  # stored attendance rows by status
    lookalikes: tuple[str, ...] = ()  # the people they were flagged as looking like, at enrolment


def person_details(db: Database, person_id: str) -> PersonDetails | None:
    found = people_overview(db, person_id)
    if not found:
        return None
    photos = tuple(PhotoRecord(r[0], r[1], r[2], r[3], r[4] or "") for r in db.query(
        "SELECT e.model, e.source, e.created_at, e.id, w.caution FROM embeddings e LEFT JOIN photo_cautions w"
        " ON w.person_id = e.person_id AND w.source = e.source WHERE e.person_id = ? ORDER BY e.id", (person_id,)))
    lookalikes = tuple(sorted({r[0] for r in db.query(
        "SELECT CASE WHEN person_a = ? THEN person_b ELSE person_a END FROM lookalikes"
        " WHERE ? IN (person_a, person_b)", (person_id, person_id))}))
    classes = tuple(r[0] for r in db.query("SELECT class_code FROM roster WHERE person_id = ? ORDER BY class_code",
                                           (person_id,)))
    teaches = tuple(r[0] for r in db.query("SELECT code FROM classes WHERE instructor_id = ? ORDER BY code",
                                           (person_id,)))
    statuses = {r[0]: r[1] for r in db.query("SELECT status, count(*) FROM attendance WHERE person_id = ?"
                                              " GROUP BY status", (person_id,))}
    return PersonDetails(found[0], photos, classes, teaches, statuses, lookalikes)


def door_references(db: Database) -> dict[str, list[PhotoRecord]]:
    """person id -> their door references, oldest first (`person list` shows them with their date)."""
    found: dict[str, list[PhotoRecord]] = {}
    for r in db.query("SELECT person_id, model, source, created_at, id FROM embeddings WHERE source LIKE 'door:%'"
                      " ORDER BY person_id, id"):
        found.setdefault(r[0], []).append(PhotoRecord(r[1], r[2], r[3], r[4]))
    return found


def roster_memberships(db: Database) -> dict[str, tuple[str, ...]]:
    """person id -> the classes whose roster they are on."""
    found: dict[str, list[str]] = {}
    for pid, code in db.query("SELECT person_id, class_code FROM roster ORDER BY class_code"):
        found.setdefault(pid, []).append(code)
    return {pid: tuple(codes) for pid, codes in found.items()}
