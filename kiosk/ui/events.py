"""Events that worker threads post to the UI loop.

Workers never touch pygame; they put these on a queue.Queue and only the
main loop changes what is on screen.
"""

from __future__ import annotations

import logging
import queue

from dataclasses import dataclass

from kiosk.model import CheckIn, SessionInfo
from kiosk.vision.base import FaceBox


@dataclass(frozen=True)
class FaceLabel:
    box: FaceBox  # in the captured frame's pixel coordinates
    name: str | None  # None while unknown or not yet confirmed
    score: float | None
    confirmed: bool
    liveness: float | None = None  # fused live-check score in [0, 1], shown beside the box


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


@dataclass(frozen=True)
class SyncState:
    """The central-database sync, for the banner corner (kiosk/sync/thread.py posts it)."""

    online: bool
    queued: int  # check-ins not yet acknowledged by the central database
    message: str = ""  # one line, e.g. the reason it is offline; never a password


@dataclass(frozen=True)
class LivenessFailed:
    """A face failed the live check: nothing was marked."""

    score: float


@dataclass(frozen=True)
class ChallengePrompt:
    """The passive live check is unsure: ask for a blink ("blink") or a small head turn ("turn")."""

    kind: str
    seconds: float = 2.0


def post(events: queue.Queue, event: object) -> bool:
    """Hand an event to the UI loop without ever blocking a worker; False if the queue was full."""
    try:
        events.put_nowait(event)
        return True
    except queue.Full:
        logging.getLogger(__name__).debug("UI event queue full; dropped %s", type(event).__name__)
        return False
