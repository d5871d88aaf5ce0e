"""What the worker threads tell the live screen.

Lossless messages (LOSSLESS = True) are the outcomes someone waits for: a
check-in card, a refusal. Everything else is a "latest value" (the faces in
view, the camera's or sync's state): a newer one replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from kiosk.model import CheckIn, Frame, SessionInfo
from kiosk.vision.base import FaceBox


@dataclass(frozen=True)
class FaceLabel:
    box: FaceBox  # in the captured frame's pixel coordinates
    name: str | None  # None for a stranger, or while not yet confirmed
    score: float | None
    confirmed: bool
    liveness: float | None = None  # fused live-check score in [0, 1], shown beside the box


@dataclass(frozen=True)
class FacesSeen:
    """The faces found in one frame. `frame` is that frame, so the screen can draw the boxes
    on the picture they were found in (None: only the index is known)."""

    frame_index: int
    faces: tuple[FaceLabel, ...]
    frame: Frame | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class CheckInPosted:
    """The outcome of one face at the door; a PRESENT or LATE one was stored before it was sent."""

    LOSSLESS: ClassVar[bool] = True
    checkin: CheckIn


@dataclass(frozen=True)
class CodeSeen:
    """A check-in code read from a QR card in the camera's view: the screen passes it to the
    desk worker, which alone checks codes (scrypt is slow; the recognition thread must not wait)."""

    LOSSLESS: ClassVar[bool] = True
    code: str


@dataclass(frozen=True)
class LookAtCamera:
    """A face is there but too small, turned away or blurred."""


@dataclass(frozen=True)
class LivenessFailed:
    """A face failed the live check: nothing was marked (a spoof event was recorded)."""

    LOSSLESS: ClassVar[bool] = True
    score: float


@dataclass(frozen=True)
class ChallengePrompt:
    """The passive live check is unsure: ask for a blink ("blink") or a small head turn ("turn")."""

    kind: str
    seconds: float = 2.0


# RecognitionState.liveness: how faces are checked for life.
LIVENESS_FULL = "full"  # the learned model and the cues
LIVENESS_BLINK = "blink"  # no learned model: every face must blink
LIVENESS_LIMITED = "limited"  # no learned model and no way to ask: texture cues only
LIVENESS_OFF = "off"  # liveness.enabled = false


@dataclass(frozen=True)
class RecognitionState:
    ready: bool
    liveness: str = LIVENESS_FULL
    error: str = ""  # why recognition could not start (one line), when not ready after trying


# Notice.reason: a one-off notice for the screen's toast.
STORAGE_FAILING = "storage_failing"  # detail: the store's error; check-ins are not being saved
STORAGE_BACK = "storage_back"  # detail: how many check-ins kept in memory were saved now
LIVENESS_CUE_OFF = "liveness_cue_off"  # detail: the cue that could not start
LIVENESS_BLINK_ONLY = "liveness_blink_only"  # no learned model: everyone is asked to blink
LIVENESS_TEXTURE_ONLY = "liveness_texture_only"  # no learned model and no way to ask: texture cues only
EMBEDDER_FALLBACK = "embedder_fallback"  # detail: the configured face model, missing or damaged; SFace runs
# detail: "partial:<people>:<configured>:<serving>" (the configured model's gallery is partial: another runs) or
# "unmatched:<people>:..." (no model has everyone's vector: these people cannot be recognised)
GALLERY_PARTIAL = "gallery_partial"


@dataclass(frozen=True)
class Notice:
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class CameraState:
    ok: bool
    detail: str = ""  # why not, for the log and tests (one line); the screen has its own words


@dataclass(frozen=True)
class SyncState:
    """The central-database sync, for the banner corner (kiosk/sync/thread.py posts it)."""

    online: bool
    queued: int  # check-ins not yet acknowledged by the central database
    error: str = ""  # one line, e.g. why it is offline; never a password
    warnings: int = 0  # documents skipped or refused in the last cycle
    first_warning: str = ""

    @property
    def needs_attention(self) -> bool:
        return bool(self.error or self.warnings)


@dataclass(frozen=True)
class SessionChanged:
    current: SessionInfo | None
    upcoming: SessionInfo | None
    present_count: int = 0
    roster_size: int = 0
    no_class_for_room: bool = False  # the timetable has classes, none in this kiosk's room (or its room is unset)
    # While the scheduler doubts the wall clock: what it reads (to the minute). `current` is then the
    # session that was on when the doubt began, kept by the monotonic count (or None: nothing opens).
    clock_reads: datetime | None = None
    recent: tuple[CheckIn, ...] = ()  # the session's newest stored check-ins (hand marks too), newest first
