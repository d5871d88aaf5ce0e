"""Temporal cues over the frames of one tracked face.

- planar: a photo or a screen is flat, so when it moves its face-mesh points
  all follow one homography. A real head turning or talking does not.
- frozen: a replayed still (identical frames, or a picture only shifted or
  turned by the hand) changes no pixel once its motion is undone.
- blink: the eye aspect ratio dips and comes back.

Each answers None until the face has moved (or long enough has passed):
a live student standing still is no evidence either way.
"""

from __future__ import annotations

import logging
from typing import Sequence

import cv2
import numpy as np

from kiosk.liveness.base import LIVENESS, MOTION_LIVE_CAP, Cue, FaceSample, face_crop, squash
from kiosk.vision.landmarks import eye_aspect_ratio, inter_ocular, yaw_proxy

log = logging.getLogger(__name__)

WINDOW_S = 2.0  # motion is judged over this much of the track's recent past
MIN_MOTION = 0.03  # non-translational point motion (x inter-ocular distance) that counts
# Homography residual (x inter-ocular distance): a flat picture stays near the
# mesh's own noise (~0.01); a real head turning or talking goes well above.
PLANAR_CENTRE, PLANAR_WIDTH = 0.016, 0.004
FROZEN_CROP = 96
IDENTICAL_GREY = 0.6  # mean grey-level change below which two frames are the same picture
RIGID_MOTION = 0.06  # displacement (x inter-ocular) that makes a pair informative
RIGID_CENTRE, RIGID_WIDTH = 0.02, 0.004  # similarity residual: a picture stays at mesh noise
BLINK_DROP = 0.72  # EAR below this share of the open-eye level is a closed eye
NO_BLINK_S = 4.0  # this long without a blink is weak evidence of a picture


def recent(samples: Sequence[FaceSample], seconds: float = WINDOW_S) -> list[FaceSample]:
    if not samples:
        return []
    newest = samples[-1].t
    return [s for s in samples if newest - s.t <= seconds]


def _meshed(samples: Sequence[FaceSample]) -> list[FaceSample]:
    return [s for s in samples if s.mesh is not None]


def plane_fit(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """(homography residual, non-translational motion), both RMS / inter-ocular distance."""
    scale = max(inter_ocular(ref), 1.0)
    moved = cur - ref
    motion = float(np.sqrt(((moved - moved.mean(axis=0)) ** 2).sum(axis=1).mean())) / scale
    homography, _ = cv2.findHomography(ref, cur, 0)
    if homography is None:
        return 0.0, motion
    fitted = cv2.perspectiveTransform(ref[None].astype(np.float64), homography)[0]
    residual = float(np.sqrt(((cur - fitted) ** 2).sum(axis=1).mean())) / scale
    return residual, motion


@LIVENESS.register("planar")
class PlanarMotionCue(Cue):
    name = "planar"
    live_cap = MOTION_LIVE_CAP
    needs_mesh = True

    def score(self, samples: Sequence[FaceSample]) -> float | None:
        meshed = _meshed(recent(samples))
        if len(meshed) < 3:
            return None
        # Pairs of frames far enough apart for real motion: each against the oldest.
        residuals = []
        for s in meshed[1:]:
            residual, motion = _cached(s, ("plane", meshed[0].t), lambda: plane_fit(meshed[0].mesh, s.mesh))
            if motion >= MIN_MOTION:
                residuals.append(residual)
        if len(residuals) < 2:
            return None
        return squash(float(np.median(residuals)), PLANAR_CENTRE, PLANAR_WIDTH)


def _cached(sample: FaceSample, key: tuple, compute):
    """A pair's result, kept on the newer sample (samples live only while their track does)."""
    if key not in sample.cache:
        sample.cache[key] = compute()
    return sample.cache[key]


def rigid_fit(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """(similarity residual, displacement), both RMS / inter-ocular distance: a picture
    shifted, turned or scaled by a hand moves its points by a similarity only."""
    scale = max(inter_ocular(ref), 1.0)
    displacement = float(np.sqrt(((cur - ref) ** 2).sum(axis=1).mean())) / scale
    matrix, _ = cv2.estimateAffinePartial2D(ref, cur, method=cv2.LMEDS)
    if matrix is None:
        return 1.0, displacement
    fitted = ref @ matrix[:, :2].T + matrix[:, 2]
    return float(np.sqrt(((cur - fitted) ** 2).sum(axis=1).mean())) / scale, displacement


def _identical(a: FaceSample, b: FaceSample) -> bool:
    """The same picture twice (a frozen or looped digital feed): no sensor noise at all."""
    crop_a, crop_b = small_face(a), small_face(b)
    return float(np.abs(crop_a.astype(np.int16) - crop_b.astype(np.int16)).mean()) < IDENTICAL_GREY


def small_face(sample: FaceSample) -> np.ndarray:
    """The face, FROZEN_CROP pixels square; kept after the frame itself is let go (judge.py)."""
    return _cached(sample, ("small face",), lambda: cv2.resize(face_crop(sample.image, sample.box),
                                                               (FROZEN_CROP, FROZEN_CROP)))


@LIVENESS.register("frozen")
class FrozenFaceCue(Cue):
    """Identical frames, or a face that moved only as a rigid picture (similarity)."""

    name = "frozen"
    live_cap = MOTION_LIVE_CAP
    needs_mesh = True

    def score(self, samples: Sequence[FaceSample]) -> float | None:
        window = recent(samples)
        if len(window) < 3:
            return None
        pairs = list(zip(window[:-1], window[1:]))
        if sum(_cached(b, ("same", a.t), lambda: _identical(a, b)) for a, b in pairs) >= 0.7 * len(pairs):
            return 0.05
        meshed = _meshed(window)
        if len(meshed) < 2:
            return None
        moves = [_cached(s, ("rigid", meshed[0].t), lambda: rigid_fit(meshed[0].mesh, s.mesh)) for s in meshed[1:]]
        moved = [residual for residual, shift in moves if shift >= RIGID_MOTION]
        if len(moved) < 3:
            return None  # standing still is no evidence
        return squash(float(np.median(moved)), RIGID_CENTRE, RIGID_WIDTH)


def ear_series(samples: Sequence[FaceSample]) -> list[tuple[float, float]]:
    return [(s.t, eye_aspect_ratio(s.mesh)) for s in _meshed(samples)]


def blinked(samples: Sequence[FaceSample], since: float = -1e18) -> bool:
    """An eye closure after `since`, with open eyes on both sides of it."""
    series = ear_series(samples)
    if len(series) < 3:
        return False
    open_level = float(np.percentile([e for _, e in series], 80))
    closed = open_level * BLINK_DROP
    for i in range(1, len(series) - 1):
        t, ear = series[i]
        if t >= since and ear < closed:
            before = any(e > open_level * 0.9 for _, e in series[:i])
            after = any(e > open_level * 0.9 for _, e in series[i + 1:])
            if before and after:
                return True
    return False


def turned(samples: Sequence[FaceSample], since: float, amount: float = 0.08) -> bool:
    """The head turned (nose moved across the eye line) after `since`, and
    not as a flat picture: the mesh left its plane while doing so."""
    meshed = [s for s in _meshed(samples) if s.t >= since]
    if len(meshed) < 2:
        return False
    yaws = [yaw_proxy(s.mesh) for s in meshed]
    if max(yaws) - min(yaws) < amount:
        return False
    residual, _ = plane_fit(meshed[int(np.argmin(yaws))].mesh, meshed[int(np.argmax(yaws))].mesh)
    return residual > PLANAR_CENTRE


@LIVENESS.register("blink")
class BlinkCue(Cue):
    name = "blink"
    needs_mesh = True

    def score(self, samples: Sequence[FaceSample]) -> float | None:
        if blinked(samples):
            return 0.9
        meshed = _meshed(samples)
        if meshed and meshed[-1].t - meshed[0].t >= NO_BLINK_S:
            return 0.35
        return None
