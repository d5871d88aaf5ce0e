"""Evidence over a whole track: the quality-weighted mean of every frame it was embedded in.

A student is in view for 10-60 frames. Each frame's embedding is noisy in
its own way (blur, a turned head, a blink); their quality-weighted mean
keeps what the frames share. kiosk/vision/naming.py names the track from
that mean (judge_mean), by the same rule as a photo plus a headroom, so a
stranger gets one chance per track with the evidence of all its frames, not
a fresh chance on every frame. Measured on walk-up sequences built from
identify_calib photos (bench/walkup.py, docs/ACCURACY.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.vision.base import FaceBox
from kiosk.vision.quality import yaw_degrees

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
