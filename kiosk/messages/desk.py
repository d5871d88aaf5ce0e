"""The PIN overlay and the instructor's desk (kiosk/staff/): commands one way, answers back.

Commands go from the screen to DeskWorker's bounded queue; the answers, and
the end-of-session summary the scheduler also sends, go by the lossless lane.
Refusals carry a reason code (the constants below); only the screen has words for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

import numpy as np

from kiosk.model import CheckIn, Reconciliation, SessionInfo

# -- commands (to DeskWorker.submit) ---------------------------------------------------


@dataclass(frozen=True)
class CheckPin:
    action: ClassVar[str] = "check_pin"
    pin: str


@dataclass(frozen=True)
class EndSession:
    action: ClassVar[str] = "end_session"


@dataclass(frozen=True)
class StartNext:
    action: ClassVar[str] = "start_early"


@dataclass(frozen=True)
class MarkStudent:
    action: ClassVar[str] = "manual_mark"
    person_id: str
    status: str  # present | late | absent


@dataclass(frozen=True)
class ConfirmAttempt:
    """"Yes, this was them": a door attempt offered after a mark by hand (AttemptOffer)."""

    action: ClassVar[str] = "attempt_confirm"
    attempt_id: int
    person_id: str


@dataclass(frozen=True)
class Refresh:
    action: ClassVar[str] = "refresh"


@dataclass(frozen=True)
class Logout:
    action: ClassVar[str] = "logout"
    reason: str = "dismiss"  # dismiss | timeout | done


# -- answers --------------------------------------------------------------------------------

# PinChecked.refusal
PIN_WRONG = "wrong"  # tries_left says how many before the keypad locks
PIN_LOCKED = "locked"  # locked_for says how long
PIN_NOBODY = "nobody"  # no one who may open the overlay now has a PIN


@dataclass(frozen=True)
class SessionEnded:
    """A session just ended (at its time, or by the instructor): show the summary."""

    LOSSLESS: ClassVar[bool] = True
    session: SessionInfo
    summary: Reconciliation


@dataclass(frozen=True)
class Candidate:
    """A roster member the instructor can mark by hand."""

    person_id: str
    name: str
    status: str  # '' (not seen), present, late, absent


@dataclass(frozen=True)
class OverlayContext:
    """What the signed-in instructor can act on right now."""

    session: SessionInfo | None  # the active (or just ended) session
    upcoming: SessionInfo | None  # the next meeting, for "start early"
    summary: Reconciliation | None
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class PinChecked:
    LOSSLESS: ClassVar[bool] = True
    ok: bool
    name: str = ""
    role: str = ""
    refusal: str = ""  # PIN_WRONG | PIN_LOCKED | PIN_NOBODY, when not ok
    tries_left: int = 0
    locked_for: float = 0.0  # seconds the keypad stays locked
    context: OverlayContext | None = None  # what the instructor can act on, when ok


@dataclass(frozen=True, eq=False)
class AttemptOffer:
    """A face the door saw in this session but could not name: was it the student just marked by hand?"""

    attempt_id: int
    person_id: str
    name: str
    at: datetime
    picture: np.ndarray  # the face crop, BGR, about 112 px


# ActionDone.refusal
NOT_SIGNED_IN = "not_signed_in"
NOT_YOURS = "not_yours"  # class_code: only its instructor or an admin may
NO_ACTIVE = "no_active"  # no session is active
NO_FOCUS = "no_focus"  # no session to mark attendance for
NO_NEXT = "no_next"  # no class starts within `within_h` hours
ADMIN_ONLY = "admin_only"  # only an admin may override a duplicate face
FAILED = "failed"  # detail: the store's or the worker's one-line error


@dataclass(frozen=True)
class ActionDone:
    """The outcome of one command. When ok, the fields say what was done: end_session and
    start_early name the class; manual_mark names the person and the status."""

    LOSSLESS: ClassVar[bool] = True
    action: str  # end_session | start_early | manual_mark | refresh | logout | enroll | ...
    ok: bool
    refusal: str = ""  # one of the codes above, when not ok
    class_code: str = ""
    person: str = ""  # the name of the person marked
    status: str = ""  # the status they were marked with
    within_h: int = 0
    detail: str = ""
    context: OverlayContext | None = None
    offers: tuple[AttemptOffer, ...] = ()  # manual_mark: the session's door attempts that may be them
    learned: bool = False  # attempt_confirm: the face became one of their door references


# -- a student's personal check-in code (no sign-in: the keypad, or a QR card the camera saw) --

@dataclass(frozen=True)
class CheckInWithCode:
    action: ClassVar[str] = "code_check_in"
    code: str
    via: str = "keypad"  # keypad | qr


# CodeChecked.refusal
CODE_WRONG = "code_wrong"  # tries_left says how many before code entry locks
CODE_LOCKED = "code_locked"  # locked_for says how long


@dataclass(frozen=True)
class CodeChecked:
    """The verdict on a code: its holder's check-in (whose status may still be a refusal: not on
    this class's list, no session, already checked in), or why the code was not taken."""

    LOSSLESS: ClassVar[bool] = True
    ok: bool
    refusal: str = ""
    tries_left: int = 0
    locked_for: float = 0.0
    checkin: CheckIn | None = None
    via: str = "keypad"
