"""Face tracks across frames, so a face is identified once, not on every frame.

A track remembers when its face was first captured (for check-in latency),
the quality-weighted mean of its embeddings (kiosk/vision/evidence.py), its
latest frames' own matches, and where naming stands: confirmed as someone,
a stranger, or neither yet. It only keeps that state: kiosk/vision/naming.py
(name_track) decides it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

import numpy as np

from kiosk.vision.base import FaceBox, Match
from kiosk.vision.evidence import TrackEvidence

STRANGER = "?"  # Track.announced_as for a face shown as a stranger ("Not recognised"); never a person id
SAME_FACE_MIN = 0.3  # cosine between a track's consecutive embeddings; below it, a new face took its place


@dataclass
class Track:
    id: int
    box: FaceBox
    first_seen: float  # monotonic capture time of the first frame with this face
    last_seen: float
    sighted_since: float = 0.0  # start of its current unbroken run of detections
    votes: tuple[Match, ...] = ()  # its latest frames' own matches, newest last
    confirmed: Match | None = None  # named as this person (naming.name_track)
    stranger: bool = False  # named as nobody enrolled (naming.name_track)
    announced_as: str | None = None  # the person id (or STRANGER) last shown for it
    last_embedded: float = -1e9
    last_embedded_index: int | None = None  # capture index of that frame
    embedding: np.ndarray | None = None
    embedded_box: FaceBox | None = None  # where the face was at its last embedding
    evidence: TrackEvidence = field(default_factory=TrackEvidence)

    def observe(self, embedding: np.ndarray, captured_at: float, index: int | None = None,
                person_id: str | None = None) -> bool:
        """Remember the newest embedding (recognised as `person_id`, if anyone). If it is another
        face than before (a cut, or someone stepping into the same spot), start over as a new face
        and say so: plainly another appearance, or someone other than the confirmed person (two
        people can look alike to the appearance check). A new face gets its own liveness verdict
        (its track key changes) and its latency counts from swap_time. `index` is the frame's
        capture index, if known."""
        other_person = self.confirmed is not None and person_id not in (None, self.confirmed.person_id)
        unlike = self.embedding is not None and float(self.embedding @ embedding) < SAME_FACE_MIN
        if other_person or unlike:
            self.first_seen = self.swap_time(captured_at, index)
            self.votes, self.confirmed, self.stranger, self.announced_as = (), None, False, None
            self.evidence.reset()
        self.embedding = embedding
        self.embedded_box = self.box
        self.last_embedded = captured_at
        self.last_embedded_index = index
        return other_person or unlike

    def swap_time(self, captured_at: float, index: int | None) -> float:
        """When the new face was first seen: after the old face's last embedding, and not before
        the track's current unbroken run of detections (a face that vanished and came back is a
        new sighting). Without a gap, the frame right after that embedding (its time interpolated
        from the frame indices; frames in between were not processed). Never later than the truth
        within the current sighting; exact when no frame was skipped."""
        after = self.last_embedded
        last = self.last_embedded_index
        if index is not None and last is not None and index > last:
            after += (captured_at - self.last_embedded) / (index - last)
        return max(after, self.sighted_since)


JUMP_SIZES = 1.5  # a face may move this many face widths between passes (a slow camera, a brisk walk)
JUMP_SIZE_RATIO = 0.6  # ...and change size by at most this factor either way


class Tracker:
    """Greedy association of each frame's detections with live tracks: by overlap first, then, for
    a face no track overlaps, the nearest unnamed track of a similar size within JUMP_SIZES face
    widths. At 3-10 fps a walking face overlaps its last box too little to gather evidence; the
    appearance check (observe) still starts a new face if someone else took the place. A named
    track never jumps: across a camera cut it would carry the name to a face turned away, which
    is never embedded and so never checked."""

    def __init__(self, min_iou: float = 0.3, max_age_s: float = 1.0):
        # A face unseen for max_age_s is gone. Not shorter: a failed live check sticks to its
        # track, and a track lost to a brief detection gap must not give a photo a fresh try.
        # Someone new in the same place is caught by the appearance check instead (observe).
        self.min_iou = min_iou
        self.max_age_s = max_age_s
        self.tracks: list[Track] = []
        self._ids = count(1)
        self._last_frame_at: float | None = None

    def update(self, faces: list[FaceBox], captured_at: float) -> list[Track]:
        """Tracks for these faces, in the same order as `faces`."""
        self.tracks = [t for t in self.tracks if captured_at - t.last_seen <= self.max_age_s]
        free = list(self.tracks)
        chosen: list[Track | None] = [self._take(free, face, lambda t, f=face: t.box.iou(f) >= self.min_iou,
                                                 lambda t, f=face: -t.box.iou(f)) for face in faces]
        for i, face in enumerate(faces):
            if chosen[i] is None:  # only a face not yet named may jump: a name never moves to a face
                chosen[i] = self._take(free, face,  # that may not be checked (turned away, across a cut)
                                       lambda t, f=face: t.confirmed is None and _near(t.box, f),
                                       lambda t, f=face: _distance(t.box, f))
        result = [self._follow(track, face, captured_at) for track, face in zip(chosen, faces)]
        self._last_frame_at = captured_at
        return result

    @staticmethod
    def _take(free: list[Track], face: FaceBox, fits, cost) -> Track | None:
        candidates = [t for t in free if fits(t)]
        best = min(candidates, key=cost, default=None)
        if best is not None:
            free.remove(best)
        return best

    def _follow(self, track: Track | None, face: FaceBox, captured_at: float) -> Track:
        if track is None:
            track = Track(next(self._ids), face, captured_at, captured_at, sighted_since=captured_at)
            self.tracks.append(track)
            return track
        if track.last_seen != self._last_frame_at:  # missed on the previous pass
            track.sighted_since = captured_at
        track.box, track.last_seen = face, captured_at
        return track


def _distance(a: FaceBox, b: FaceBox) -> float:
    """Centre distance in face widths (of the older box)."""
    dx = (a.x + a.w / 2) - (b.x + b.w / 2)
    dy = (a.y + a.h / 2) - (b.y + b.h / 2)
    return float(np.hypot(dx, dy)) / max(a.w, 1.0)


def _near(a: FaceBox, b: FaceBox) -> bool:
    ratio = b.size / max(a.size, 1e-6)
    return _distance(a, b) <= JUMP_SIZES and JUMP_SIZE_RATIO <= ratio <= 1 / JUMP_SIZE_RATIO
