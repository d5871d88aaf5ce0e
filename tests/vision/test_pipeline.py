from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.config import VisionSection
from kiosk.errors import ConfigError, ImageError
from kiosk.vision.pipeline import FacePipeline


def test_enrolment_face_returns_the_face_and_its_vector(sface_pipeline, photos):
    found = sface_pipeline.enrolment_face(photos["obama.jpg"], "obama.jpg")
    face, vector = found.face, found.vector
    assert face.size >= 48
    assert vector.shape == (128,) and abs(float(np.linalg.norm(vector)) - 1) < 1e-5


def test_enrolment_rejects_several_faces(sface_pipeline, photos):
    with pytest.raises(ImageError, match=r"^two_people.jpg: 2 faces of similar size \(\d+ px and \d+ px\); "):
        sface_pipeline.enrolment_face(photos["two_people.jpg"], "two_people.jpg")


def test_enrolment_rejects_a_tiny_face(sface_pipeline, photos):
    tiny = cv2.resize(photos["obama.jpg"], None, fx=0.13, fy=0.13, interpolation=cv2.INTER_AREA)
    with pytest.raises(ImageError) as err:
        sface_pipeline.enrolment_face(tiny, "tiny.jpg")
    assert str(err.value).startswith("tiny.jpg: face is ")
    assert str(err.value).endswith(" px wide; needs at least 44 px (vision.min_face_px)")


def test_enrolment_rejects_a_blank_image(sface_pipeline):
    with pytest.raises(ImageError, match=r"^blank.png: no face found$"):
        sface_pipeline.enrolment_face(np.full((480, 640, 3), 90, np.uint8), "blank.png")


def test_detect_scales_boxes_back_to_full_resolution(sface_pipeline, photos):
    image = photos["obama.jpg"]
    big = cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    (small_face,) = sface_pipeline.detect(image)
    (big_face,) = sface_pipeline.detect(big)
    assert big_face.iou(small_face.scaled(2.0)) > 0.8


def test_flip_tta_stays_close_to_plain_embedding(sface_pipeline, photos):
    image = photos["obama.jpg"]
    faces = sface_pipeline.detect(image)
    plain = sface_pipeline.embed(image, faces)[0]
    both = sface_pipeline.embed(image, faces, flip_tta=True)[0]
    assert abs(float(np.linalg.norm(both)) - 1) < 1e-5
    assert 0.8 < float(plain @ both) < 1.0


def test_warm_up_runs(sface_pipeline, dlib_pipeline):
    sface_pipeline.warm_up()
    dlib_pipeline.warm_up()


def test_unknown_backend_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown embedder 'nope'"):
        FacePipeline(VisionSection(embedder="nope"), tmp_path)
