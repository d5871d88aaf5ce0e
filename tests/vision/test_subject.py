"""Which face an enrolment photo is of, and tight crops detected with padding."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.vision.base import FaceBox
from kiosk.vision.images import load_image
from kiosk.vision.subject import AmbiguousPhoto, PhotoFaces, choose_subject, find_faces


def box(x, y, size):
    return FaceBox(x, y, size, size, 0.9, ())


def photo(*faces, shape=(250, 250)):
    return PhotoFaces(np.zeros((*shape, 3), np.uint8), list(faces), 0, shape)


def test_one_face_is_the_subject_without_a_note():
    subject = choose_subject(photo(box(80, 80, 90)))
    assert subject.face == box(80, 80, 90) and subject.note == ""


def test_a_much_smaller_bystander_is_ignored_with_a_note():
    subject = choose_subject(photo(box(100, 20, 60), box(80, 80, 90)))
    assert subject.face.size == 90
    assert subject.note == "2 faces found; enrolled the main one (90 px), ignored 60 px"


def test_a_bystander_cut_by_the_edge_is_ignored_even_when_as_large():
    subject = choose_subject(photo(box(80, 80, 90), box(200, 70, 88)))
    assert subject.face.size == 90 and subject.note.endswith("ignored 88 px at the edge")


def test_two_comparable_whole_faces_are_refused_naming_both_sizes():
    with pytest.raises(AmbiguousPhoto, match=r"^2 faces of similar size \(90 px and 80 px\); "):
        choose_subject(photo(box(30, 80, 80), box(120, 70, 90), shape=(250, 400)))


def test_a_largest_face_off_to_one_side_is_refused_beside_others():
    with pytest.raises(AmbiguousPhoto, match="is not in the middle of the photo"):
        choose_subject(photo(box(5, 80, 100), box(200, 80, 40), shape=(250, 400)))


def test_the_subject_of_a_news_photo_with_a_bystander_is_enrolled(sface_pipeline, shared):
    # LFW photo: the subject in the middle (101 px), another person at the side (70 px).
    found = sface_pipeline.enrolment_face(load_image(shared / "identify_calib/lfw/Donald_Rumsfeld/1.jpg"), "1.jpg")
    assert found.note.startswith("2 faces found; enrolled the main one (")
    assert 90 < found.face.size < 115 and 60 < found.face.x < 90


def test_a_tight_crop_is_detected_again_padded(sface_pipeline, shared):
    image = load_image(shared / "identify_calib/pins/Alvaro_Morte/1.jpg")
    found = find_faces(sface_pipeline.detect, image)
    assert found.pad > 0 and found.image.shape[0] == image.shape[0] + 2 * found.pad
    face = found.in_original(found.faces[0])  # back in the photo's own coordinates
    assert -0.2 * face.w < face.x < image.shape[1] / 2


def test_a_photo_with_room_around_the_face_is_not_padded(sface_pipeline, photos):
    assert find_faces(sface_pipeline.detect, photos["obama.jpg"]).pad == 0
