"""Look-alike pairs: enrolled people whose faces score close to each other.

Found at enrolment (kiosk/vision/lookalike.py); the gallery asks a flagged
person's match for a larger margin over the runner-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.store.database import Database, utc_now


@dataclass(frozen=True)
class LookalikePair:
    person_a: str
    person_b: str
    model: str
    score: float
    found_at: str


def add_lookalike(db: Database, person_a: str, person_b: str, model: str, score: float) -> None:
    """Record (or refresh the score of) a pair; the order of the two ids does not matter."""
    a, b = sorted((person_a, person_b))
    db.conn.execute(
        "INSERT INTO lookalikes (person_a, person_b, model, score, found_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (person_a, person_b, model) DO UPDATE SET score = excluded.score, found_at = excluded.found_at",
        (a, b, model, float(score), utc_now()),
    )


def lookalike_pairs(db: Database, model: str | None = None) -> list[LookalikePair]:
    """Closest pairs first."""
    sql = "SELECT * FROM lookalikes" + (" WHERE model = ?" if model else "") + " ORDER BY score DESC"
    rows = db.query(sql, (model,) if model else ())
    return [LookalikePair(r["person_a"], r["person_b"], r["model"], r["score"], r["found_at"]) for r in rows]


def flagged_people(db: Database, model: str) -> frozenset[str]:
    """Everyone who is one half of a look-alike pair for this model."""
    return frozenset(p for pair in lookalike_pairs(db, model) for p in (pair.person_a, pair.person_b))
