"""Synthetic presentation attacks, made from genuine frames with fixed seeds.

- print_attack: a still frame printed (colour and range lost, halftone dots,
  paper grain, a white paper edge) and held by a slowly moving hand (affine jitter).
- screen_photo_attack: a still frame shown on a phone or monitor (gamma and
  white-point shift, a pixel grid that the camera resamples into moire, a
  black bezel), held by hand or standing.
- video_replay_attack: the genuine clip itself played on that screen, frame by frame.

Every function takes a numpy Generator, so a seed fixes the attack.
"""

from __future__ import annotations

import cv2
import numpy as np

OUT_SIZE = (640, 480)  # (w, h) of the simulated camera


def _photo_region(frame: np.ndarray, box, scale: float = 2.4) -> np.ndarray:
    """Head and shoulders around the face, as a photo lab would print it (levels
    stretched so the face is well exposed): what the print or the screen shows."""
    cx, cy = box.x + box.w / 2, box.y + box.h / 2 + box.h * 0.2
    half = max(box.w, box.h) * scale / 2
    h, w = frame.shape[:2]
    x0, y0 = int(max(0, cx - half * 0.8)), int(max(0, cy - half))
    x1, y1 = int(min(w, cx + half * 0.8)), int(min(h, cy + half))
    photo = frame[y0:y1, x0:x1].astype(np.float32)
    face = frame[int(max(0, box.y)):int(box.y + box.h), int(max(0, box.x)):int(box.x + box.w)]
    gain = 150.0 / max(float(face.mean()), 20.0) if face.size else 1.0
    photo = cv2.resize(photo * min(gain, 4.0), None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    return np.clip(photo, 0, 255).astype(np.uint8)


def _wall(rng: np.random.Generator) -> np.ndarray:
    w, h = OUT_SIZE
    base = rng.uniform(90, 200, 3)
    ramp = np.linspace(0.85, 1.1, w)[None, :, None] * np.linspace(1.05, 0.9, h)[:, None, None]
    wall = base[None, None, :] * ramp + rng.normal(0, 3, (h, w, 3))
    return np.clip(wall, 0, 255).astype(np.uint8)


def degrade_print(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ink on paper: less chroma, black never black and white never white,
    halftone dots and paper grain, a little ink spread."""
    lab = cv2.cvtColor(photo, cv2.COLOR_BGR2LAB).astype(np.float32)
    lab[..., 1:] = 128 + (lab[..., 1:] - 128) * rng.uniform(0.45, 0.7)
    lab[..., 0] = rng.uniform(30, 50) + lab[..., 0] * rng.uniform(0.6, 0.75)
    out = cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2BGR).astype(np.float32)
    h, w = out.shape[:2]
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    period = rng.uniform(2.5, 4.0)
    dots = np.cos(2 * np.pi * (xx + yy) / period) * np.cos(2 * np.pi * (xx - yy) / period)
    out *= (1 + rng.uniform(0.05, 0.1) * dots)[..., None]
    grain = cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 1.5)
    out += (grain * rng.uniform(6, 10))[..., None]
    out = cv2.GaussianBlur(out, (0, 0), 0.7)
    border = max(4, int(0.05 * min(h, w)))
    out = cv2.copyMakeBorder(out, border, border, border, border, cv2.BORDER_CONSTANT, value=(225, 228, 230))
    return np.clip(out, 0, 255).astype(np.uint8)


def screen_render(photo: np.ndarray, rng: np.random.Generator, gamma: float | None = None,
                  pitch: int = 3) -> np.ndarray:
    """The photo on an LCD: gamma and white point shifted, every pixel drawn as
    RGB sub-pixel stripes with dark gaps (the camera later aliases this into moire)."""
    gamma = gamma if gamma is not None else rng.choice([rng.uniform(0.6, 0.85), rng.uniform(1.2, 1.5)])
    img = 255.0 * (photo.astype(np.float32) / 255.0) ** gamma
    img *= np.array([rng.uniform(1.0, 1.15), 1.0, rng.uniform(0.85, 0.98)], np.float32)  # BGR white point
    big = np.repeat(np.repeat(img, pitch, axis=0), pitch, axis=1)
    h, w = big.shape[:2]
    mask = np.full((h, w, 3), 0.35, np.float32)
    for channel, offset in ((2, 0), (1, 1), (0, 2)):  # R, G, B stripes
        mask[:, offset::pitch, channel] = 1.0
    mask[pitch - 1::pitch, :, :] *= 0.55  # gaps between pixel rows
    bright = rng.uniform(1.3, 1.6)
    return np.clip(big * mask * bright, 0, 255).astype(np.uint8)


def add_bezel(screen: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = screen.shape[:2]
    side = max(6, int(rng.uniform(0.04, 0.08) * min(h, w)))
    colour = tuple(float(c) for c in rng.uniform(5, 30, 3))
    return cv2.copyMakeBorder(screen, side, side * 2, side, side, cv2.BORDER_CONSTANT, value=colour)


class HandJitter:
    """Slow, smooth affine motion of a held object: a few degrees, a few per cent, a few pixels."""

    def __init__(self, rng: np.random.Generator, strength: float = 1.0):
        self.phase = rng.uniform(0, 2 * np.pi, 4)
        self.freq = rng.uniform(0.2, 0.6, 4)
        self.strength = strength

    def matrix(self, t: float, centre: tuple[float, float], base_scale: float) -> np.ndarray:
        s = self.strength
        wave = np.sin(2 * np.pi * self.freq * t + self.phase)
        angle = 3.0 * s * wave[0]
        scale = base_scale * (1 + 0.04 * s * wave[1])
        m = cv2.getRotationMatrix2D(centre, angle, scale)
        m[:, 2] += (12 * s * wave[2], 8 * s * wave[3])
        return m


def _compose(item: np.ndarray, wall: np.ndarray, jitter: HandJitter, t: float, rng: np.random.Generator,
             fill: float = 0.75) -> np.ndarray:
    """Place the held item at the middle of the camera view, moved by the hand, plus sensor noise."""
    w, h = OUT_SIZE
    ih, iw = item.shape[:2]
    base = fill * min(w / iw, h / ih)
    m = jitter.matrix(t, (iw / 2, ih / 2), base)
    m[:, 2] += (w / 2 - iw / 2, h / 2 - ih / 2)
    warped = cv2.warpAffine(item, m, (w, h), flags=cv2.INTER_LINEAR)
    inside = cv2.warpAffine(np.full((ih, iw), 255, np.uint8), m, (w, h)) > 127
    frame = np.where(inside[..., None], warped, wall).astype(np.float32)
    frame += rng.normal(0, 2.0, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


def print_attack(frame: np.ndarray, box, rng: np.random.Generator, n: int, fps: float = 15.0) -> list[np.ndarray]:
    printed = degrade_print(_photo_region(frame, box), rng)
    wall, jitter = _wall(rng), HandJitter(rng)
    return [_compose(printed, wall, jitter, i / fps, rng) for i in range(n)]


def screen_photo_attack(frame: np.ndarray, box, rng: np.random.Generator, n: int, fps: float = 15.0,
                        handheld: bool = True) -> list[np.ndarray]:
    shown = add_bezel(screen_render(_photo_region(frame, box), rng), rng)
    wall, jitter = _wall(rng), HandJitter(rng, 1.0 if handheld else 0.1)
    return [_compose(shown, wall, jitter, i / fps, rng) for i in range(n)]


def video_replay_attack(frames: list[np.ndarray], box, rng: np.random.Generator, fps: float = 15.0) -> list[np.ndarray]:
    """Each genuine frame on the same screen, at the same place (a tablet held up to the kiosk)."""
    gamma = float(rng.choice([rng.uniform(0.6, 0.85), rng.uniform(1.2, 1.5)]))
    wall, jitter = _wall(rng), HandJitter(rng, 0.3)
    state = rng.bit_generator.state
    out = []
    for i, frame in enumerate(frames):
        rng.bit_generator.state = state  # same screen look for every frame
        shown = add_bezel(screen_render(_photo_region(frame, box), rng, gamma), rng)
        out.append(_compose(shown, wall, jitter, i / fps, rng))
    return out
