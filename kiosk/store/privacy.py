"""Privacy operations on the local store: consent, erasure, retention.

Faces are biometric data. Only embeddings are stored (never photos), a
person can be erased everywhere, and old attendance and audit rows are
purged after the configured retention period.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.errors import StoreError
from kiosk.model import Consent
from kiosk.store.attempts import erase_attempts_of, remove_crops
from kiosk.store.database import Database, to_iso, utc_now

# Tables holding a person's data, and the column naming them. Embeddings,
# roster entries and PINs go with the people row (ON DELETE CASCADE).
PERSON_TABLES = (("attendance", "person_id"), ("spoof_events", "person_id"), ("roster_history", "person_id"))


def record_consent(db: Database, person_id: str, consent: Consent) -> None:
    db.conn.execute(
        "UPDATE people SET consent_by = ?, consent_at = ?, guardian = ? WHERE id = ?",
        (consent.given_by, utc_now(), consent.guardian, person_id),
    )


def erase_person(db: Database, person_id: str, actor: str, kiosk_id: str = "") -> dict[str, int]:
    """Remove a person and every row about them, in one transaction; returns rows removed per table."""
    removed: dict[str, int] = {}
    with db.transaction() as conn:
        if conn.execute("SELECT 1 FROM people WHERE id = ?", (person_id,)).fetchone() is None:
            raise StoreError(f"unknown person {person_id!r}")
        # Queued uploads of their rows go too, so nothing about them leaves the kiosk later.
        conn.execute("DELETE FROM outbox WHERE kind = 'attendance' AND ref IN "
                     "(SELECT CAST(id AS TEXT) FROM attendance WHERE person_id = ?)", (person_id,))
        for table, column in PERSON_TABLES:
            removed[table] = conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (person_id,)).rowcount
        removed["attempts"], crops = erase_attempts_of(conn, person_id)  # door attempts that are or may be them
        # Audit rows stay (they record what staff did) but no longer name the person.
        conn.execute("UPDATE audit SET target_id = 'erased' WHERE target_id = ?", (person_id,))
        conn.execute("UPDATE audit SET actor_id = 'erased' WHERE actor_id = ?", (person_id,))
        removed["embeddings"] = conn.execute("SELECT count(*) FROM embeddings WHERE person_id = ?",
                                             (person_id,)).fetchone()[0]
        removed["people"] = conn.execute("DELETE FROM people WHERE id = ?", (person_id,)).rowcount
        conn.execute(
            "INSERT INTO audit (at, kiosk_id, actor_id, action, detail) VALUES (?, ?, ?, 'person.erase', ?)",
            (utc_now(), kiosk_id, actor, f"{sum(removed.values())} rows"),
        )
    remove_crops(db, crops)  # their pictures, once the rows are gone
    return removed


def purge_older_than(db: Database, days: int, now: datetime) -> dict[str, int]:
    """Delete attendance, audit and spoof rows older than `days`; 0 keeps everything."""
    if days <= 0:
        return {}
    cutoff = to_iso(now - timedelta(days=days))
    with db.transaction() as conn:
        return {
            "attendance": conn.execute(
                "DELETE FROM attendance WHERE session_id IN (SELECT id FROM sessions WHERE ends_at < ?)",
                (cutoff,)).rowcount,
            "audit": conn.execute("DELETE FROM audit WHERE at < ?", (cutoff,)).rowcount,
            "spoof_events": conn.execute("DELETE FROM spoof_events WHERE at < ?", (cutoff,)).rowcount,
        }
