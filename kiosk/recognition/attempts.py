"""Door attempts: a walk-up the kiosk saw live and long enough but could not name (a stranger,
undecided, or below the margin) is kept for staff to say who it was (kiosk/staff/attempts.py).

While a track is unnamed, the recorder remembers its best frame (the highest frame_weight: size,
detector confidence, pose; a reference to the frame, nothing computed) and its evidence so far. When
the track ends (gone from view, or another face took its place), an unnamed track that passed the
live check with at least MIN_FRAMES embedded frames becomes one attempt, if a session of this door's
room is running and its best frame passes the enrolment quality gate (kiosk/vision/quality.py:
door_face_problem): the aligned face crop as a small JPEG, the track's embedding (the quality-weighted
mean of its frames: as a door reference it named 48 more walk-ups in 20 simulated days than the best
frame's, bench/door_days.py), its quality, and the three people it looked most like
(kiosk/store/attempts.py). Nothing is kept with
`privacy.keep_attempts = false`. It runs in the recognition thread; a failure to keep one is logged
and never stops recognition. Attempts past their retention are purged by the scheduler thread, at
start and daily, with the other retention settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.model import Frame, room_scope
from kiosk.recognition.gate import track_key
from kiosk.store import attempts as stored
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import FaceBox, model_key
from kiosk.vision.evidence import frame_weight
from kiosk.vision.quality import crop_quality, door_face_problem, yaw_degrees
from kiosk.vision.tracker import Track

log = logging.getLogger(__name__)

MIN_FRAMES = 3  # embedded frames a track needs to count as a walk-up (naming's refuse_frames)
CANDIDATES = 3


@dataclass
class Walkup:
    """One unnamed face's track, as far as attempts care."""

    key: tuple
    at: datetime  # when it was first seen (wall clock)
    image: np.ndarray | None = None  # its best frame so far
    box: FaceBox | None = None
    weight: float = 0.0
    mean: np.ndarray | None = None  # its evidence's mean, as last seen
    frames: int = 0
    named: bool = False
    live: bool = False


class AttemptRecorder:
    def __init__(self, cfg: Config, store: SqliteStore, clock: Clock, pipeline, identifier):
        self.cfg = cfg
        self.enabled = cfg.privacy.keep_attempts
        self.store = store
        self.clock = clock
        self.pipeline = pipeline
        self.identifier = identifier
        self.walkups: dict[int, Walkup] = {}  # by track id
        self.kept = 0

    def observe(self, tracks: list[Track], frame: Frame) -> None:
        """After identification: the tracks embedded on this frame."""
        if not self.enabled:
            return
        for track in tracks:
            key = track_key(track)
            walkup = self.walkups.get(track.id)
            if walkup is None or walkup.key != key:  # a new face (in a new or an old track)
                if walkup is not None:
                    self._finish(walkup)
                walkup = self.walkups[track.id] = Walkup(key, self.clock())
            if walkup.named or track.confirmed is not None:
                walkup.named, walkup.image, walkup.mean = True, None, None
                continue
            weight = frame_weight(track.box)
            if weight > walkup.weight:
                walkup.image, walkup.box, walkup.weight = frame.image, track.box, weight
            walkup.mean, walkup.frames = track.evidence.mean, track.evidence.frames

    def live(self, track: Track) -> None:
        """The track passed its live check (or liveness is off)."""
        walkup = self.walkups.get(track.id)
        if walkup is not None and walkup.key == track_key(track):
            walkup.live = True

    def forget_gone(self, alive: set[int]) -> None:
        """Tracks that ended: an unnamed, live walk-up becomes an attempt."""
        for track_id in [t for t in self.walkups if t not in alive]:
            self._finish(self.walkups.pop(track_id))

    def _finish(self, walkup: Walkup) -> None:
        if walkup.named or not walkup.live or walkup.frames < MIN_FRAMES or walkup.image is None:
            return
        try:
            self._keep(walkup)
        except Exception as err:  # a full disk or a locked database must not stop recognition
            log.warning("door attempt not kept: %s", err)

    def _keep(self, walkup: Walkup) -> None:
        vision = self.cfg.vision
        crop = self.pipeline.embedder.align(walkup.image, [walkup.box])[0]
        problem = door_face_problem(walkup.image.shape, walkup.box, crop, vision.min_face_px, vision.max_yaw_deg)
        if problem:
            log.debug("door attempt not kept: %s", problem)
            return
        session = self.store.active_session(set(room_scope(self.store.classes(), self.cfg.kiosk.room)))
        if session is None:
            return  # nothing to mark it for
        looks = crop_quality(crop)
        new = stored.NewAttempt(walkup.at, self.cfg.kiosk.id, session.session_id, walkup.box.size, looks.sharpness,
                                looks.brightness, yaw_degrees(walkup.box), walkup.frames,
                                self._candidates(walkup.mean), {model_key(vision): walkup.mean})
        name = stored.save_crop(self.store, walkup.at, crop)
        try:
            attempt_id = stored.record_attempt(self.store, new, name)
        except Exception:
            stored.remove_crops(self.store, [name])
            raise
        self.kept += 1
        log.info("door attempt %d kept (%d frames, %s)", attempt_id, walkup.frames,
                 ", ".join(f"{c.person_id} {c.score:.2f}" for c in new.candidates) or "nobody enrolled")

    def _candidates(self, mean: np.ndarray) -> tuple[stored.Candidate, ...]:
        gallery = self.identifier.gallery
        if gallery.empty:
            return ()
        scores = gallery.person_scores(mean)[0]
        best = np.argsort(-scores)[:CANDIDATES]
        return tuple(stored.Candidate(gallery.person_ids[i], float(scores[i]), gallery.names[i]) for i in best)
