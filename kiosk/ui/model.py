"""What the live screen shows, as plain data: worker messages go in, widgets read it.

No pygame here, so every rule (which card wins, when boxes fade, what the
recent list holds) is testable without a display. Time is the screen's own
monotonic seconds, advanced by `tick(dt)`.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from kiosk.config import UiSection
from kiosk.messages.screen import (
    CameraState, ChallengePrompt, CheckInPosted, FaceLabel, FacesSeen, LivenessFailed, LookAtCamera, Notice,
    RecognitionState, SessionChanged, SyncState,
)
from kiosk.model import CheckIn, Frame, SessionInfo, Status
from kiosk.ui import text

log = logging.getLogger(__name__)

FACES_HOLD_S = 0.5  # boxes stay solid this long after the last FacesSeen
# With faces in view and recognition keeping up, the screen shows the frame the boxes were found in
# (the picture lags by one recognition pass, tens of ms). A boxes' frame older than this next to the
# newest one means recognition is behind: the newest frame is shown and the boxes say how old they are.
BOXES_MAX_AGE_S = 0.2
FACES_FADE_S = 0.4  # then fade out over this long
HINT_S = 2.0
TOAST_S = 5.0
RECENT_STATUSES = (Status.PRESENT, Status.LATE, Status.ALREADY)


class CardKind(str, Enum):
    PRESENT = "present"
    LATE = "late"
    ALREADY = "already"
    NOT_ON_ROSTER = "not_on_roster"
    STRANGER = "stranger"
    NO_SESSION = "no_session"
    HINT = "hint"  # "Please look at the camera": gentler, never hides a real card
    LIVENESS = "liveness"  # "Live check failed": nothing was marked


_KIND_OF_STATUS = {
    Status.PRESENT: CardKind.PRESENT,
    Status.LATE: CardKind.LATE,
    Status.ALREADY: CardKind.ALREADY,
    Status.NOT_ON_ROSTER: CardKind.NOT_ON_ROSTER,
    Status.STRANGER: CardKind.STRANGER,
    Status.NO_SESSION: CardKind.NO_SESSION,
}


@dataclass(frozen=True)
class Card:
    kind: CardKind
    title: str
    detail: str
    shown_at: float
    duration: float
    serial: int  # tells two identical-looking cards apart (new card, new slide-in)

    def age(self, now: float) -> float:
        return now - self.shown_at


@dataclass(frozen=True)
class Toast:
    text: str
    level: str
    shown_at: float
    serial: int


class ScreenModel:
    """The live screen's state, changed only by `apply` and `tick`."""

    def __init__(self, cfg: UiSection):
        self.cfg = cfg
        self.now = 0.0
        self.session: SessionInfo | None = None
        self.upcoming: SessionInfo | None = None
        self.no_class_for_room = False
        self.clock_reads: datetime | None = None  # what the wall clock reads while the scheduler doubts it
        self.present_count = 0
        self.roster_size = 0
        self.recent: deque[CheckIn] = deque(maxlen=cfg.recent_count)
        self.card: Card | None = None
        self.toast: Toast | None = None
        # Notices that came while another was showing: at start several can arrive in one frame (a
        # missing face model and a missing live-check model), and each must be seen.
        self._waiting_toasts: deque[tuple[str, str]] = deque(maxlen=4)
        self.faces: tuple[FaceLabel, ...] = ()
        self.faces_at = -1e9
        self.faces_frame: Frame | None = None  # the frame of the last FacesSeen, when it came with it
        self.shown: Frame | None = None  # the camera frame on screen
        self.camera_ok: bool | None = None  # None until the camera says anything
        self.camera_message = ""
        self.recognition_ready = False
        self.recognition_message = ""
        self.recognition_warning = False  # ready, but the live check is limited or off
        self.sync: SyncState | None = None  # None: standalone kiosk, nothing shown
        self._serial = 0

    # -- events ---------------------------------------------------------------

    def apply(self, event: object, wall: datetime) -> None:
        """Fold one worker event into the screen state; `wall` gives the display zone."""
        handler = self._HANDLERS.get(type(event))
        if handler is None:
            log.debug("ignoring unknown UI event %r", event)
            return
        handler(self, event, wall)

    def _on_faces(self, event: FacesSeen, wall: datetime) -> None:
        self.faces = event.faces
        self.faces_at = self.now
        self.faces_frame = event.frame

    def _on_checkin(self, event: CheckInPosted, wall: datetime) -> None:
        checkin = event.checkin
        taking = self.session is not None and self.session.state != "ended"
        title, detail = text.card_text(checkin, wall.tzinfo, taking)
        self.card = self._new_card(_KIND_OF_STATUS[checkin.status], title, detail, self.cfg.confirm_s)
        self._remember(checkin)

    def _on_look(self, event: LookAtCamera, wall: datetime) -> None:
        if self.card is not None and self.card.kind is not CardKind.HINT:
            return  # a check-in result outranks a hint
        if self.card is not None:  # keep the same hint up, just for longer
            self.card = replace(self.card, shown_at=self.now - min(self.card.age(self.now), 0.3))
            return
        self.card = self._new_card(CardKind.HINT, text.HINT_LOOK, text.HINT_LOOK_DETAIL, min(HINT_S, self.cfg.confirm_s))

    def _on_session(self, event: SessionChanged, wall: datetime) -> None:
        if event.current is not None:  # a new class: last class's names are not its check-ins
            keep = [c for c in self.recent if c.session_id in (None, event.current.session_id)]
            self.recent = deque(_merged(event.recent, keep), maxlen=self.recent.maxlen)
        self.session = event.current
        self.upcoming = event.upcoming
        self.no_class_for_room = event.no_class_for_room
        self.clock_reads = event.clock_reads
        self.present_count = event.present_count
        self.roster_size = event.roster_size

    def _on_camera(self, event: CameraState, wall: datetime) -> None:
        self.camera_ok = event.ok
        self.camera_message = "" if event.ok else text.CAMERA_UNAVAILABLE_DETAIL  # under the title, not the title again

    def _on_recognition(self, event: RecognitionState, wall: datetime) -> None:
        self.recognition_ready = event.ready
        self.recognition_message = text.recognition_status(event)
        self.recognition_warning = text.recognition_degraded(event)

    def _on_sync(self, event: SyncState, wall: datetime) -> None:
        self.sync = event

    def _on_notice(self, event: Notice, wall: datetime) -> None:
        words, level = text.notice(event)
        if self.toast is None or level == "error":  # an error (check-ins not saved) cannot wait
            self._show_toast(words, level)
        elif words != self.toast.text and (words, level) not in self._waiting_toasts:
            self._waiting_toasts.append((words, level))

    def _show_toast(self, words: str, level: str) -> None:
        self._serial += 1
        self.toast = Toast(words, level, self.now, self._serial)
        if level == "error":  # what the door shows when something is wrong, in the log too (benchmarks read it)
            log.warning("on screen: %s", words)

    def _on_liveness_failed(self, event: LivenessFailed, wall: datetime) -> None:
        self.card = self._new_card(CardKind.LIVENESS, text.CARD_LIVENESS_FAILED,
                                   text.CARD_LIVENESS_FAILED_DETAIL, self.cfg.confirm_s)

    def _on_challenge(self, event: ChallengePrompt, wall: datetime) -> None:
        if self.card is not None and self.card.kind is not CardKind.HINT:
            return  # a check-in result outranks a prompt
        title = text.CHALLENGE_ASK.get(event.kind, text.HINT_LOOK)
        self.card = self._new_card(CardKind.HINT, title, text.CHALLENGE_DETAIL, event.seconds)

    _HANDLERS = {
        LivenessFailed: _on_liveness_failed,
        ChallengePrompt: _on_challenge,
        FacesSeen: _on_faces,
        CheckInPosted: _on_checkin,
        LookAtCamera: _on_look,
        SessionChanged: _on_session,
        CameraState: _on_camera,
        RecognitionState: _on_recognition,
        Notice: _on_notice,
        SyncState: _on_sync,
    }

    def _new_card(self, kind: CardKind, title: str, detail: str, duration: float) -> Card:
        self._serial += 1
        return Card(kind, title, detail, self.now, duration, self._serial)

    def _remember(self, checkin: CheckIn) -> None:
        if checkin.status not in RECENT_STATUSES or self.recent.maxlen == 0:
            return
        if checkin.status is Status.ALREADY and any(
            c.person_id == checkin.person_id for c in self.recent
        ):
            return  # the person is already listed; a repeat sighting adds nothing
        self.recent.appendleft(checkin)

    # -- time -----------------------------------------------------------------

    def tick(self, dt: float) -> None:
        self.now += max(0.0, dt)
        if self.card and self.card.age(self.now) >= self.card.duration:
            self.card = None
        if self.toast and self.now - self.toast.shown_at >= TOAST_S:
            self.toast = None
            if self._waiting_toasts:
                self._show_toast(*self._waiting_toasts.popleft())
        if self.now - self.faces_at >= FACES_HOLD_S + FACES_FADE_S:
            self.faces, self.faces_frame = (), None

    def choose_picture(self, newest: Frame | None) -> float | None:
        """Pick the camera frame to show (`shown`). With faces in view, the frame their boxes were
        found in while it is fresh: the picture then follows recognition's passes, one pass behind
        the camera (and steps back a frame or two when faces appear). Else the newest frame, live.
        Returns the age in seconds of the boxes drawn on it when they come from an earlier frame
        (None: from this one, none shown, or unknown)."""
        found = self.faces_frame if self.faces else None
        shown = newest or self.shown
        if found is not None and shown is not None and shown.captured_at - found.captured_at <= BOXES_MAX_AGE_S:
            shown = found
        self.shown = shown
        if not self.faces or found is None or shown is None or shown is found:
            return None
        return max(0.0, shown.captured_at - found.captured_at)

    def faces_alpha(self) -> float:
        """1.0 while FacesSeen keeps coming, fading to 0 after FACES_HOLD_S of silence."""
        if not self.faces:
            return 0.0
        quiet = self.now - self.faces_at
        if quiet <= FACES_HOLD_S:
            return 1.0
        return max(0.0, 1.0 - (quiet - FACES_HOLD_S) / FACES_FADE_S)

    @property
    def clock_notice(self) -> str:
        """The standing words over the feed while the wall clock is doubted ('' when it is not)."""
        return text.clock_notice(self.session, self.clock_reads) if self.clock_reads else ""

    @property
    def state_word(self) -> str:
        return text.session_state_word(self.session)


def _merged(stored: tuple[CheckIn, ...], shown: list[CheckIn]) -> list[CheckIn]:
    """The recent list: the session's stored check-ins (so a restart, or a mark by hand, shows in it)
    with what the screen already showed and the store has not caught up with (a check-in just
    posted, or one kept in memory while the database fails), one line per person, newest first."""
    listed = {c.person_id for c in stored}
    newest = stored[0].at if stored and stored[0].at else None
    newer = [c for c in shown if c.person_id not in listed
             and (c.queued or c.at is None or newest is None or c.at >= newest)]
    return newer + list(stored)
