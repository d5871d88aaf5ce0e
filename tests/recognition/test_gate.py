"""The liveness gate and the judge's thread with the real judge and face mesh, and no learned
model installed: every face is asked to blink at once, and a face that does not is refused and
recorded. Which faces are judged on a pass: recognised ones first."""

from pathlib import Path

import pytest

from kiosk.clock import system_clock
from kiosk.config import config_from_dict
from kiosk.messages import screen as msg
from kiosk.recognition.announce import Announcer
from kiosk.recognition.gate import LivenessGate, track_key
from kiosk.recognition.judging import JudgeThread
from kiosk.recognition.spoofs import SpoofRecorder
from kiosk.recognition.stats import WorkerStats
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import FaceBox, Match
from kiosk.vision.images import load_image
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.tracker import Tracker
from tests.lanes_support import OutboxSpy


@pytest.fixture
def gate_without_model(data_dir):
    cfg = config_from_dict({"store": {"data_dir": str(data_dir)}, "vision": {"embedder": "sface"}})  # no model imported
    store = SqliteStore.in_dir(data_dir)
    judging = JudgeThread(cfg)
    gate = LivenessGate(cfg, judging.info())
    yield cfg, gate, judging, store
    judging.shutdown()
    store.close()


def test_without_the_model_a_still_photo_is_asked_to_blink_and_refused(gate_without_model, shared: Path):
    cfg, gate, judging, store = gate_without_model
    assert gate.info.limited and gate.info.proof_by_challenge
    outbox = OutboxSpy("recognition")
    announcer = Announcer(cfg, None, outbox, WorkerStats())
    announcer.liveness_notices(gate.info)
    announcer.ready(gate.info)
    shown = outbox.lanes.take(10)  # what the screen reads: the notice, then the ready state
    assert shown == [msg.Notice(msg.LIVENESS_BLINK_ONLY), msg.RecognitionState(True, msg.LIVENESS_BLINK)]

    image = load_image(shared / "face_recognition" / "lin-manuel-miranda.png")
    face = max(FacePipeline(cfg.vision, cfg.data_dir / "models").detect(image), key=lambda f: f.size)
    tracker, recorder = Tracker(max_age_s=10.0), SpoofRecorder(cfg, store, system_clock())
    settled, prompts, failures, t = [], [], [], 0.0
    while t <= cfg.liveness.decide_s + 0.2:
        tracks = tracker.update([face], t)
        prompts += gate.absorb(judging.judge(gate.due(tracks), image, t).result())
        live, failed = gate.settle(tracks[0])
        settled.append(live)
        if failed is not None:
            failures.append(failed)
            recorder.record(failed)
        t += 0.1
    assert len(prompts) == 1 and prompts[0].seconds == pytest.approx(cfg.liveness.decide_s)  # asked at once
    assert not any(settled)  # never passed for live: a photo does not blink
    assert len(failures) == 1 and failures[0].crop is None  # reported once; no snapshot unless config says so
    assert [tuple(r) for r in store.query("SELECT person_id FROM spoof_events")] == [(None,)]  # recorded


def test_recognised_faces_are_judged_first_and_strangers_get_one_slot(gate_without_model):
    _, gate, _, _ = gate_without_model
    tracker = Tracker()
    near, middle, far = tracker.update([FaceBox(0, 0, 200, 200, 0.9), FaceBox(300, 0, 120, 120, 0.9),
                                        FaceBox(500, 0, 60, 60, 0.9)], 0.0)
    assert [key for key, _ in gate.due([near, middle, far])] == [track_key(near)]  # strangers: the largest
    far.votes = (Match("lin", "Lin", 0.7),)  # this frame matched someone (not yet confirmed)
    middle.votes = (Match("maya", "Maya", 0.6),)
    assert [key for key, _ in gate.due([near, middle, far])] == [track_key(middle), track_key(far)]


def test_the_judge_keeps_only_the_newest_frame_of_a_track(gate_without_model, shared: Path):
    # A 1080p frame is 6 MB and a track keeps up to 60 samples: the older ones keep their scores,
    # mesh and a small face crop, not the frame.
    cfg, _, judging, _ = gate_without_model
    image = load_image(shared / "face_recognition" / "lin-manuel-miranda.png")
    face = max(FacePipeline(cfg.vision, cfg.data_dir / "models").detect(image), key=lambda f: f.size)

    def look(judge):
        for i in range(6):
            judge.observe("face", image, face, i / 15)
        samples = judge.samples("face")
        return [s.image is None for s in samples], all(s.mesh is not None for s in samples), \
            judge.evaluate(samples).cues["frozen"]

    let_go, meshed, frozen = judging.ask(look)  # on the judge's own thread, which owns it
    assert let_go == [True] * 5 + [False] and meshed
    assert frozen == pytest.approx(0.05)  # the same picture, still seen


def test_a_failed_face_keeps_its_crop_only_with_snapshots_on_and_a_gone_track_is_forgotten(data_dir, shared):
    cfg = config_from_dict({"store": {"data_dir": str(data_dir)}, "liveness": {"keep_snapshots": True},
                            "vision": {"embedder": "sface"}})
    judging = JudgeThread(cfg)
    try:
        gate = LivenessGate(cfg, judging.info())
        image = load_image(shared / "face_recognition" / "lin-manuel-miranda.png")
        face = max(FacePipeline(cfg.vision, cfg.data_dir / "models").detect(image), key=lambda f: f.size)
        tracker, failed, t = Tracker(max_age_s=10.0), None, 0.0
        while failed is None and t <= cfg.liveness.decide_s + 0.2:
            tracks = tracker.update([face], t)
            gate.absorb(judging.judge(gate.due(tracks), image, t).result())
            failed = gate.settle(tracks[0])[1]
            t += 0.1
        assert failed is not None and failed.crop is not None and failed.crop.shape[2] == 3
        assert gate.settle(tracks[0]) == (False, None)  # a failure sticks to the track, reported once
        gate.forget_gone(set())  # the track ended
        assert not gate._failed and not gate._handled and not gate._prompted
    finally:
        judging.shutdown()
