"""Gallery matching: synthetic embeddings with known answers, and one golden
test on real photos through the real SFace pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.vision.base import Match, l2_normalise
from kiosk.vision.gallery import Gallery
from kiosk.vision.images import load_image

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


def test_best_person_above_threshold_is_named(axes):
    gallery = Gallery(["p1", "p2"], ["Ann", "Bob"], np.stack(axes[:2]), threshold=0.5)
    probe = between(axes[1], axes[2], 0.8)
    [match] = gallery.match(probe[None])
    assert (match.person_id, match.name) == ("p2", "Bob")
    assert match.score == pytest.approx(0.8, abs=1e-5)
    assert match.second_score == pytest.approx(0.0, abs=1e-5)


def test_score_below_threshold_is_a_stranger(axes):
    gallery = Gallery(["p1", "p2"], ["Ann", "Bob"], np.stack(axes[:2]), threshold=0.5)
    [match] = gallery.match(between(axes[0], axes[3], 0.45)[None])
    assert match.person_id is None and match.name is None
    assert match.score == pytest.approx(0.45, abs=1e-5)


def test_threshold_is_inclusive(axes):
    gallery = Gallery(["p1"], ["Ann"], axes[0][None], threshold=0.6)
    [match] = gallery.match(between(axes[0], axes[1], 0.6 + 1e-6)[None])
    assert match.person_id == "p1"


def test_margin_rejects_a_face_close_to_two_people(axes):
    # The probe is 0.70 like Ann and 0.66 like Bob: above threshold, but ambiguous.
    a, b = axes[0], axes[1]
    probe = 0.70 * a + 0.66 * b + np.sqrt(1 - 0.70**2 - 0.66**2) * axes[2]
    people = np.stack([a, b])
    strict = Gallery(["a", "b"], ["Ann", "Bob"], people, threshold=0.5, margin=0.1)
    loose = Gallery(["a", "b"], ["Ann", "Bob"], people, threshold=0.5, margin=0.02)
    [refused] = strict.match(probe[None])
    [named] = loose.match(probe[None])
    assert refused.person_id is None
    assert refused.score == pytest.approx(0.70, abs=1e-5)
    assert refused.second_score == pytest.approx(0.66, abs=1e-5)
    assert named.person_id == "a"


def test_several_rows_per_person_match_by_their_centroid(axes):
    # Ann has two rows (e0, e1), Bob one (e2); rows arrive interleaved. Ann's centroid is (e0 + e1) / sqrt 2.
    gallery = Gallery(
        ["ann", "bob", "ann"], ["Ann", "Bob", "Ann"], np.stack([axes[0], axes[2], axes[1]]),
        threshold=0.5, margin=0.1,
    )
    assert len(gallery) == 2 and gallery.rows == 3
    between_anns_rows = between(axes[0], axes[1], 0.5 ** 0.5)  # the centroid itself
    near_bob = between(axes[2], axes[3], 0.75)
    first, second = gallery.match(np.stack([between_anns_rows, near_bob]))
    assert (first.person_id, first.name) == ("ann", "Ann")
    assert first.score == pytest.approx(1.0, abs=1e-5)
    assert (second.person_id, second.name) == ("bob", "Bob")
    # Ann's own two rows never compete with each other for the margin.
    assert first.second_score == pytest.approx(0.0, abs=1e-5)


def test_a_probe_like_one_of_two_photos_scores_its_share_of_the_centroid(axes):
    gallery = Gallery(["ann", "ann"], ["Ann", "Ann"], np.stack([axes[0], axes[1]]), threshold=0.5)
    [match] = gallery.match(axes[0][None])
    assert match.score == pytest.approx(0.5 ** 0.5, abs=1e-5)


def test_one_person_gallery_has_no_second_candidate(axes):
    gallery = Gallery(["p1"], ["Ann"], axes[0][None], threshold=0.3, margin=0.5)
    [match] = gallery.match(between(axes[0], axes[1], 0.4)[None])
    assert match.person_id == "p1"
    assert match.second_score == -1.0


def test_empty_gallery_matches_nobody(axes):
    gallery = Gallery([], [], np.zeros((0, DIM), np.float32), threshold=0.3)
    assert gallery.empty and len(gallery) == 0
    assert gallery.match(np.stack(axes[:3])) == [Match(None, None, -1.0, -1.0)] * 3
    assert gallery.match(np.zeros((0, DIM), np.float32)) == []


def test_single_query_row_may_be_one_dimensional(axes):
    gallery = Gallery(["p1", "p2"], ["Ann", "Bob"], np.stack(axes[:2]), threshold=0.5)
    assert [m.person_id for m in gallery.match(axes[1])] == ["p2"]


def test_mismatched_labels_are_refused(axes):
    with pytest.raises(ValueError):
        Gallery(["p1", "p2"], ["Ann"], np.stack(axes[:2]), threshold=0.5)


def test_hundred_thousand_identities():
    rng = np.random.default_rng(7)
    rows = l2_normalise(rng.standard_normal((100_000, DIM)))
    ids = [f"p{i}" for i in range(100_000)]
    gallery = Gallery(ids, ids, rows, threshold=0.5, margin=0.05)
    assert len(gallery) == 100_000
    assert gallery.person_scores(rows[:3]).shape == (3, 100_000)
    probes = l2_normalise(rows[[5, 99_999]] + 0.3 * l2_normalise(rng.standard_normal((2, DIM))))
    stranger = l2_normalise(rng.standard_normal((1, DIM)))
    matches = gallery.match(np.vstack([probes, stranger]))
    assert [m.person_id for m in matches] == ["p5", "p99999", None]
    assert matches[2].score < 0.5


# --- golden test: real photos through the real SFace pipeline --------------
# (sface_pipeline and faces_dir come from tests/vision/conftest.py)

def face_vector(pipeline, path: Path) -> np.ndarray:
    image = load_image(path)
    faces = pipeline.detect(image)
    assert faces, f"no face found in {path.name}"
    return pipeline.embed(image, faces[:1])[0]


def test_golden_obama_is_named_and_a_stranger_is_not(faces_dir, sface_pipeline):
    from kiosk.vision.calibration import CALIBRATED

    enrolled = np.stack([face_vector(sface_pipeline, faces_dir / f) for f in ("obama.jpg", "biden.jpg")])
    calibrated = CALIBRATED["sface"]
    gallery = Gallery(["obama", "biden"], ["Barack Obama", "Joe Biden"], enrolled,
                      threshold=calibrated["threshold"], margin=calibrated["margin"])
    obama2 = face_vector(sface_pipeline, faces_dir / "obama2.jpg")
    alex = face_vector(sface_pipeline, faces_dir / "alex-lacamoire.png")
    named, stranger = gallery.match(np.stack([obama2, alex]))
    assert named.person_id == "obama" and named.name == "Barack Obama"
    assert stranger.person_id is None
    assert stranger.score < calibrated["threshold"] <= named.score
