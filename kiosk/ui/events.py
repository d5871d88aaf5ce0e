"""Events that worker threads post to the UI loop.

Workers never touch pygame; they put these on a queue.Queue and only the
main loop changes what is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.attendance.model import CheckIn, SessionInfo
from kiosk.vision.base import FaceBox


@dataclass(frozen=True)
class FaceLabel:
    box: FaceBox  # in the captured frame's pixel coordinates
    name: str | None  # None while unknown or not yet confirmed
    score: float | None
    confirmed: bool


@dataclass(frozen=True)
class FacesSeen:
    frame_index: int
    faces: tuple[FaceLabel, ...]


@dataclass(frozen=True)
class CheckInPosted:
    checkin: CheckIn


@dataclass(frozen=True)
class LookAtCamera:
    """A face is there but too small, turned away or blurred."""


@dataclass(frozen=True)
class SessionChanged:
    current: SessionInfo | None
    upcoming: SessionInfo | None
    present_count: int = 0
    roster_size: int = 0


@dataclass(frozen=True)
class CameraState:
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class RecognitionState:
    ready: bool
    message: str = ""


@dataclass(frozen=True)
class Notice:
    text: str
    level: str = "info"  # "info" | "warning" | "error"
