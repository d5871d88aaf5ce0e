"""Texture and screen cues on the face crop and its surroundings, one frame at a time.

- laplacian: the original system's only check (variance of the Laplacian,
  live above 100). Kept as a weak cue and as the benchmark's reference.
- screen: a screen's pixel grid beats with the camera's into moire: sharp,
  isolated peaks in the face's spectrum, which skin does not have.
- print: paper loses colour and dynamic range.
- edges: the straight edges of a phone bezel or a sheet of paper framing the face.
"""

from __future__ import annotations

import cv2
import numpy as np

from kiosk.liveness.base import LIVENESS, TEXTURE_LIVE_CAP, FaceSample, FrameCue, face_crop, squash

# Screen (FFT, ~4.6 ms a face) and edges (~2.2 ms) look at what changes slowly: a bezel or
# a moire pattern is there in every frame. Scoring them 5 times a second instead of on every
# pass made check-ins on the Hamilton clip faster (bench/latency.py; BENCHMARKS.md).
TEXTURE_GAP_S = 0.2
SEED_THRESHOLD = 100.0  # the original check: Laplacian variance above this was "live"
FFT_SIZE = 128
# Peak-to-background ratio of the face spectrum's mid/high band (see spectral_peakiness).
SCREEN_CENTRE, SCREEN_WIDTH = 6.5, 1.2
PRINT_CENTRE, PRINT_WIDTH = 0.55, 0.08  # colour + range score of a live face under room light
EDGE_MIN_LENGTH = 0.9  # x face width: a line this long is a frame, not a facial feature


def laplacian_variance(image: np.ndarray, box) -> float:
    grey = cv2.cvtColor(face_crop(image, box, 1.0), cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def seed_is_live(image: np.ndarray, box) -> bool:
    """The original system's verdict, for the benchmark's baseline."""
    return laplacian_variance(image, box) > SEED_THRESHOLD


@LIVENESS.register("laplacian")
class LaplacianCue(FrameCue):
    name = "laplacian"
    live_cap = TEXTURE_LIVE_CAP

    def score_frame(self, sample: FaceSample) -> float | None:
        # Squeezed into 0.3..0.7: sharpness says little (a blurry webcam is live,
        # a sharp phone is not), so this cue only nudges.
        variance = laplacian_variance(sample.image, sample.box)
        return 0.3 + 0.4 * squash(np.log10(variance + 1), np.log10(SEED_THRESHOLD), 0.25)


def spectral_peakiness(grey: np.ndarray) -> float:
    """How far the strongest mid/high-frequency peak stands above the spectrum's
    own radial trend (median at that radius). JPEG's 8-pixel block grid is
    left out: compression is not a screen."""
    patch = cv2.resize(grey, (FFT_SIZE, FFT_SIZE), interpolation=cv2.INTER_AREA).astype(np.float32)
    patch -= patch.mean()
    window = np.outer(np.hanning(FFT_SIZE), np.hanning(FFT_SIZE)).astype(np.float32)
    spectrum = np.log1p(np.abs(np.fft.fftshift(np.fft.fft2(patch * window))))
    yy, xx = np.mgrid[:FFT_SIZE, :FFT_SIZE] - FFT_SIZE // 2
    radius = np.hypot(xx, yy).astype(int)
    band = (radius >= FFT_SIZE // 8) & (radius < FFT_SIZE // 2)
    block = FFT_SIZE // 8
    band &= ~(((xx % block == 0) & (np.abs(yy) <= 1)) | ((yy % block == 0) & (np.abs(xx) <= 1)))
    medians = np.zeros(radius.max() + 1, np.float32)
    spreads = np.ones(radius.max() + 1, np.float32)
    for r in range(FFT_SIZE // 8, FFT_SIZE // 2):
        ring = spectrum[(radius == r) & band]
        if ring.size:
            medians[r] = np.median(ring)
            spreads[r] = max(float(np.median(np.abs(ring - medians[r]))), 1e-3)
    z = (spectrum - medians[radius]) / spreads[radius]
    return float(np.max(z[band])) if band.any() else 0.0


@LIVENESS.register("screen")
class ScreenCue(FrameCue):
    name = "screen"
    live_cap = TEXTURE_LIVE_CAP
    min_gap_s = TEXTURE_GAP_S

    def score_frame(self, sample: FaceSample) -> float | None:
        crop = face_crop(sample.image, sample.box, 0.8)
        if min(crop.shape[:2]) < 48:
            return None  # too few pixels for a spectrum
        peak = spectral_peakiness(cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY))
        return 1.0 - squash(peak, SCREEN_CENTRE, SCREEN_WIDTH)


def colour_and_range(crop: np.ndarray) -> float:
    """0..1: the face's chroma and its grey-level spread, each against a live face's."""
    lab = cv2.cvtColor(crop, cv2.COLOR_BGR2LAB).astype(np.float32)
    chroma = float(np.median(np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)))
    lo, hi = np.percentile(lab[..., 0], (2, 98))
    return 0.5 * min(chroma / 20.0, 1.5) + 0.5 * min((hi - lo) / 160.0, 1.5)


@LIVENESS.register("print")
class PrintCue(FrameCue):
    name = "print"
    live_cap = TEXTURE_LIVE_CAP

    def score_frame(self, sample: FaceSample) -> float | None:
        crop = face_crop(sample.image, sample.box, 1.0)
        if min(crop.shape[:2]) < 24:
            return None
        return squash(colour_and_range(crop), PRINT_CENTRE, PRINT_WIDTH)


def frame_edges(image: np.ndarray, box) -> int:
    """How many sides of the face (left, right, above, below) have a long straight
    edge near it, outside the face: a bezel or a paper edge frames the face."""
    scale = 2.4
    crop = face_crop(image, box, scale)
    side = max(box.w, box.h)
    factor = 256 / max(crop.shape[:2])
    small = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0), 40, 120)
    min_len = EDGE_MIN_LENGTH * side * factor
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=int(min_len * 0.6),
                            minLineLength=min_len, maxLineGap=6)
    if lines is None:
        return 0
    h, w = small.shape[:2]
    cx, cy, half = w / 2, h / 2, side * factor / 2
    sides = set()
    for x1, y1, x2, y2 in np.asarray(lines).reshape(-1, 4):
        horizontal = abs(y2 - y1) < abs(x2 - x1) * 0.2
        vertical = abs(x2 - x1) < abs(y2 - y1) * 0.2
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        if horizontal and abs(my - cy) > half * 1.05:
            sides.add("above" if my < cy else "below")
        elif vertical and abs(mx - cx) > half * 0.9:
            sides.add("left" if mx < cx else "right")
    return len(sides)


@LIVENESS.register("edges")
class EdgesCue(FrameCue):
    name = "edges"
    live_cap = TEXTURE_LIVE_CAP
    min_gap_s = TEXTURE_GAP_S

    def score_frame(self, sample: FaceSample) -> float | None:
        sides = frame_edges(sample.image, sample.box)
        return {0: None, 1: 0.45}.get(sides, 0.2)
