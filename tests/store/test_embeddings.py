"""Vectors per face model: who has a vector for which model, and a re-enrolment replacing every
model's vectors (they came from the old photos)."""

from __future__ import annotations

import numpy as np

from kiosk.store.embeddings import embeddings_signature, model_coverage, models_of, people_lacking
from kiosk.store.sqlite_store import Person


def unit(seed: int, dim: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(1, dim)).astype(np.float32)
    return v / np.linalg.norm(v)


def test_coverage_counts_people_per_model(store):
    assert model_coverage(store).people == 0 and model_coverage(store).covers("edgeface-s")  # nobody: trivially
    store.add_person(Person("old", "Enrolled Before", "student"), "sface", unit(1, 128), ["a.jpg"])
    store.add_person(Person("new", "Enrolled Since", "student"), "edgeface-s", unit(2, 512), ["b.jpg"],
                     others={"sface": unit(3, 128)})
    coverage = model_coverage(store)
    assert (coverage.people, coverage.by_model) == (2, {"edgeface-s": 1, "sface": 2})
    assert coverage.covers("sface") and not coverage.covers("edgeface-s") and coverage.lacking("edgeface-s") == 1
    assert people_lacking(store, "edgeface-s") == ["old"] and people_lacking(store, "sface") == []
    assert models_of(store, "new") == {"edgeface-s", "sface"} and models_of(store, "nobody") == set()


def test_re_enrolling_replaces_every_models_vectors(store):
    store.add_person(Person("maya", "Maya", "student"), "edgeface-s", unit(1, 512), ["old.jpg"],
                     others={"sface": unit(2, 128)})
    before = embeddings_signature(store)
    store.add_person(Person("maya", "Maya", "student"), "sface", unit(3, 128), ["new.jpg"], replace=True)
    assert models_of(store, "maya") == {"sface"}  # no EdgeFace vector of the old photo is left to match
    assert store.embedding_counts("sface") == {"maya": 1} and embeddings_signature(store) != before
