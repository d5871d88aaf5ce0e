"""Liveness cues: one small interface, a registry keyed by config name, and
the per-face samples the cues read.

A cue looks at the samples of one tracked face (newest last) and answers
P(live) in [0, 1], or None when it has no evidence yet (a motion cue
before the face has moved, a model whose weights are missing). The judge
fuses the answers (fusion.py); no cue decides alone.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from kiosk.registry import Registry

if TYPE_CHECKING:
    from kiosk.config import LivenessSection
    from kiosk.vision.base import FaceBox

@dataclass
class FaceSample:
    """One frame of one tracked face. `cache` holds per-sample results (the
    face mesh, each frame cue's score) so nothing is computed twice."""

    image: np.ndarray | None  # the whole BGR frame; None once the judge has let go of it
    box: "FaceBox"
    t: float  # capture time, seconds
    cache: dict = field(default_factory=dict)

    @property
    def mesh(self) -> np.ndarray | None:
        """468 (x, y) face-mesh points in frame pixels, set by the judge; None if unavailable."""
        return self.cache.get("mesh")


class Cue(ABC):
    """One liveness cue. Build it in the thread that uses it (models load here)."""

    name = ""
    needs_mesh = False  # the judge runs the face mesh only if some cue needs it
    # The most "live" this cue may claim in the fusion. Cues that can expose an
    # attack but not prove a live face (texture: a good print has colour; motion:
    # a replayed video moves like a real head) are capped, so they never
    # outvote a confident learned model.
    live_cap = 1.0

    def __init__(self, cfg: "LivenessSection", models_dir: Path):
        self.cfg = cfg
        self.models_dir = Path(models_dir)

    @abstractmethod
    def score(self, samples: Sequence[FaceSample]) -> float | None:
        """P(live) from the samples so far (newest last), or None: no evidence yet."""


class FrameCue(Cue):
    """A cue that scores single frames; the track's score is the median of its
    last few frames, so one odd frame (blur, a cut) does not decide.

    `min_gap_s` lets a costly cue skip frames: a frame is scored only when the
    cue's newest scored frame of the track is at least that much older. A
    faster recognition pass means more frames for the learned model, and on a
    flickering face that is what decides how soon a live student is accepted."""

    window = 5
    min_gap_s = 0.0

    @abstractmethod
    def score_frame(self, sample: FaceSample) -> float | None:
        """P(live) from this one frame, or None."""

    def score(self, samples: Sequence[FaceSample]) -> float | None:
        key, skipped = "cue:" + self.name, "skip:" + self.name
        last_scored = -1e18
        for sample in samples:
            if key not in sample.cache and skipped not in sample.cache:
                if sample.image is not None and sample.t - last_scored >= self.min_gap_s:
                    sample.cache[key] = self.score_frame(sample)
                else:
                    sample.cache[skipped] = True
            if key in sample.cache:
                last_scored = sample.t
        values = [s.cache[key] for s in samples if s.cache.get(key) is not None][-self.window:]
        return float(np.median(values)) if values else None


TEXTURE_LIVE_CAP = 0.5  # texture cues: evidence against "live" only; a clean crop proves nothing
MOTION_LIVE_CAP = 0.75  # motion cues: rule out a still picture, not a replayed video

LIVENESS: Registry[Cue] = Registry(
    "liveness cue",
    {
        "minifasnet": "kiosk.liveness.minifasnet",
        "planar": "kiosk.liveness.temporal",
        "frozen": "kiosk.liveness.temporal",
        "blink": "kiosk.liveness.temporal",
        "screen": "kiosk.liveness.texture",
        "print": "kiosk.liveness.texture",
        "edges": "kiosk.liveness.texture",
        "laplacian": "kiosk.liveness.texture",
    },
)


def face_crop(image: np.ndarray, box: "FaceBox", scale: float = 1.0, size: int | None = None) -> np.ndarray:
    """The box enlarged `scale` times about its centre, clipped to the image,
    optionally resized to size x size."""
    import cv2

    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    half = max(box.w, box.h) * scale / 2
    h, w = image.shape[:2]
    x0, y0 = max(0, int(cx - half)), max(0, int(cy - half))
    x1, y1 = min(w, int(cx + half)), min(h, int(cy + half))
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        crop = np.zeros((8, 8, 3), np.uint8)
    return cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA) if size else crop


def squash(x: float, centre: float, width: float) -> float:
    """A logistic step: 0.5 at `centre`, ~0.12 / 0.88 at centre -/+ 2 widths."""
    return float(1.0 / (1.0 + np.exp(-(x - centre) / width)))
