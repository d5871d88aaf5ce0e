"""The attempt recorder's rules, with the real face pipeline on a shared photo: only an unnamed, live
walk-up of at least MIN_FRAMES frames, in a session, whose best frame passes the enrolment quality gate,
is kept; a blurred face never is."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import pytest

from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.enrolment.gallery import build_gallery
from kiosk.model import Frame
from kiosk.recognition.attempts import MIN_FRAMES, AttemptRecorder
from kiosk.store import attempts as stored
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import Match
from kiosk.vision.images import load_image
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.tracker import Track
from tests.attempts_support import NOW, school


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    return FacePipeline(Config().replace("vision", embedder="sface").vision, tmp_path_factory.mktemp("models"))


@pytest.fixture
def door(data_dir, faces, pipeline):
    store = SqliteStore.in_dir(data_dir)
    school(store, faces)
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-7", room="B12").replace(
        "vision", embedder="sface")
    recorder = AttemptRecorder(cfg, store, FixedClock(NOW), pipeline,
                               SimpleNamespace(gallery=build_gallery(store, cfg.vision)))
    yield recorder, store
    store.close()


def walk_up(recorder, pipeline, image, frames: int = MIN_FRAMES, live: bool = True, named: bool = False):
    face = pipeline.detect(image)[0]
    track = Track(1, face, 0.0, 0.0)
    vector = pipeline.embed(image, [face])[0]
    for i in range(frames):
        track.evidence.add(vector, 1.0)
        track.confirmed = Match("obama", "Barack Obama", 0.9) if named and i == frames - 1 else None
        recorder.observe([track], Frame(image, float(i), i))
    if live:
        recorder.live(track)
    recorder.forget_gone(set())  # the face has gone


def test_an_unnamed_live_walk_up_is_kept_once(door, pipeline, shared):
    recorder, store = door
    walk_up(recorder, pipeline, load_image(shared / "face_recognition" / "obama2.jpg"))
    (attempt,) = stored.attempts_between(store, NOW.replace(hour=0), NOW.replace(hour=23))
    assert attempt.frames == MIN_FRAMES and attempt.candidates[0].person_id == "obama"
    assert stored.attempt_vector(store, attempt.id, "sface").shape == (128,)
    picture = cv2.imread(str(stored.crop_path(store, attempt.crop)))
    assert picture.shape == (112, 112, 3)
    recorder.forget_gone(set())
    assert recorder.kept == 1


@pytest.mark.parametrize("case", ["blurred", "too short", "not live", "named", "turned off"])
def test_what_is_never_kept(door, pipeline, shared, case):
    recorder, store = door
    image = load_image(shared / "face_recognition" / "obama2.jpg")
    if case == "blurred":
        image = cv2.GaussianBlur(image, (0, 0), 6)
    if case == "turned off":
        recorder.enabled = False
    walk_up(recorder, pipeline, image, frames=MIN_FRAMES - 1 if case == "too short" else MIN_FRAMES,
            live=case != "not live", named=case == "named")
    assert recorder.kept == 0 and store.query("SELECT count(*) FROM attempts")[0][0] == 0
    assert not stored.attempts_dir(store).exists() or not list(stored.attempts_dir(store).iterdir())
