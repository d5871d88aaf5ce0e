"""A person's stored face vectors one by one, and their door references: the faces the door saw
and staff confirmed (kiosk/vision/references.py decides which may be kept). A door reference is an
`embeddings` row whose source starts with kiosk.model.DOOR_SOURCE; it counts in the person's
centroid like an enrolment photo, is listed with its date, removed one by one, erased with the
person and, through the people document, synced like any enrolment vector."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.errors import StoreError
from kiosk.model import DOOR_SOURCE
from kiosk.store import writes
from kiosk.store.database import Database, utc_now


@dataclass(frozen=True)
class StoredVector:
    id: int
    model: str
    vector: np.ndarray
    source: str
    added_at: str  # ISO time

    @property
    def door(self) -> bool:
        return self.source.startswith(DOOR_SOURCE)


def person_vectors(db: Database, person_id: str, model: str) -> list[StoredVector]:
    """The person's vectors for one model, enrolment photos and door references, oldest first."""
    rows = db.query("SELECT id, model, vector, source, created_at FROM embeddings WHERE person_id = ? AND model = ?"
                    " ORDER BY id", (person_id, model))
    return [StoredVector(r[0], r[1], np.frombuffer(r[2], np.float32).copy(), r[3], r[4]) for r in rows
            if r[2] and len(r[2]) % 4 == 0]


def person_vector(db: Database, person_id: str, embedding_id: int) -> StoredVector | None:
    """One of the person's stored vectors, by its id."""
    rows = db.query("SELECT id, model, vector, source, created_at FROM embeddings WHERE id = ? AND person_id = ?",
                    (embedding_id, person_id))
    return StoredVector(rows[0][0], rows[0][1], np.frombuffer(rows[0][2], np.float32).copy(), rows[0][3],
                        rows[0][4]) if rows else None


def write_door_reference(db: Database, person_id: str, model: str, vector: np.ndarray, source: str,
                         drop: list[int]) -> None:
    """Add one door reference and drop the ones it replaces (ids), in one transaction (a savepoint
    inside the caller's, with the confirmation and its audit row)."""
    if not source.startswith(DOOR_SOURCE):
        raise StoreError(f"a door reference's source starts with {DOOR_SOURCE!r}")
    now = utc_now()
    with db.transaction() as conn:
        if conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise StoreError(f"unknown person {person_id!r}")
        writes.insert_embeddings(conn, person_id, [(model, np.asarray(vector, np.float32).tobytes(), source)], now)
        conn.executemany("DELETE FROM embeddings WHERE id = ? AND person_id = ? AND source LIKE 'door:%'",
                         [(i, person_id) for i in drop])
        conn.execute("UPDATE people SET updated_at = ? WHERE id = ?", (now, person_id))


def remove_door_reference(db: Database, person_id: str, embedding_id: int) -> StoredVector:
    """Remove one of the person's door references (never an enrolment photo's vector)."""
    with db.transaction() as conn:
        row = conn.execute("SELECT id, model, vector, source, created_at FROM embeddings WHERE id = ? AND person_id = ?",
                           (embedding_id, person_id)).fetchone()
        if row is None or not row[3].startswith(DOOR_SOURCE):
            raise StoreError(f"{person_id!r} has no door reference {embedding_id}")
        conn.execute("DELETE FROM embeddings WHERE id = ?", (embedding_id,))
        conn.execute("UPDATE people SET updated_at = ? WHERE id = ?", (utc_now(), person_id))
    return StoredVector(row[0], row[1], np.frombuffer(row[2], np.float32).copy(), row[3], row[4])
