"""The recognition worker's liveness gate: runs the judge on tracked faces and
says whether a confirmed face may be checked in.

A face is checked in only once its track's verdict is "live". A "spoof"
verdict shows a plain failure card, records a spoof event (and a snapshot
only if config allows) and never marks anyone. Runs in the worker thread, except
`judge_faces`, which the worker may run on its second core while it embeds.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.liveness.base import face_crop
from kiosk.liveness.judge import CHALLENGE, LEARNED_CUE, LivenessJudge, LivenessResult
from kiosk.store import spoof_events as spoofs
from kiosk.ui import text
from kiosk.ui.events import ChallengePrompt, LivenessFailed, Notice
from kiosk.vision.base import FaceBox
from kiosk.vision.tracker import Track

log = logging.getLogger(__name__)

MAX_JUDGED_PER_FRAME = 2  # largest recognised undecided faces first: liveness must not stall the worker
FAILED_HOLD_S = 30.0  # after a failed live check, that person is not checked in at this door for this long


def load_judge(cfg: Config) -> LivenessJudge | None:
    """The judge with its models loaded (None when liveness is off)."""
    return LivenessJudge(cfg.liveness, cfg.data_dir / "models") if cfg.liveness.enabled else None


def _named(track: Track) -> bool:
    """Confirmed, or its latest vote named someone."""
    return track.confirmed is not None or bool(track.votes and track.votes[-1].person_id)


def track_key(track: Track) -> tuple:
    """A new face in an old track (the tracker resets first_seen) gets a fresh verdict."""
    return track.id, track.first_seen


class LivenessGate:
    def __init__(self, cfg: Config, store, clock: Clock, post: Callable[[object], None],
                 judge: LivenessJudge | None):
        """`judge` from load_judge(), built in the thread that will run it."""
        self.cfg = cfg
        self.store = store
        self.clock = clock
        self.post = post
        self.enabled = cfg.liveness.enabled
        self.judge = judge
        # Without the learned model the other cues cannot prove a face live (bench/liveness.py),
        # so every face is asked to blink (judge.py); the screen says why.
        self.limited = self.judge is not None and LEARNED_CUE not in self.judge.active
        self._handled: set[tuple] = set()  # tracks whose failure or prompt was shown
        self._prompted: set[tuple] = set()
        self._failed: set[int] = set()  # track ids that failed: a failure sticks for the track's life
        # ...and to the identity it was guessed as, so a new track (a detection gap, a jittered
        # photo re-detected) cannot win a fresh try straight away.
        self._failed_people: dict[str, float] = {}
        self.judge_ms: list[float] = []
        if self.judge is not None:
            self._announce_layers()
        else:
            log.warning("liveness checks are OFF (liveness.enabled = false)")
        self._purge_snapshots()

    def _announce_layers(self) -> None:
        for name in self.judge.disabled:
            if name != LEARNED_CUE:
                self.post(Notice(text.LIVENESS_LAYER_OFF.format(layer=name), "warning"))
        log.info("liveness: cues %s active%s", ", ".join(self.judge.active) or "none",
                 f"; disabled: {', '.join(self.judge.disabled)}" if self.judge.disabled else "")
        if self.limited:
            self.post(Notice(self._limited_words(), "warning"))
            log.warning("liveness model not running: %s, until `main.py models import` installs it",
                        "every face must blink" if self.judge.proof_by_challenge else "texture cues only")

    def _limited_words(self) -> str:
        return text.LIVENESS_ASK_EVERYONE if self.judge.proof_by_challenge else text.LIVENESS_TEXTURE_ONLY

    @property
    def ready_message(self) -> str:
        if not self.enabled:
            return text.LIVENESS_OFF
        return text.LIVENESS_LIMITED if self.limited else text.RECOGNITION_READY

    def due(self, tracks: list[Track]) -> list[tuple[tuple, FaceBox]]:
        """(verdict key, box) of the faces to judge on this frame: the largest undecided ones.
        Plain values, so the judging may run beside the embedding (kiosk/vision/worker.py)."""
        if self.judge is None:
            return []
        undecided = [t for t in tracks if not self._decided(t) and t.id not in self._failed]
        undecided.sort(key=lambda t: t.box.size, reverse=True)
        # Faces recognised as someone go first: only they can be checked in. Strangers get one
        # slot when nobody recognised is waiting (their score is shown; a photo is still refused).
        named = [t for t in undecided if _named(t)]
        chosen = named[:MAX_JUDGED_PER_FRAME] if named else undecided[:1]
        return [(track_key(t), t.box) for t in chosen]

    def judge_faces(self, faces: list[tuple[tuple, FaceBox]], image, captured_at: float) -> None:
        """Add this frame to each face's evidence. Touches only the judge, the prompts shown and
        the event queue (it runs on the judge's own thread)."""
        if not faces:
            return
        started = time.perf_counter()
        for key, box in faces:
            result = self.judge.observe(key, image, box, captured_at)
            if result.state == CHALLENGE and key not in self._prompted:
                self._prompted.add(key)
                asked_after = 0.0 if self.judge.proof_by_challenge else self.cfg.liveness.passive_s
                remaining = max(0.5, self.cfg.liveness.decide_s - asked_after)
                self.post(ChallengePrompt(result.challenge or "blink", remaining))
        self.judge.forget_older_than(captured_at)
        self.judge_ms.append((time.perf_counter() - started) * 1000)

    def result(self, track: Track) -> LivenessResult | None:
        return self.judge.result(track_key(track)) if self.judge is not None else None

    def score(self, track: Track) -> float | None:
        result = self.result(track)
        return round(result.score, 2) if result is not None else None

    def settle(self, track: Track) -> bool:
        """True when this track may be announced (live, or liveness off).
        A spoof verdict is shown and recorded once, and stays False."""
        if self.judge is None:
            return True
        if track.id in self._failed:
            return False  # a new face in the same track does not get a fresh try
        if self._held(track):
            return False
        result = self.result(track)
        if result is None or not result.decided:
            return False
        if result.live:
            return True
        key = track_key(track)
        if key not in self._handled:
            self._handled.add(key)
            self._failed.add(track.id)
            self._record_spoof(track, result)
            self.post(LivenessFailed(round(result.score, 3)))
        return False

    def _held(self, track: Track) -> bool:
        person = track.confirmed.person_id if track.confirmed else None
        failed_at = self._failed_people.get(person) if person else None
        return failed_at is not None and time.monotonic() - failed_at < FAILED_HOLD_S

    def _decided(self, track: Track) -> bool:
        result = self.result(track)
        return result is not None and result.decided

    def _record_spoof(self, track: Track, result: LivenessResult) -> None:
        guess = track.confirmed or next((v for v in reversed(track.votes) if v.person_id), None)
        now = self.clock()
        session = self.store.active_session()
        snapshot = None
        if self.cfg.liveness.keep_snapshots and track.box is not None:
            samples = self.judge.samples(track_key(track))
            if samples:
                last = samples[-1]
                snapshot = spoofs.save_snapshot(self.cfg.data_dir, now, face_crop(last.image, last.box, 1.5))
        if guess is not None and guess.person_id:
            self._failed_people[guess.person_id] = time.monotonic()
        event = spoofs.SpoofEvent(
            now, session.session_id if session else None, guess.person_id if guess else None,
            guess.name if guess else None, round(guess.score, 3) if guess else None,
            result.score, result.cues, snapshot, self.cfg.kiosk.id,
        )
        try:
            spoofs.record_spoof_event(self.store, event)
        except Exception as err:  # a locked database must not stop recognition
            log.warning("spoof event not stored: %s", err)
        log.info("live check failed (score %.2f, guess %s)", result.score, event.person_id)

    def _purge_snapshots(self) -> None:
        try:
            spoofs.purge_snapshots(self.store, self.clock(), self.cfg.liveness.retention_days)
        except Exception as err:
            log.warning("spoof snapshots not purged: %s", err)
