"""Identification: the faces due this pass -> embeddings -> each track's evidence -> who it is.

The one unit that asks who a face is. It owns the face pipeline's embedder
side, the gallery (reloaded when an enrolment changes it) and the naming rule
(kiosk/vision/naming.py, which decides). Each embedding joins its track's
evidence, weighted by the frame's quality, and the rule names the track from
its frames' matches and their mean, or calls it a stranger; each frame's own
match still tells when someone else stepped into the track.
"""

from __future__ import annotations

import logging
import time

from kiosk.config import VisionSection
from kiosk.enrolment.gallery import build_gallery, serving_embedders
from kiosk.model import Frame
from kiosk.store.embeddings import embeddings_signature, model_coverage
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import model_key
from kiosk.vision.evidence import frame_weight
from kiosk.vision.naming import name_faces, name_track, naming_rule
from kiosk.vision.tracker import Track

log = logging.getLogger(__name__)

GALLERY_POLL_S = 3.0  # how often new enrolments are picked up


class Identifier:
    """Build in the recognition thread (it reads the store through that thread's connection)."""

    def __init__(self, pipeline, vision: VisionSection, store: SqliteStore, configured: VisionSection | None = None):
        self.pipeline = pipeline
        self.vision = vision  # the model that runs
        self.configured = configured or vision  # the one the config asks for
        self.store = store
        self._signature = store.gallery_signature(model_key(vision))
        self._every_model = embeddings_signature(store)
        self._checked = time.monotonic()
        self.rule = naming_rule(vision)
        self.gallery = build_gallery(store, vision)

    def identify(self, tracks: list[Track], frame: Frame) -> list[Track]:
        """Embed and name; returns the tracks found to hold a new face."""
        if not tracks:
            return []
        vectors = self.pipeline.embed(frame.image, [t.box for t in tracks])
        matches = name_faces(self.rule, self.gallery, vectors)  # an empty gallery names nobody
        swapped = []
        for track, vector, match in zip(tracks, vectors, matches):
            if track.observe(vector, frame.captured_at, frame.index, match.person_id):
                swapped.append(track)  # its evidence started again with this frame
            track.evidence.add(vector, frame_weight(track.box))
            verdict = name_track(self.rule, self.gallery, track.evidence, match, track.votes, track.confirmed)
            track.votes, track.confirmed, track.stranger = verdict.votes, verdict.named, verdict.stranger
            log.debug("frame %d track %d: frame %s %.2f, track %s %.2f over %d frames", frame.index, track.id,
                      match.person_id, match.score, verdict.mean.person_id, verdict.mean.score,
                      track.evidence.frames)
        return swapped

    def refresh_gallery(self) -> bool:
        """Pick up enrolments made since (at most every GALLERY_POLL_S). True when another model should
        run now: the running one no longer has everyone's vector (a person enrolled or pulled without
        it), or one preferred to it now has (the missing vectors were added)."""
        now = time.monotonic()
        if now - self._checked < GALLERY_POLL_S:
            return False
        self._checked = now
        every_model = embeddings_signature(self.store)
        if every_model != self._every_model:
            self._every_model = every_model
            best = serving_embedders(self.configured, model_coverage(self.store))[0]
            if best != self.vision.embedder:
                log.info("enrolments changed: %s now serves the gallery best", best)
                return True
        signature = self.store.gallery_signature(model_key(self.vision))
        if signature != self._signature:
            self._signature = signature
            self.gallery = build_gallery(self.store, self.vision)
            log.info("gallery loaded: %d enrolled vectors", len(self.gallery))
        return False

    def reload_soon(self) -> None:
        """On the next refresh, reload whatever the store holds (a student was just enrolled)."""
        self._signature, self._checked = (), -1e9
