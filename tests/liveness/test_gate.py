"""The worker's liveness gate with the real judge and face mesh, and no learned model installed:
every face is asked to blink at once, and a face that does not is refused and recorded. Which
faces are judged on a pass: recognised ones first."""

from pathlib import Path

import pytest

from kiosk.clock import system_clock
from kiosk.config import config_from_dict
from kiosk.liveness.gate import LivenessGate, load_judge, track_key
from kiosk.store.sqlite_store import SqliteStore
from kiosk.ui import text
from kiosk.ui.events import ChallengePrompt, LivenessFailed, Notice
from kiosk.vision.base import FaceBox, Match
from kiosk.vision.images import load_image
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.tracker import Tracker


@pytest.fixture
def gate_without_model(data_dir):
    cfg = config_from_dict({"store": {"data_dir": str(data_dir)}})  # no model imported
    store = SqliteStore.in_dir(data_dir)
    posted = []
    gate = LivenessGate(cfg, store, system_clock(), posted.append, load_judge(cfg))
    yield cfg, gate, store, posted
    store.close()


def test_without_the_model_a_still_photo_is_asked_to_blink_and_refused(gate_without_model, shared: Path):
    cfg, gate, store, posted = gate_without_model
    assert gate.limited and gate.judge.proof_by_challenge
    assert Notice(text.LIVENESS_ASK_EVERYONE, "warning") in posted
    assert gate.ready_message == text.LIVENESS_LIMITED

    image = load_image(shared / "face_recognition" / "lin-manuel-miranda.png")
    face = max(FacePipeline(cfg.vision, cfg.data_dir / "models").detect(image), key=lambda f: f.size)
    tracker = Tracker(max_age_s=10.0)
    settled, t = [], 0.0
    while t <= cfg.liveness.decide_s + 0.2:
        tracks = tracker.update([face], t)
        gate.judge_faces(gate.due(tracks), image, t)
        settled.append(gate.settle(tracks[0]))
        t += 0.1
    prompts = [e for e in posted if isinstance(e, ChallengePrompt)]
    assert len(prompts) == 1 and prompts[0].seconds == pytest.approx(cfg.liveness.decide_s)  # asked at once
    assert not any(settled)  # never passed for live: a photo does not blink
    assert [e for e in posted if isinstance(e, LivenessFailed)]
    assert [tuple(r) for r in store.query("SELECT person_id FROM spoof_events")] == [(None,)]  # recorded


def test_recognised_faces_are_judged_first_and_strangers_get_one_slot(gate_without_model):
    _, gate, _, _ = gate_without_model
    tracker = Tracker()
    near, middle, far = tracker.update([FaceBox(0, 0, 200, 200, 0.9), FaceBox(300, 0, 120, 120, 0.9),
                                        FaceBox(500, 0, 60, 60, 0.9)], 0.0)
    assert [key for key, _ in gate.due([near, middle, far])] == [track_key(near)]  # strangers: the largest
    far.vote(Match("lin", "Lin", 0.7), 2)
    middle.vote(Match("maya", "Maya", 0.6), 2)
    assert [key for key, _ in gate.due([near, middle, far])] == [track_key(middle), track_key(far)]


def test_the_judge_keeps_only_the_newest_frame_of_a_track(gate_without_model, shared: Path):
    # A 1080p frame is 6 MB and a track keeps up to 60 samples: the older ones keep their scores,
    # mesh and a small face crop, not the frame.
    cfg, gate, _, _ = gate_without_model
    image = load_image(shared / "face_recognition" / "lin-manuel-miranda.png")
    face = max(FacePipeline(cfg.vision, cfg.data_dir / "models").detect(image), key=lambda f: f.size)
    for i in range(6):
        gate.judge.observe("face", image, face, i / 15)
    samples = gate.judge.samples("face")
    assert [s.image is None for s in samples] == [True] * 5 + [False]
    assert all(s.mesh is not None for s in samples)
    assert gate.judge.evaluate(samples).cues["frozen"] == pytest.approx(0.05)  # the same picture, still seen
