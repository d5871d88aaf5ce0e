"""Face labels: a name is shown only over the face that was named."""

from kiosk.recognition.announce import _label
from kiosk.vision.base import FaceBox, Match
from kiosk.vision.tracker import Track


def named_track() -> Track:
    track = Track(1, FaceBox(100, 100, 80, 80, 0.9), 0.0, 0.0)
    track.confirmed = Match("lin", "Lin-Manuel Miranda", 0.55)
    track.embedded_box = track.box
    return track


def test_the_name_stays_over_the_face_it_was_given_to():
    track = named_track()
    track.box = FaceBox(104, 102, 80, 80, 0.9)  # a small step: still the same face
    assert _label(track).name == "Lin-Manuel Miranda" and _label(track).confirmed


def test_a_named_track_that_slid_onto_an_unchecked_face_shows_no_name():
    track = named_track()
    track.box = FaceBox(150, 120, 70, 90, 0.9)  # after a cut: another face, turned, never embedded
    label = _label(track)
    assert label.name is None and not label.confirmed
