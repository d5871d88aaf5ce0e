"""Look-alike pairs: the table, the screening of a new face, and the stricter gallery rule."""

import numpy as np

from kiosk.store.lookalikes import add_lookalike, flagged_people, lookalike_pairs
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.vision.base import l2_normalise
from kiosk.vision.gallery import Gallery
from kiosk.vision.lookalike import close_people, lookalike_margin
from kiosk.vision.naming import LOOKALIKE_MARGIN_FACTOR, NamingRule, name_faces


def unit(*values):
    return l2_normalise(np.asarray([values], np.float32))[0]


def near_pair(cosine: float):
    """Two unit vectors in 3-D with the given cosine similarity."""
    angle = np.arccos(cosine)
    return np.array([1, 0, 0], np.float32), np.array([np.cos(angle), np.sin(angle), 0], np.float32)


def test_pairs_are_stored_once_in_either_order_and_go_with_the_person(data_dir):
    store = SqliteStore.in_dir(data_dir)
    try:
        for pid in ("ann", "bea", "cy"):
            store.add_person(Person(pid, pid.title(), "student"), "sface", np.eye(3, dtype=np.float32)[:1], ["a.jpg"])
        with store.atomic():
            add_lookalike(store, "bea", "ann", "sface", 0.47)
            add_lookalike(store, "ann", "bea", "sface", 0.48)  # refreshes, not a second row
        pairs = lookalike_pairs(store)
        assert [(p.person_a, p.person_b, p.score) for p in pairs] == [("ann", "bea", 0.48)]
        assert flagged_people(store, "sface") == {"ann", "bea"} and flagged_people(store, "dlib") == frozenset()
        store.conn.execute("DELETE FROM people WHERE id = 'bea'")  # erasure removes the pair
        assert lookalike_pairs(store) == []
    finally:
        store.close()


def test_screening_finds_duplicates_and_lookalikes_but_not_strangers_or_self():
    a, near_a = near_pair(0.47)  # in sface's look-alike band [0.448, 0.49)
    gallery = Gallery(["ann", "bea", "cy"], ["Ann", "Bea", "Cy"],
                      np.stack([a, unit(0, 0, 1), unit(0.9, 0, 0.436)]))
    bars = {"same_face": 0.49, "floor": 0.49 - lookalike_margin("sface")}
    found = close_people(gallery, near_a[None], "new", **bars)
    assert [(n.person_id, n.duplicate) for n in found] == [("ann", False)]
    found = close_people(gallery, a[None], "new", **bars)
    assert [(n.person_id, n.duplicate) for n in found] == [("ann", True), ("cy", True)]
    assert close_people(gallery, a[None], "ann", **bars)[0].person_id == "cy"  # re-enrolling ann
    assert abs(lookalike_margin("sface") - 0.042) < 1e-9


def test_flagged_people_need_a_larger_margin():
    ann, bea = near_pair(0.47)
    # A query scoring 0.70 for Ann and 0.52 for Bea: a lead of 0.18 (> 0.12, < 0.24).
    y = (0.52 - 0.47 * 0.70) / np.sin(np.arccos(0.47))
    query = np.array([[0.70, y, np.sqrt(1 - 0.70**2 - y**2)]], np.float32)
    rule = NamingRule(0.49, margin=0.12)
    plain = Gallery(["ann", "bea"], ["Ann", "Bea"], np.stack([ann, bea]))
    strict = Gallery(["ann", "bea"], ["Ann", "Bea"], np.stack([ann, bea]), flagged=frozenset({"ann", "bea"}))
    scores = plain.person_scores(query)[0]
    lead = scores[0] - scores[1]
    assert scores[0] >= 0.49 and 0.12 <= lead < 0.12 * LOOKALIKE_MARGIN_FACTOR, scores
    assert name_faces(rule, plain, query)[0].person_id == "ann"
    assert name_faces(rule, strict, query)[0].person_id is None  # too close to call between the pair
    assert name_faces(rule, strict, ann)[0].person_id == "ann"  # a clear face is still named
