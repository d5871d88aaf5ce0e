"""The liveness gate: whether a tracked face may be checked in, from the judge's verdicts.

A face is checked in only once its track's verdict is "live". A "spoof" verdict
is reported once (the worker records it and shows a plain failure card) and
never marks anyone. Runs in the recognition worker's thread only; the verdicts
arrive as JudgeReport values from the judge's own thread (judging.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Hashable

import numpy as np

from kiosk.config import Config
from kiosk.liveness.judge import CHALLENGE, LivenessResult
from kiosk.messages.screen import ChallengePrompt
from kiosk.recognition.judging import Face, JudgeInfo, JudgeReport
from kiosk.vision.base import Match
from kiosk.vision.tracker import Track

MAX_JUDGED_PER_FRAME = 2  # largest recognised undecided faces first: liveness must not stall the worker
FAILED_HOLD_S = 30.0  # after a failed live check, that person is not checked in at this door for this long


def track_key(track: Track) -> tuple:
    """A new face in an old track (the tracker resets first_seen) gets a fresh verdict."""
    return track.id, track.first_seen


def _named(track: Track) -> bool:
    """Confirmed, or its latest vote named someone."""
    return track.confirmed is not None or bool(track.votes and track.votes[-1].person_id)


@dataclass(frozen=True)
class LiveCheckFailed:
    """A face just failed its live check: what to record for the instructor."""

    guess: Match | None  # who it was taken for, if anyone
    result: LivenessResult
    crop: np.ndarray | None  # the face, only when liveness.keep_snapshots


class LivenessGate:
    def __init__(self, cfg: Config, info: JudgeInfo | None):
        """`info`: the loaded judge's abilities (None when liveness is off)."""
        self.cfg = cfg
        self.info = info
        self._verdicts: dict[Hashable, LivenessResult] = {}
        self._crops: dict[Hashable, np.ndarray] = {}
        self._handled: set[tuple] = set()  # tracks whose failure was reported
        self._prompted: set[Hashable] = set()
        self._failed: set[int] = set()  # track ids that failed: a failure sticks for the track's life
        # ...and to the identity it was guessed as, so a new track (a detection gap, a jittered
        # photo re-detected) cannot win a fresh try straight away.
        self._failed_people: dict[str, float] = {}

    def due(self, tracks: list[Track]) -> list[Face]:
        """(verdict key, box) of the faces to judge on this frame: the largest undecided ones."""
        if self.info is None:
            return []
        undecided = [t for t in tracks if not self._decided(t) and t.id not in self._failed]
        undecided.sort(key=lambda t: t.box.size, reverse=True)
        # Faces recognised as someone go first: only they can be checked in. Strangers get one
        # slot when nobody recognised is waiting (their score is shown; a photo is still refused).
        named = [t for t in undecided if _named(t)]
        chosen = named[:MAX_JUDGED_PER_FRAME] if named else undecided[:1]
        return [(track_key(t), t.box) for t in chosen]

    def absorb(self, report: JudgeReport | None) -> list[ChallengePrompt]:
        """Take the judge's latest verdicts; returns the prompts to show (once per face)."""
        if report is None:
            return []
        self._verdicts = report.verdicts
        self._crops = {k: v for k, v in {**self._crops, **report.spoof_crops}.items() if k in report.verdicts}
        prompts = []
        for key in report.judged:
            result = report.verdicts.get(key)
            if result is not None and result.state == CHALLENGE and key not in self._prompted:
                self._prompted.add(key)
                prompts.append(ChallengePrompt(result.challenge or "blink", self._prompt_seconds()))
        return prompts

    def _prompt_seconds(self) -> float:
        asked_after = 0.0 if self.info.proof_by_challenge else self.cfg.liveness.passive_s
        return max(0.5, self.cfg.liveness.decide_s - asked_after)

    def result(self, track: Track) -> LivenessResult | None:
        return self._verdicts.get(track_key(track))

    def score(self, track: Track) -> float | None:
        result = self.result(track)
        return round(result.score, 2) if result is not None else None

    def settle(self, track: Track) -> tuple[bool, LiveCheckFailed | None]:
        """(may be announced: live, or liveness off; a failure to record, the first time only)."""
        if self.info is None:
            return True, None
        if track.id in self._failed or self._held(track):
            return False, None  # a new face in the same track does not get a fresh try
        result = self.result(track)
        if result is None or not result.decided:
            return False, None
        if result.live:
            return True, None
        key = track_key(track)
        if key in self._handled:
            return False, None
        self._handled.add(key)
        self._failed.add(track.id)
        guess = track.confirmed or next((v for v in reversed(track.votes) if v.person_id), None)
        if guess is not None and guess.person_id:
            self._failed_people[guess.person_id] = time.monotonic()
        crop = self._crops.pop(key, None) if track.box is not None else None
        return False, LiveCheckFailed(guess, result, crop)

    def forget_gone(self, alive: set[int]) -> None:
        """Let go of faces whose track has ended (track ids are never reused within a tracker),
        and of failures older than the hold, so nothing here grows for the life of the kiosk."""
        self._failed = {i for i in self._failed if i in alive}
        self._handled = {k for k in self._handled if k[0] in alive}
        self._prompted = {k for k in self._prompted if k[0] in alive}
        now = time.monotonic()
        self._failed_people = {p: t for p, t in self._failed_people.items() if now - t < FAILED_HOLD_S}

    def _held(self, track: Track) -> bool:
        person = track.confirmed.person_id if track.confirmed else None
        failed_at = self._failed_people.get(person) if person else None
        return failed_at is not None and time.monotonic() - failed_at < FAILED_HOLD_S

    def _decided(self, track: Track) -> bool:
        result = self.result(track)
        return result is not None and result.decided
