"""The recognition worker thread: the freshest frame -> faces -> identities -> check-ins.

It loads the models in its own thread (the liveness judge's on its helper
thread, meanwhile), warms them up, then runs one pass per new frame. It never
touches pygame: it reads the capture slot, takes commands from its bounded
queue, and sends messages by its outbox. While enrolment is open it runs the
guided capture instead of recognising.

One pass: detect and track (vision/), choose the faces to embed (passes),
identify them while the judge adds the same frame to the undecided faces'
liveness evidence on the second core (identify, judging), then let each live,
confirmed face be checked in (gate, announce).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Callable

from kiosk.attendance.service import AttendanceService
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.enrolment.capture import GuidedCapture
from kiosk.errors import KioskError, StoreError
from kiosk.messages.enrolment import PauseForEnrolment, ResumeRecognition, StartCapture
from kiosk.messages.lanes import Commands, Outbox
from kiosk.messages.screen import RecognitionState
from kiosk.model import Frame
from kiosk.recognition import passes
from kiosk.recognition.announce import Announcer
from kiosk.recognition.attempts import AttemptRecorder
from kiosk.recognition.cards import CardWatch
from kiosk.recognition.gate import LivenessGate
from kiosk.recognition.identify import Identifier
from kiosk.recognition.judging import JudgeReport, JudgeThread
from kiosk.recognition.spoofs import SpoofRecorder
from kiosk.recognition.stats import WorkerStats
from kiosk.store.health import StoreHealth
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.tracker import Track, Tracker

log = logging.getLogger(__name__)

STORE_RETRY_S = 1.0  # while the database fails: how often kept check-ins are saved again (or the file checked)


class RecognitionWorker(threading.Thread):
    def __init__(self, cfg: Config, frames, store_factory: Callable[[], SqliteStore], clock: Clock,
                 outbox: Outbox, stop: threading.Event, health: StoreHealth | None = None):
        super().__init__(name="recognition", daemon=True)
        self.health = health or StoreHealth()  # the watchdog reads it too
        self._store_retried = -1e9
        self.heartbeat = time.monotonic()  # last loop turn; the systemd watchdog reads it
        self.cfg = cfg
        self.frames = frames  # LatestFrame slot: wait_newer(after_index, timeout)
        self.store_factory = store_factory
        self.clock = clock
        self.outbox = outbox
        self.stop = stop
        self.stats = WorkerStats()
        self.ready_at: float | None = None  # monotonic time the models were warm
        self.commands = Commands("recognition")  # from the screen: guided enrolment
        self.tracker = Tracker()
        self.enrolling = False  # enrolment is open: no recognition, no check-ins
        self.capture: GuidedCapture | None = None  # while a student's photos are taken
        self.judging: JudgeThread | None = None
        self.store: SqliteStore | None = None
        self.configured = cfg.vision  # self.cfg.vision becomes the model that runs (see load)

    def submit(self, command: object) -> bool:
        """Called from the UI thread; never blocks."""
        return self.commands.submit(command)

    def run(self) -> None:
        try:
            self.load()
        except KioskError as err:
            log.error("recognition unavailable: %s", err)
            self.outbox.latest(RecognitionState(False, error=str(err)))
            if self.judging is not None:
                self.judging.shutdown(wait=False)
            return
        self.ready_at = time.monotonic()
        self.announcer.ready(self.gate.info)
        try:
            self._loop()
        finally:
            self.close()

    def _loop(self) -> None:
        last_index = -1
        while not self.stop.is_set():
            self.heartbeat = time.monotonic()
            self.outbox.flush()  # messages the screen had no room for yet
            for command in self.commands.drain():
                self._enrolment_command(command)
            self._retry_store()
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

    def load(self) -> None:
        """Load and warm up every model, in this thread (run() calls it; so may a test)."""
        self.judging = JudgeThread(self.cfg)  # its models load on its own thread, meanwhile
        self.store = self.store_factory()
        self.announcer = Announcer(self.cfg, AttendanceService(self.store, self.cfg, self.clock), self.outbox,
                                   self.stats, self.health)
        self._start_face_model()
        info = self.judging.info()
        self.gate = LivenessGate(self.cfg, info)
        self.announcer.liveness_notices(info)
        self.spoofs = SpoofRecorder(self.cfg, self.store, self.clock)
        self.spoofs.purge_snapshots()
        self.attempts = AttemptRecorder(self.cfg, self.store, self.clock, self.pipeline, self.identifier)
        self.cards = CardWatch(self.cfg.attendance, self.outbox)  # check-in cards shown to the camera

    def _start_face_model(self) -> None:
        """The face model to recognise with: the configured one when every enrolled person has a vector
        for it (and its file loads), else one they all have (kiosk/enrolment/gallery.py); said on
        screen and in the log when it is not the configured one."""
        from kiosk.enrolment.gallery import choose_pipeline
        from kiosk.store.embeddings import model_coverage

        self.pipeline, chosen = choose_pipeline(self.configured, self.cfg.data_dir / "models",
                                                model_coverage(self.store))
        # From here on, the model that runs: the gallery holds its vectors, captures are labelled with it.
        self.cfg = replace(self.cfg, vision=self.pipeline.cfg)
        self.pipeline.warm_up()
        self.identifier = Identifier(self.pipeline, self.cfg.vision, self.store, self.configured)
        self.tracker = Tracker()  # a track's evidence holds vectors of the model it was embedded with
        if self.pipeline.fallback_reason:
            self.announcer.embedder_fallback(self.configured.embedder, self.cfg.vision.embedder,
                                             self.pipeline.fallback_reason)
        elif chosen.describe():
            self.announcer.gallery_model(chosen)
        elif chosen.people == 0:
            log.warning("nobody is enrolled yet: every face is a stranger until someone is (main.py enroll)")

    def close(self) -> None:
        if self.judging is not None:
            self.judging.shutdown(wait=True)
        if self.store is not None:
            self.store.close()

    def _enrolment_command(self, command: object) -> None:
        if isinstance(command, (PauseForEnrolment, StartCapture)) and not self.enrolling:
            # The other installed models embed each kept photo too; loaded while the person's details are
            # typed, dropped after (recognition runs one model).
            others = self.pipeline.load_companions()
            log.info("enrolment: also storing vectors for %s", ", ".join(others) or "no other model")
        if isinstance(command, PauseForEnrolment):
            self.enrolling, self.capture = True, None
        elif isinstance(command, StartCapture):
            self.enrolling = True
            self.capture = GuidedCapture(self.pipeline, self.cfg.vision, self.outbox, self.cfg.kiosk.id)
        elif isinstance(command, ResumeRecognition):
            self.pipeline.drop_companions()
            self.enrolling, self.capture = False, None
            self.tracker = Tracker()  # faces seen before enrolment are stale
            self.identifier.reload_soon()  # the new student is known
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
            if self.identifier.refresh_gallery():
                self._start_face_model()  # enrolments changed which model everyone has a vector for
            self.process(frame)
            self.cards.look(frame)
        except StoreError as err:  # a full disk, a damaged page: say so on screen, keep recognising
            log.error("%s", err)
            self.announcer.storage_failing(str(err))
        except Exception as err:  # one bad frame must not stop recognition
            log.warning("recognition step failed: %s", err, exc_info=log.isEnabledFor(logging.DEBUG))
        self.stats.frames_processed += 1
        self.stats.process_ms.add((time.perf_counter() - started) * 1000)

    def _retry_store(self) -> None:
        """While the database fails: save the check-ins kept meanwhile, or check the file, once a second."""
        attendance = self.announcer.attendance
        now = time.monotonic()
        if not (self.health.failing or attendance.pending) or now - self._store_retried < STORE_RETRY_S:
            return
        self._store_retried = now
        try:
            saved = attendance.save_pending()
            if not saved:
                self.store.probe()
        except StoreError as err:
            self.announcer.storage_failing(str(err))
            return
        self.announcer.storage_back(saved)

    def process(self, frame: Frame) -> None:
        """One recognition pass over one frame."""
        faces = self.pipeline.detect(frame.image)
        tracks = self.tracker.update(faces, frame.captured_at)
        self.gate.forget_gone({t.id for t in self.tracker.tracks})
        self.attempts.forget_gone({t.id for t in self.tracker.tracks})  # an unnamed walk-up that ended
        plan = passes.plan(tracks, frame.captured_at, self.cfg.vision)
        if tracks and not plan.usable:
            self.announcer.look_at_camera(frame.captured_at)
        judging = self.judging.judge(self.gate.due(plan.usable), frame.image, frame.captured_at)
        try:
            swapped = self.identifier.identify(plan.due, frame)
            self.stats.recognitions += len(plan.due)
        finally:
            self._absorb(judging.result())  # re-raises a failure of the judge here
        self.attempts.observe(plan.due, frame)
        if swapped:  # a new face in an old track: its evidence starts with this frame
            self._absorb(self.judging.judge(self.gate.due(swapped), frame.image, frame.captured_at).result())
        for track in plan.usable:
            self._settle(track)
        self.announcer.faces_seen(frame, tracks, self.gate.score)

    def _absorb(self, report: JudgeReport | None) -> None:
        for prompt in self.gate.absorb(report):
            self.announcer.prompt(prompt)
        if report is not None and report.judge_ms is not None:
            self.stats.judge_ms.add(report.judge_ms)

    def _settle(self, track: Track) -> None:
        live, failed = self.gate.settle(track)
        if failed is not None:  # shown and recorded once, never marked
            self.spoofs.record(failed)
            self.announcer.liveness_failed(failed.result.score)
        if live:
            self.attempts.live(track)
            self.announcer.announce(track)
