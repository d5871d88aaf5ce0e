from __future__ import annotations

import numpy as np

from kiosk.vision.base import FaceBox


def _inside(face: FaceBox) -> bool:
    return all(face.x <= x <= face.x + face.w and face.y <= y <= face.y + face.h
               for x, y in face.landmarks)


def test_one_face_in_obama(sface_pipeline, photos):
    faces = sface_pipeline.detect(photos["obama.jpg"])
    assert len(faces) == 1
    face = faces[0]
    assert face.score >= 0.7 and len(face.landmarks) == 5 and _inside(face)
    right_eye, left_eye = face.landmarks[0], face.landmarks[1]
    assert right_eye[0] < left_eye[0]  # the person's right eye is on the image's left


def test_two_faces_sorted_by_score(sface_pipeline, photos):
    faces = sface_pipeline.detect(photos["two_people.jpg"])
    assert len(faces) == 2
    assert faces[0].score >= faces[1].score
    assert faces[0].iou(faces[1]) == 0


def test_boxes_come_back_in_full_resolution(sface_pipeline, photos):
    image = photos["biden.jpg"]  # 970 px wide: detected on a 640 px copy
    face = sface_pipeline.detect(image)[0]
    height, width = image.shape[:2]
    assert width > sface_pipeline.cfg.detect_width
    assert face.x + face.w <= width * 1.02 and face.y + face.h <= height * 1.02
    assert face.w > 0.2 * width  # Biden's face fills a good part of the photo


def test_input_size_changes_between_calls(sface_pipeline, photos):
    detector = sface_pipeline.detector
    big = detector.detect(photos["two_people.jpg"][:, :560])
    small = detector.detect(np.ascontiguousarray(photos["two_people.jpg"][:, 560:]))
    assert len(big) == 1 and len(small) == 1


def test_blank_image_has_no_face(sface_pipeline):
    assert sface_pipeline.detect(np.zeros((480, 640, 3), np.uint8)) == []
