"""Evidence over a whole track: who a face is, from every frame it was embedded in.

A student is in view for 10-60 frames. Each frame's embedding is noisy in
its own way (blur, a turned head, a blink); their quality-weighted mean
keeps what the frames share. The track is named from that mean, by the same
Gallery rule as a photo, so a stranger gets one chance per track with the
evidence of all its frames, not a fresh chance on every frame. Measured on
walk-up sequences built from identify_calib photos (bench/walkup.py,
docs/ACCURACY.md).

- confirmed: at least `min_frames` frames, and the mean passes the gallery's
  threshold (plus TRACK_HEADROOM) and margin;
- stranger: at least `refuse_frames` frames, and the mean is clearly below
  the threshold (by REFUSE_GAP), or still undecided after `max_frames`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.vision.base import FaceBox, Match
from kiosk.vision.quality import yaw_degrees

# The mean of several frames of a look-alike stranger keeps what makes them look alike, so it
# passes a single photo's threshold more often than one photo does. On walk-up sequences (5 folds,
# 350 stranger tracks, references averaged over sizes) stranger tracks were named up to +0.05 and
# none from +0.06; +0.07 keeps a step of room and names as many genuine tracks, 792 of 800
# (bench/walkup.py, docs/ACCURACY.md, "Walk-up tracks").
TRACK_HEADROOM = 0.07
REFUSE_GAP = 0.10  # a mean this far below the threshold is a stranger (genuine means sit above it)
FULL_WEIGHT_PX = 96  # faces this big or bigger count fully; a smaller one in proportion
YAW_HALF_WEIGHT_DEG = 30.0  # a face turned this far counts half


def frame_weight(face: FaceBox) -> float:
    """How much one frame's embedding counts: detector confidence, size and pose.
    A turned or small face gives the least reliable embedding (docs/ACCURACY.md)."""
    size = min(1.0, face.size / FULL_WEIGHT_PX)
    pose = 1.0 / (1.0 + (yaw_degrees(face) / YAW_HALF_WEIGHT_DEG) ** 2)
    return max(1e-3, float(face.score) * size * pose)


@dataclass
class TrackEvidence:
    """The running, weighted mean of one track's embeddings."""

    total: np.ndarray | None = None
    weight: float = 0.0
    frames: int = 0

    def add(self, vector: np.ndarray, weight: float = 1.0) -> None:
        vector = np.asarray(vector, np.float32)
        self.total = vector * weight if self.total is None else self.total + vector * weight
        self.weight += weight
        self.frames += 1

    def reset(self) -> None:
        self.total, self.weight, self.frames = None, 0.0, 0

    @property
    def mean(self) -> np.ndarray | None:
        if self.total is None:
            return None
        norm = float(np.linalg.norm(self.total))
        return self.total / norm if norm > 1e-12 else None


@dataclass(frozen=True)
class Verdict:
    """What the evidence says so far: a confirmed Match, a stranger, or undecided (both None/False)."""

    match: Match  # the mean's match (person_id None when not named)
    confirmed: bool
    stranger: bool


def judge(evidence: TrackEvidence, gallery, min_frames: int, refuse_frames: int = 3,
          max_frames: int = 30) -> Verdict:
    """The verdict on a track from the mean of its frames (gallery: kiosk.vision.gallery.Gallery)."""
    mean = evidence.mean
    if mean is None or gallery.empty:
        return Verdict(Match(None, None, -1.0), False, evidence.frames >= refuse_frames)
    match = gallery.match(mean[None])[0]
    if match.person_id is not None and match.score >= gallery.threshold + TRACK_HEADROOM:
        return Verdict(match, evidence.frames >= min_frames, False)
    match = Match(None, None, match.score, match.second_score)
    clearly_below = match.score < gallery.threshold - REFUSE_GAP
    stranger = (evidence.frames >= refuse_frames and clearly_below) or evidence.frames >= max_frames
    return Verdict(match, False, stranger)
