"""The recognition worker thread: freshest frame -> faces -> identities -> check-ins.

It loads the models in its own thread, warms them up, then posts events
for the UI. It never touches pygame; the only shared things are the
capture slot it reads and the queue it posts to.

The liveness judge runs on a helper thread of its own, beside the embedding
of the same frame: both models release the GIL, so a pass costs detection
plus the slower of the two, not their sum (BENCHMARKS.md). The worker waits
for the judge before it announces anything, so they never share state
while both run.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from kiosk.attendance.service import AttendanceService
from kiosk.camera.base import Frame
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.enrolment.capture import GuidedCapture
from kiosk.enrolment.events import PauseForEnrolment, ResumeRecognition, StartCapture
from kiosk.errors import KioskError, StoreError
from kiosk.model import CheckIn, Status
from kiosk.store.sqlite_store import SqliteStore
from kiosk.ui.events import CheckInPosted, FaceLabel, FacesSeen, LookAtCamera, Notice, RecognitionState, post
from kiosk.vision.base import FaceBox, Match, model_key
from kiosk.vision.quality import is_frontal
from kiosk.vision.tracker import UNKNOWN, Track, Tracker

log = logging.getLogger(__name__)

REVERIFY_S = 0.25  # a settled track (confirmed, or a stranger behind) is re-identified this often
MOVED_IOU = 0.5  # a settled face whose box moved this much since its embedding is checked again
MAX_EMBEDS_PER_FRAME = 3  # largest faces first; a crowd must not stall the worker
GALLERY_POLL_S = 3.0  # how often new enrolments are picked up
STORAGE_NOTICE_S = 10.0  # how often a storage failure is repeated on screen
LOOK_HINT_S = 3.0  # at most one "please look at the camera" per this many seconds


@dataclass
class WorkerStats:
    frames_processed: int = 0
    recognitions: int = 0  # faces embedded and matched
    checkins: int = 0  # rows stored
    latencies_ms: list[float] = field(default_factory=list)
    process_ms: list[float] = field(default_factory=list)


class RecognitionWorker(threading.Thread):
    def __init__(self, cfg: Config, frames, store_factory: Callable[[], SqliteStore], clock: Clock,
                 events: queue.Queue, stop: threading.Event):
        super().__init__(name="recognition", daemon=True)
        self.heartbeat = time.monotonic()  # last loop turn; the systemd watchdog reads it
        self.cfg = cfg
        self.frames = frames  # LatestFrame slot: wait_newer(after_index, timeout)
        self.store_factory = store_factory
        self.clock = clock
        self.events = events
        self.stop = stop
        self.stats = WorkerStats()
        self.ready_at: float | None = None  # monotonic time the models were warm
        self._tracker = Tracker()
        self._last_look_hint = -1e9
        self._gallery_checked = -1e9
        self._gallery_signature: tuple = ()
        self._last_notice: dict[str, float] = {}
        self._last_storage_notice = -1e9  # person id -> monotonic time last shown
        self.commands: queue.Queue = queue.Queue()  # from the UI: guided enrolment (kiosk/enrolment/events.py)
        self.enrolling = False  # enrolment is open: no recognition, no check-ins
        self.capture: GuidedCapture | None = None  # while a student's photos are taken
        # The liveness judge loads and runs only here; the worker waits for it on every pass.
        self._beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="liveness")

    def run(self) -> None:
        try:
            self._load()
        except KioskError as err:
            log.error("recognition unavailable: %s", err)
            self._post(RecognitionState(False, f"Recognition unavailable: {err}"))
            self._beside.shutdown(wait=False)
            return
        self.ready_at = time.monotonic()
        self._post(RecognitionState(True, self.liveness.ready_message))
        last_index = -1
        try:
            while not self.stop.is_set():
                self.heartbeat = time.monotonic()
                self._take_commands()
                frame = self.frames.wait_newer(last_index, 0.25)
                if frame is None:
                    continue
                last_index = frame.index
                if self.enrolling:
                    self._capture_safely(frame)
                else:
                    self._process_safely(frame)
                if self.cfg.vision.interval_s:
                    self.stop.wait(self.cfg.vision.interval_s)
        finally:
            self._beside.shutdown(wait=True)
            self.store.close()

    def _load(self) -> None:
        from kiosk.liveness.gate import LivenessGate, load_judge
        from kiosk.enrolment.gallery import build_gallery
        from kiosk.vision.pipeline import FacePipeline

        judge = self._beside.submit(load_judge, self.cfg)  # its models load where they run, meanwhile
        self.store = self.store_factory()
        self.pipeline = FacePipeline(self.cfg.vision, self.cfg.data_dir / "models")
        self.pipeline.warm_up()
        self._build_gallery = lambda: build_gallery(self.store, self.cfg.vision)
        self._gallery_signature = self.store.gallery_signature(model_key(self.cfg.vision))
        self._gallery_checked = time.monotonic()
        self.gallery = self._build_gallery()
        self.attendance = AttendanceService(self.store, self.cfg, self.clock)
        self.liveness = LivenessGate(self.cfg, self.store, self.clock, self._post, judge.result())

    def submit(self, command: object) -> None:
        """Called from the UI thread; never blocks."""
        self.commands.put_nowait(command)

    def _take_commands(self) -> None:
        while True:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return
            self._enrolment_command(command)

    def _enrolment_command(self, command: object) -> None:
        if isinstance(command, PauseForEnrolment):
            self.enrolling, self.capture = True, None
        elif isinstance(command, StartCapture):
            self.enrolling = True
            self.capture = GuidedCapture(self.pipeline, self.cfg.vision, self.events, self._post, self.cfg.kiosk.id)
        elif isinstance(command, ResumeRecognition):
            self.enrolling, self.capture = False, None
            self._tracker = Tracker()  # faces seen before enrolment are stale
            self._gallery_signature, self._gallery_checked = (), -1e9  # reload now: the new student is known
        log.info("enrolment: %s", type(command).__name__)

    def _capture_safely(self, frame: Frame) -> None:
        if self.capture is None:
            return
        try:
            self.capture.process(frame)
        except Exception as err:  # one bad frame must not end the capture
            log.warning("enrolment capture step failed: %s", err, exc_info=log.isEnabledFor(logging.DEBUG))

    def _process_safely(self, frame: Frame) -> None:
        started = time.perf_counter()
        try:
            self._refresh_gallery()
            self.process(frame)
        except StoreError as err:  # a full disk, say: say so on screen, keep recognising
            log.error("%s", err)
            self._storage_notice(str(err))
        except Exception as err:  # one bad frame or a locked database must not stop recognition
            log.warning("recognition step failed: %s", err, exc_info=log.isEnabledFor(logging.DEBUG))
        self.stats.frames_processed += 1
        self.stats.process_ms.append((time.perf_counter() - started) * 1000)

    def process(self, frame: Frame) -> None:
        faces = self.pipeline.detect(frame.image)
        tracks = self._tracker.update(faces, frame.captured_at)
        usable = [t for t in tracks if self._usable(t.box)]
        if tracks and not usable:
            self._hint_look_at_camera(frame.captured_at)
        front = max(usable, key=lambda t: t.box.size, default=None)
        due = [t for t in usable if self._needs_embedding(t, frame.captured_at, t is front)]
        due.sort(key=lambda t: t.box.size, reverse=True)
        judging = self._beside.submit(self.liveness.judge_faces, self.liveness.due(usable), frame.image,
                                      frame.captured_at)
        try:
            swapped = self._identify(due[:MAX_EMBEDS_PER_FRAME], frame)
        finally:
            judging.result()  # re-raises a failure of the judge here
        if swapped:  # a new face in an old track: its evidence starts with this frame
            self._beside.submit(self.liveness.judge_faces, self.liveness.due(swapped), frame.image,
                                frame.captured_at).result()
        for track in usable:
            self._announce(track)
        self._post(FacesSeen(frame.index, tuple(_label(t, self.liveness.score(t)) for t in tracks)))

    def _usable(self, face: FaceBox) -> bool:
        """Big enough and facing the kiosk: only such faces are identified."""
        vision = self.cfg.vision
        return face.size >= vision.min_face_px and is_frontal(face, vision.max_yaw_deg)

    def _needs_embedding(self, track: Track, now: float, front: bool) -> bool:
        # Unconfirmed faces are embedded on every pass: that is what notices at once when a known
        # student steps into a stranger's place (bench/latency.py). Settled faces (confirmed, or a
        # stranger behind the one at the kiosk) are checked again after a while, or at once if
        # the box jumped: that keeps a pass within one frame time with a crowd in view.
        settled = track.confirmed is not None or (track.unknown and not front)
        if not settled:
            return True
        moved = track.embedded_box is not None and track.box.iou(track.embedded_box) < MOVED_IOU
        return moved or now - track.last_embedded >= REVERIFY_S

    def _identify(self, tracks: list[Track], frame: Frame) -> list[Track]:
        """Embed and vote; returns the tracks found to hold a new face."""
        if not tracks:
            return []
        vectors = self.pipeline.embed(frame.image, [t.box for t in tracks])
        matches = self.gallery.match(vectors) if len(self.gallery) else [Match(None, None, -1.0)] * len(tracks)
        self.stats.recognitions += len(tracks)
        swapped = []
        for track, vector, match in zip(tracks, vectors, matches):
            if track.observe(vector, frame.captured_at, frame.index, match.person_id):
                swapped.append(track)
            track.vote(match, self.cfg.vision.confirm_frames)
            log.debug("frame %d track %d: %s %.2f", frame.index, track.id, match.person_id, match.score)
        return swapped

    def _announce(self, track: Track) -> None:
        if not self.liveness.settle(track):
            return  # not yet judged live (or failed: shown and recorded, never marked)
        confirmed = track.confirmed
        if confirmed is not None and track.announced_as != confirmed.person_id:
            log.debug("track %d confirmed as %s (%.2f) after %d votes", track.id, confirmed.person_id,
                      confirmed.score, len(track.votes))
            checkin = self.attendance.check_in(  # a StoreError leaves the track to try again
                confirmed.person_id, confirmed.name, round(confirmed.score, 3), track.first_seen
            )
            track.announced_as = confirmed.person_id
            if checkin.status.stored and checkin.latency_ms is not None:
                self.stats.checkins += 1
                self.stats.latencies_ms.append(checkin.latency_ms)
            if self._worth_showing(checkin):
                self._post(CheckInPosted(checkin))
        elif confirmed is None and track.unknown and track.announced_as is None:
            track.announced_as = UNKNOWN
            self._post(CheckInPosted(CheckIn(Status.UNKNOWN, score=round(track.votes[-1].score, 3))))

    def _worth_showing(self, checkin: CheckIn) -> bool:
        """A flickering track must not repeat "Already checked in" every second."""
        now = time.monotonic()
        last = self._last_notice.get(checkin.person_id, -1e9)
        self._last_notice[checkin.person_id] = now
        return checkin.status is not Status.ALREADY or now - last >= self.cfg.attendance.repeat_notice_s

    def _storage_notice(self, reason: str) -> None:
        now = time.monotonic()
        if now - self._last_storage_notice >= STORAGE_NOTICE_S:
            self._last_storage_notice = now
            self._post(Notice(f"Check-ins are not being saved: {reason}. Please tell IT.", "error"))

    def _hint_look_at_camera(self, now: float) -> None:
        if now - self._last_look_hint >= LOOK_HINT_S:
            self._last_look_hint = now
            self._post(LookAtCamera())

    def _refresh_gallery(self) -> None:
        now = time.monotonic()
        if now - self._gallery_checked < GALLERY_POLL_S:
            return
        self._gallery_checked = now
        signature = self.store.gallery_signature(model_key(self.cfg.vision))
        if signature != self._gallery_signature:
            self._gallery_signature = signature
            self.gallery = self._build_gallery()
            log.info("gallery loaded: %d enrolled vectors", len(self.gallery))

    def _post(self, event: object) -> None:
        post(self.events, event)  # if the UI is behind, the next frame's boxes replace these anyway


def _label(track: Track, liveness: float | None = None) -> FaceLabel:
    if track.confirmed is not None:
        return FaceLabel(track.box, track.confirmed.name, track.confirmed.score, True, liveness)
    last = track.votes[-1] if track.votes else None
    return FaceLabel(track.box, None, last.score if last else None, False, liveness)

