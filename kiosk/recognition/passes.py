"""Which faces one recognition pass looks at, and which of them it embeds (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.config import VisionSection
from kiosk.vision.base import FaceBox
from kiosk.vision.quality import is_frontal
from kiosk.vision.tracker import Track

REVERIFY_S = 0.25  # a settled track (confirmed, or a stranger behind) is re-identified this often
MOVED_IOU = 0.5  # a settled face whose box moved this much since its embedding is checked again
MAX_EMBEDS_PER_FRAME = 3  # largest faces first; a crowd must not stall the worker


@dataclass(frozen=True)
class Pass:
    usable: list[Track]  # big enough and facing the kiosk: judged, announced
    due: list[Track]  # to embed now, largest first


def usable(face: FaceBox, vision: VisionSection) -> bool:
    """Big enough and facing the kiosk: only such faces are identified."""
    return face.size >= vision.min_face_px and is_frontal(face, vision.max_yaw_deg)


def needs_embedding(track: Track, now: float, front: bool) -> bool:
    # Unconfirmed faces are embedded on every pass: that is what notices at once when a known
    # student steps into a stranger's place (bench/latency.py). Settled faces (confirmed, or a
    # stranger behind the one at the kiosk) are checked again after a while, or at once if
    # the box jumped: that keeps a pass within one frame time with a crowd in view.
    settled = track.confirmed is not None or (track.stranger and not front)
    if not settled:
        return True
    moved = track.embedded_box is not None and track.box.iou(track.embedded_box) < MOVED_IOU
    return moved or now - track.last_embedded >= REVERIFY_S


def plan(tracks: list[Track], now: float, vision: VisionSection) -> Pass:
    faces = [t for t in tracks if usable(t.box, vision)]
    front = max(faces, key=lambda t: t.box.size, default=None)
    due = [t for t in faces if needs_embedding(t, now, t is front)]
    due.sort(key=lambda t: t.box.size, reverse=True)
    return Pass(faces, due[:MAX_EMBEDS_PER_FRAME])
