"""The gallery's scores: synthetic embeddings with known answers (centroids, the best two
people, 100,000 identities). Who those scores name: tests/vision/test_naming.py."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.vision.base import l2_normalise
from kiosk.vision.gallery import Gallery

DIM = 128


def unit(*values: float) -> np.ndarray:
    """A unit row in DIM dimensions starting with the given values."""
    row = np.zeros(DIM, np.float32)
    row[: len(values)] = values
    return l2_normalise(row[None])[0]


def between(a: np.ndarray, b: np.ndarray, cos: float) -> np.ndarray:
    """A unit vector at cosine `cos` to unit `a`, in the plane of a and b."""
    ortho = l2_normalise((b - (a @ b) * a)[None])[0]
    return cos * a + np.sqrt(1 - cos**2) * ortho


@pytest.fixture
def axes() -> list[np.ndarray]:
    return [unit(*([0.0] * i), 1.0) for i in range(6)]  # orthonormal e0..e5


def test_the_best_person_and_the_best_other_person(axes):
    gallery = Gallery(["p1", "p2", "p3"], ["Ann", "Bob", "Cy"], np.stack(axes[:3]))
    probe = 0.70 * axes[1] + 0.66 * axes[2] + np.sqrt(1 - 0.70**2 - 0.66**2) * axes[3]
    best, first, second = gallery.top_two(probe[None])
    assert gallery.person_ids[best[0]] == "p2" and gallery.names[best[0]] == "Bob"
    assert first[0] == pytest.approx(0.70, abs=1e-5) and second[0] == pytest.approx(0.66, abs=1e-5)


def test_several_rows_per_person_score_by_their_centroid(axes):
    # Ann has two rows (e0, e1), Bob one (e2); rows arrive interleaved. Ann's centroid is (e0 + e1) / sqrt 2.
    gallery = Gallery(["ann", "bob", "ann"], ["Ann", "Bob", "Ann"], np.stack([axes[0], axes[2], axes[1]]))
    assert len(gallery) == 2 and gallery.rows == 3
    between_anns_rows = between(axes[0], axes[1], 0.5 ** 0.5)  # the centroid itself
    near_bob = between(axes[2], axes[3], 0.75)
    best, first, second = gallery.top_two(np.stack([between_anns_rows, near_bob]))
    assert [gallery.names[b] for b in best] == ["Ann", "Bob"]
    assert first[0] == pytest.approx(1.0, abs=1e-5) and first[1] == pytest.approx(0.75, abs=1e-5)
    # Ann's own two rows never compete with each other for second place.
    assert second[0] == pytest.approx(0.0, abs=1e-5)


def test_a_probe_like_one_of_two_photos_scores_its_share_of_the_centroid(axes):
    gallery = Gallery(["ann", "ann"], ["Ann", "Ann"], np.stack([axes[0], axes[1]]))
    assert gallery.person_scores(axes[0][None])[0, 0] == pytest.approx(0.5 ** 0.5, abs=1e-5)


def test_one_person_gallery_has_no_second_candidate(axes):
    gallery = Gallery(["p1"], ["Ann"], axes[0][None])
    best, first, second = gallery.top_two(between(axes[0], axes[1], 0.4)[None])
    assert best[0] == 0 and first[0] == pytest.approx(0.4, abs=1e-5) and second[0] == -1.0


def test_empty_gallery_scores_nobody(axes):
    gallery = Gallery([], [], np.zeros((0, DIM), np.float32))
    assert gallery.empty and len(gallery) == 0
    assert gallery.person_scores(np.stack(axes[:3])).shape == (3, 0)


def test_single_query_row_may_be_one_dimensional(axes):
    gallery = Gallery(["p1", "p2"], ["Ann", "Bob"], np.stack(axes[:2]))
    assert gallery.person_scores(axes[1]).shape == (1, 2)
    assert list(gallery.top_two(axes[1])[0]) == [1]


def test_flagged_look_alikes_are_marked_per_person(axes):
    gallery = Gallery(["bea", "ann", "cy"], ["Bea", "Ann", "Cy"], np.stack(axes[:3]), flagged=frozenset({"bea", "zed"}))
    assert dict(zip(gallery.person_ids, gallery.flagged)) == {"ann": False, "bea": True, "cy": False}


def test_mismatched_labels_are_refused(axes):
    with pytest.raises(ValueError):
        Gallery(["p1", "p2"], ["Ann"], np.stack(axes[:2]))


def test_hundred_thousand_identities():
    rng = np.random.default_rng(7)
    rows = l2_normalise(rng.standard_normal((100_000, DIM)))
    ids = [f"p{i}" for i in range(100_000)]
    gallery = Gallery(ids, ids, rows)
    assert len(gallery) == 100_000
    assert gallery.person_scores(rows[:3]).shape == (3, 100_000)
    probes = l2_normalise(rows[[5, 99_999]] + 0.3 * l2_normalise(rng.standard_normal((2, DIM))))
    stranger = l2_normalise(rng.standard_normal((1, DIM)))
    best, first, second = gallery.top_two(np.vstack([probes, stranger]))
    assert [gallery.person_ids[b] for b in best[:2]] == ["p5", "p99999"]
    assert first[2] < 0.5 and (first >= second).all()
