"""Which face models the enrolled people have vectors for.

Vectors are stored per model (the `embeddings` table's `model` column) and never mixed: a model
can name only the people who have a vector for it. A gallery enrolled before a model was
installed lacks that model's vectors until they are added from the original photos
(`main.py enroll --from-dir DIR --add-missing-models`). The kiosk recognises with a model only
when every enrolled person has a vector for it (kiosk/enrolment/gallery.py, `serving_model`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.store.database import Database


@dataclass(frozen=True)
class ModelCoverage:
    """People with a face enrolled (a vector of any model), and how many of them each model covers."""

    people: int
    by_model: dict[str, int] = field(default_factory=dict)

    def lacking(self, model: str) -> int:
        """Enrolled people with no vector for `model`."""
        return self.people - self.by_model.get(model, 0)

    def covers(self, model: str) -> bool:
        """Every enrolled person has a vector for `model` (nobody is enrolled: trivially)."""
        return self.lacking(model) == 0


def model_coverage(db: Database) -> ModelCoverage:
    people = db.query("SELECT count(DISTINCT person_id) FROM embeddings")[0][0]
    rows = db.query("SELECT model, count(DISTINCT person_id) FROM embeddings GROUP BY model")
    return ModelCoverage(people, {r[0]: r[1] for r in rows})


def people_lacking(db: Database, model: str) -> list[str]:
    """Ids of people with a face enrolled but no vector for `model`, by id."""
    return [r[0] for r in db.query(
        "SELECT DISTINCT person_id FROM embeddings WHERE person_id NOT IN"
        " (SELECT person_id FROM embeddings WHERE model = ?) ORDER BY person_id", (model,))]


def models_of(db: Database, person_id: str) -> set[str]:
    """The models a person has vectors for."""
    return {r[0] for r in db.query("SELECT DISTINCT model FROM embeddings WHERE person_id = ?", (person_id,))}


def embeddings_signature(db: Database) -> tuple:
    """Changes whenever a vector of any model is added, replaced or removed."""
    return tuple(db.query("SELECT count(*), max(id), max(created_at) FROM embeddings")[0])
