"""Guided capture on live frames, run by the recognition worker (it owns the models).

For each new frame: detect, measure the largest face (pose, tilt, light,
focus, eyes, motion), let CaptureProgress decide what to say and whether
to keep it, embed the kept ones, and send a CaptureGuidance (a latest
value). When every pose has its photos, deliver CaptureComplete with the
embeddings (lossless: the screen must get them): the running model's, and the other installed
models' (the worker loads them while enrolment is open), so the student needs no new photos when
the kiosk changes model.
"""

from __future__ import annotations

import logging
import math

import numpy as np

from kiosk.config import VisionSection
from kiosk.enrolment.guidance import BACKGROUND_SHARE, Advice, CaptureProgress, FaceReading, FrameReading, poses_for
from kiosk.messages.enrolment import CaptureComplete, CaptureGuidance
from kiosk.messages.lanes import Outbox
from kiosk.model import Frame
from kiosk.vision.base import FaceBox
from kiosk.vision.quality import head_tilted, signed_yaw_degrees

log = logging.getLogger(__name__)

def read_frame(pipeline, frame: Frame, previous: tuple[FaceBox, float] | None) -> FrameReading:
    """Measure the largest face of one frame; `previous` (box, captured_at) gives its motion."""
    height, width = frame.image.shape[:2]
    faces = sorted(pipeline.detect(frame.image), key=lambda f: f.size, reverse=True)
    if not faces:
        return FrameReading(width, height, 0, None)
    main = faces[0]
    in_view = sum(1 for f in faces if f.size >= BACKGROUND_SHARE * main.size)
    looks, eyes = pipeline.face_quality(frame.image, main)
    reading = FaceReading(main, signed_yaw_degrees(main), head_tilted(main), looks, eyes,
                          _motion(main, frame.captured_at, previous))
    return FrameReading(width, height, in_view, reading)


def _motion(box: FaceBox, at: float, previous: tuple[FaceBox, float] | None) -> float:
    """How fast the face moves, in its own widths per second (0 for the first frame)."""
    if previous is None or at <= previous[1] or box.size <= 0:
        return 0.0
    before, then = previous
    shift = math.hypot(box.x + box.w / 2 - before.x - before.w / 2, box.y + box.h / 2 - before.y - before.h / 2)
    return shift / box.size / (at - then)


class GuidedCapture:
    """One student's capture; the worker feeds it frames until it is done or cancelled."""

    def __init__(self, pipeline, cfg: VisionSection, outbox: Outbox, label: str = "kiosk"):
        self.pipeline = pipeline
        self.cfg = cfg
        self.outbox = outbox  # the worker's: guidance is a latest value, the finished capture is delivered
        self.label = label  # names the source of each embedding, e.g. the kiosk id
        self.progress = CaptureProgress(poses_for(cfg.max_yaw_deg))
        self.vectors: list[np.ndarray] = []
        self.others: dict[str, list[np.ndarray]] = {}  # the other installed models' vectors (pipeline.companions)
        self.sources: list[str] = []
        self._previous: tuple[FaceBox, float] | None = None
        self.finished = False

    def process(self, frame: Frame) -> None:
        if self.finished:
            return
        reading = read_frame(self.pipeline, frame, self._previous)
        self._previous = (reading.face.box, frame.captured_at) if reading.face else None
        advice, pose = self.progress.judge(reading, frame.captured_at, self.cfg.min_face_px)
        if pose is not None:
            self._keep(frame, reading.face.box)
            self.progress.record(pose, frame.captured_at)
            self.sources.append(f"{self.label} {pose.name} {self.progress.count(pose)}")
            log.info("enrolment: kept a %s photo (yaw %+.0f)", pose.name, reading.face.yaw)
            advice = Advice.DONE if self.progress.done else advice
        self.outbox.latest(self._guidance(frame.index, advice.value, reading, pose is not None))
        if self.progress.done:
            self.finished = True
            self._complete()

    def _keep(self, frame: Frame, box: FaceBox) -> None:
        """The kept photo's vector under the running model and each companion (no photo is kept)."""
        for model, rows in self.pipeline.embed_models(frame.image, [box]).items():
            if model == self.pipeline.model:
                self.vectors.append(rows[0])
            else:
                self.others.setdefault(model, []).append(rows[0])

    def _guidance(self, index: int, advice: str, reading: FrameReading, kept: bool) -> CaptureGuidance:
        progress = self.progress
        counts = tuple((p.name, progress.count(p)) for p in progress.poses)
        target = progress.target.name if progress.target else None
        box = reading.face.box if reading.face else None
        return CaptureGuidance(index, advice, box, counts, progress.per_pose, target, kept)

    def _complete(self) -> None:
        others = {model: np.stack(rows).astype(np.float32) for model, rows in self.others.items()}
        self.outbox.deliver(CaptureComplete(np.stack(self.vectors).astype(np.float32), tuple(self.sources),
                                            self.cfg.embedder, others))
