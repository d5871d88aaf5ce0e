"""The frontal-pose gate on synthetic landmarks and on real photos."""

import pytest

from kiosk.config import Config
from kiosk.vision.base import FaceBox
from kiosk.vision.quality import is_frontal, yaw_degrees


def face_with_nose_at(nose_x):
    return FaceBox(0, 0, 100, 100, 0.9, ((30, 40), (70, 40), (nose_x, 60), (35, 80), (65, 80)))


@pytest.mark.parametrize("nose_x, frontal", [(50, True), (60, True), (40, True), (70, False), (25, False)])
def test_yaw_from_nose_offset(nose_x, frontal):
    assert is_frontal(face_with_nose_at(nose_x), 35.0) is frontal


def test_no_landmarks_is_not_blocked():
    assert yaw_degrees(FaceBox(0, 0, 10, 10, 1.0)) == 0.0


def test_real_photos_face_the_camera(shared, tmp_path):
    from kiosk.vision.images import load_image
    from kiosk.vision.pipeline import FacePipeline

    pipeline = FacePipeline(Config().vision, tmp_path)
    for name in ("obama.jpg", "biden.jpg", "lin-manuel-miranda.png"):
        face = pipeline.detect(load_image(shared / "face_recognition" / name))[0]
        assert yaw_degrees(face) < 20, name
