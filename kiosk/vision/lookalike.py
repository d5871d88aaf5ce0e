"""Enrolment screening: is a new face already enrolled under another id
(a duplicate), or close to someone enrolled (a look-alike)?

The bars come from kiosk/vision/naming.py (same_face_score, lookalike_floor).
For a flat threshold the look-alike band is [threshold - margin, threshold);
the margin per model is the gap between the calibrated threshold and the
highest different-person score measured in docs/ACCURACY.md ("Calibration"):
a new pair scoring in it looks more alike than any two different people in
our data did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.vision.gallery import Gallery

# threshold - highest different-person score (docs/ACCURACY.md, calibration table).
LOOKALIKE_MARGIN: dict[str, float] = {
    "sface": 0.490 - 0.448,
    "deepface:SFace": 0.490 - 0.448,
    "dlib": 0.950 - 0.935,
    "deepface:Dlib": 0.955 - 0.937,
    "arcface-mbf": 0.320 - 0.293,
    "edgeface-s": 0.480 - 0.385,
}
DEFAULT_LOOKALIKE_MARGIN = 0.05  # a model without a measured gap (or a hand-set threshold)


@dataclass(frozen=True)
class Neighbour:
    person_id: str
    name: str
    score: float  # best score of any new photo against any of their enrolled rows
    duplicate: bool  # score >= threshold: the same face, as far as the kiosk can tell


def lookalike_margin(model: str) -> float:
    return LOOKALIKE_MARGIN.get(model, DEFAULT_LOOKALIKE_MARGIN)


def close_people(gallery: Gallery, vectors: np.ndarray, person_id: str, same_face: float,
                 floor: float) -> list[Neighbour]:
    """Enrolled people other than `person_id` scoring >= `floor` (naming.lookalike_floor) against
    any of the new vectors, closest first. A score >= `same_face` (naming.same_face_score) makes it
    a duplicate: the same face, as far as the kiosk can tell."""
    if gallery.empty or len(vectors) == 0:
        return []
    best = gallery.person_scores(vectors).max(axis=0)
    found = [
        Neighbour(pid, name, float(score), bool(score >= same_face))
        for pid, name, score in zip(gallery.person_ids, gallery.names, best)
        if pid != person_id and score >= floor
    ]
    return sorted(found, key=lambda n: -n.score)
