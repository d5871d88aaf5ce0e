"""Announcing: what recognition decided becomes stored check-ins and messages for the screen.

Check-ins go through the attendance service and are delivered by the lossless
lane after they are stored; the faces in view, hints and notices are latest
values. The screen's three throttles live here: a repeated "Already checked
in", "Please look at the camera", and the storage-failure notice.
"""

from __future__ import annotations

import logging
import time

from kiosk.attendance.service import AttendanceService
from kiosk.config import Config
from kiosk.liveness.judge import LEARNED_CUE
from kiosk.messages import screen as msg
from kiosk.messages.lanes import Outbox
from kiosk.model import CheckIn, Frame, Status
from kiosk.recognition.judging import JudgeInfo
from kiosk.recognition.passes import MOVED_IOU
from kiosk.recognition.stats import WorkerStats
from kiosk.store.health import StoreHealth
from kiosk.vision.tracker import STRANGER, Track

log = logging.getLogger(__name__)

STORAGE_NOTICE_S = 10.0  # how often a storage failure is repeated on screen
LOOK_HINT_S = 3.0  # at most one "please look at the camera" per this many seconds


class Announcer:
    def __init__(self, cfg: Config, attendance: AttendanceService, outbox: Outbox, stats: WorkerStats,
                 health: StoreHealth | None = None):
        self.cfg = cfg
        self.attendance = attendance
        self.outbox = outbox
        self.stats = stats
        self.health = health or StoreHealth()
        self._last_notice: dict[str, float] = {}  # person id -> monotonic time last shown
        self._last_look_hint = -1e9
        self._last_storage_notice = -1e9

    def announce(self, track: Track) -> None:
        """A live (or unchecked) face: check in a newly confirmed person, or show a stranger once."""
        confirmed = track.confirmed
        if confirmed is not None and track.announced_as != confirmed.person_id:
            log.debug("track %d confirmed as %s (%.2f) after %d votes", track.id, confirmed.person_id,
                      confirmed.score, len(track.votes))
            checkin = self.attendance.check_in(  # a StoreError leaves the track to try again
                confirmed.person_id, confirmed.name, round(confirmed.score, 3), track.first_seen
            )
            track.announced_as = confirmed.person_id
            if checkin.queued:  # not saved: the notice says so, never "Checked in"
                self.storage_failing(self.attendance.last_fault, urgent=True)
                return
            if checkin.status.stored and checkin.latency_ms is not None:
                self.stats.checkins += 1
                self.stats.latencies_ms.add(checkin.latency_ms)
            if self._worth_showing(checkin):
                self.outbox.deliver(msg.CheckInPosted(checkin))
        elif confirmed is None and track.stranger and track.announced_as is None:
            track.announced_as = STRANGER
            self.outbox.deliver(msg.CheckInPosted(CheckIn(Status.STRANGER, score=round(track.votes[-1].score, 3))))

    def _worth_showing(self, checkin: CheckIn) -> bool:
        """A flickering track must not repeat "Already checked in" every second."""
        now = time.monotonic()
        last = self._last_notice.get(checkin.person_id, -1e9)
        self._last_notice[checkin.person_id] = now
        if len(self._last_notice) > 4096:  # a whole school day of people; older ones no longer matter
            cutoff = now - self.cfg.attendance.repeat_notice_s
            self._last_notice = {p: t for p, t in self._last_notice.items() if t >= cutoff}
        return checkin.status is not Status.ALREADY or now - last >= self.cfg.attendance.repeat_notice_s

    def faces_seen(self, frame: Frame, tracks: list[Track], liveness_score) -> None:
        self.outbox.latest(msg.FacesSeen(frame.index, tuple(_label(t, liveness_score(t)) for t in tracks), frame))

    def liveness_failed(self, score: float) -> None:
        self.outbox.deliver(msg.LivenessFailed(round(score, 3)))

    def prompt(self, prompt: msg.ChallengePrompt) -> None:
        self.outbox.latest(prompt)

    def look_at_camera(self, now: float) -> None:
        if now - self._last_look_hint >= LOOK_HINT_S:
            self._last_look_hint = now
            self.outbox.latest(msg.LookAtCamera())

    def storage_failing(self, reason: str, urgent: bool = False) -> None:
        """The database failed: the notice at once for a new outage (or a check-in it cost), then
        at most every STORAGE_NOTICE_S while it lasts."""
        first = self.health.failed()
        now = time.monotonic()
        if first or urgent or now - self._last_storage_notice >= STORAGE_NOTICE_S:
            self._last_storage_notice = now
            log.warning("notice posted: check-ins are not being saved (%s)", reason)
            self.outbox.latest(msg.Notice(msg.STORAGE_FAILING, reason), key=(msg.Notice, msg.STORAGE_FAILING))

    def storage_back(self, saved: int) -> None:
        """The database saves again: say so (replacing an unread failure notice)."""
        if self.health.recovered():
            log.warning("the database saves again; %d check-in(s) kept meanwhile were saved", saved)
            self.outbox.latest(msg.Notice(msg.STORAGE_BACK, str(saved)), key=(msg.Notice, msg.STORAGE_FAILING))

    def liveness_notices(self, info: JudgeInfo | None) -> None:
        """At start: which live checks run, when not all of them."""
        if info is None:
            log.warning("liveness checks are OFF (liveness.enabled = false)")
            return
        for name, _ in info.disabled:
            if name != LEARNED_CUE:  # without the learned model the limited notice below says it all
                self.outbox.latest(msg.Notice(msg.LIVENESS_CUE_OFF, name), key=(msg.Notice, msg.LIVENESS_CUE_OFF, name))
        log.info("liveness: cues %s active%s", ", ".join(info.active) or "none",
                 f"; disabled: {', '.join(n for n, _ in info.disabled)}" if info.disabled else "")
        if info.limited:
            reason = msg.LIVENESS_BLINK_ONLY if info.proof_by_challenge else msg.LIVENESS_TEXTURE_ONLY
            self.outbox.latest(msg.Notice(reason), key=(msg.Notice, reason))
            log.warning("liveness model not running: %s, until `main.py models import` installs it",
                        "every face must blink" if info.proof_by_challenge else "texture cues only")

    def embedder_fallback(self, configured: str, running: str, reason: str) -> None:
        """At start: the configured face model could not load, and which one runs instead."""
        log.warning("face model %s not running (%s); recognising with %s and its enrolled faces only",
                    configured, reason, running)
        self.outbox.latest(msg.Notice(msg.EMBEDDER_FALLBACK, configured), key=(msg.Notice, msg.EMBEDDER_FALLBACK))

    def gallery_model(self, chosen) -> None:
        """At start (or when enrolments change it): the configured face model's gallery is partial, so
        another model, one every enrolled person has, recognises (kiosk/enrolment/gallery.py)."""
        log.warning("face model: %s; add the missing vectors from the original photos: "
                    "main.py enroll --from-dir DIR --add-missing-models", chosen.describe())
        detail = (f"unmatched:{chosen.unmatched}" if chosen.unmatched else f"partial:{chosen.lacking}") + \
            f":{chosen.configured}:{chosen.serving}"
        self.outbox.latest(msg.Notice(msg.GALLERY_PARTIAL, detail), key=(msg.Notice, msg.GALLERY_PARTIAL))

    def ready(self, info: JudgeInfo | None) -> None:
        if info is None:
            liveness = msg.LIVENESS_OFF
        elif info.limited:  # the screen's corner says which check is left, not just "limited"
            liveness = msg.LIVENESS_BLINK if info.proof_by_challenge else msg.LIVENESS_LIMITED
        else:
            liveness = msg.LIVENESS_FULL
        self.outbox.latest(msg.RecognitionState(True, liveness))


def _label(track: Track, liveness: float | None = None) -> msg.FaceLabel:
    if track.confirmed is not None and name_still_holds(track):
        return msg.FaceLabel(track.box, track.confirmed.name, track.confirmed.score, True, liveness)
    last = track.votes[-1] if track.votes else None
    return msg.FaceLabel(track.box, None, last.score if last else None, False, liveness)


def name_still_holds(track: Track) -> bool:
    """The face in the box is the one that was named: embedded where it is now, or near it. A
    confirmed track that slid onto a face it cannot check (turned away, after a camera cut) shows
    no name: the Hamilton clip's audience shot showed "Lin-Manuel Miranda" over Barack Obama."""
    return track.embedded_box is not None and track.box.iou(track.embedded_box) >= MOVED_IOU
