"""Guided capture on real frames of the shared Hamilton clip, with the real models
(kiosk/enrolment/capture.py, as the recognition worker runs it).

The clip's main face, Lin-Manuel Miranda, looks ahead and turns to his own right
(frames 84-212) but never clearly to his left; the mirrored clip supplies the
left turn, as a camera facing the other way would see it.
"""


import cv2
import pytest

from kiosk.config import Config
from kiosk.enrolment.capture import GuidedCapture, read_frame
from kiosk.model import Frame
from tests.lanes_support import OutboxSpy
from kiosk.messages.enrolment import CaptureComplete, CaptureGuidance

FPS = 29.97
SFACE = Config().replace("vision", embedder="sface").vision  # ships in a package: every checkout has it
SOLO = range(84, 212, 2)  # the frames where he is alone in the picture, every other one


@pytest.fixture(scope="module")
def clip(shared) -> dict[int, object]:
    cap = cv2.VideoCapture(str(shared / "face_recognition" / "short_hamilton_clip.mp4"))
    frames, index = {}, 0
    while True:
        ok, image = cap.read()
        if not ok:
            break
        frames[index] = image
        index += 1
    cap.release()
    return frames


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    from kiosk.vision.pipeline import FacePipeline

    return FacePipeline(SFACE, tmp_path_factory.mktemp("models"))


def test_a_frame_turned_to_his_right_reads_negative_yaw_and_its_mirror_positive(clip, pipeline):
    turned = read_frame(pipeline, Frame(clip[114], 0.0, 114), None)
    mirrored = read_frame(pipeline, Frame(cv2.flip(clip[114], 1), 0.0, 114), None)
    assert turned.faces == 1 and turned.face.yaw < -20 and mirrored.face.yaw > 20
    assert not turned.face.tilted and not turned.face.looks.blurred and turned.face.box.size > 70


def test_a_crowd_frame_asks_for_one_person(clip, pipeline):
    assert read_frame(pipeline, Frame(clip[240], 0.0, 240), None).faces > 1


def run_capture(clip, pipeline, vision) -> list:
    """The clip's solo frames, then their mirror images (the left and right turns); what was sent."""
    outbox = OutboxSpy("recognition")
    capture = GuidedCapture(pipeline, vision, outbox, "door-7")
    t = 0.0
    for mirrored in (False, True):
        for index in SOLO:
            image = cv2.flip(clip[index], 1) if mirrored else clip[index]
            t += 2 / FPS
            capture.process(Frame(image, t, index))
    return outbox.sent()


def test_capture_keeps_two_photos_of_each_pose_then_hands_over_the_embeddings(clip, pipeline):
    posted = run_capture(clip, pipeline, SFACE)
    guidance = [e for e in posted if isinstance(e, CaptureGuidance)]
    (done,) = [e for e in posted if isinstance(e, CaptureComplete)]
    assert done.vectors.shape == (6, 128) and done.embedder == "sface" and done.others == {}
    assert sorted(done.sources) == sorted(f"door-7 {p} {n}" for p in ("front", "left", "right") for n in (1, 2))
    assert guidance[-1].advice == "done" and dict(guidance[-1].counts) == {"front": 2, "left": 2, "right": 2}
    assert sum(g.kept for g in guidance) == 6
    assert "left" in {g.advice for g in guidance}  # it asked for the left turn before the mirrored pass


def test_with_edgeface_installed_each_photo_also_gets_its_vector(clip, installed_edgeface, tmp_path):
    """The kiosk on EdgeFace-S (the default) loads SFace beside it while enrolment is open: the
    student's photos give both models' vectors, so a later change of model needs no new photos."""
    from kiosk.vision.pipeline import FacePipeline

    pipeline = FacePipeline(Config().vision, tmp_path)
    assert pipeline.model == "edgeface-s" and pipeline.load_companions() == ["sface"]
    (done,) = [e for e in run_capture(clip, pipeline, pipeline.cfg) if isinstance(e, CaptureComplete)]
    assert done.embedder == "edgeface-s" and done.vectors.shape == (6, 512)
    assert list(done.others) == ["sface"] and done.others["sface"].shape == (6, 128)
    for rows in (done.vectors, done.others["sface"]):  # each model sees one person in the six photos
        scores = rows @ rows.T
        assert (scores.sum() - 6) / 30 > 0.4, scores
