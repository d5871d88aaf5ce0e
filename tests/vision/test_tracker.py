"""Tracks: IoU association, swaps detected by appearance, the state a new face starts over from.
(Who a track is named as: tests/vision/test_naming.py.)"""

import numpy as np
import pytest

from kiosk.vision.base import FaceBox, Match
from kiosk.vision.tracker import Track, Tracker

LIN = Match("lin", "Lin", 0.6)


def box(x, y=50, size=80):
    return FaceBox(x, y, size, size, 0.9)


def unit(*values):
    v = np.array(values, np.float32)
    return v / np.linalg.norm(v)


def test_same_place_same_track_new_place_new_track():
    tracker = Tracker()
    first = tracker.update([box(100)], 0.0)[0]
    assert tracker.update([box(105)], 0.033)[0] is first
    other = tracker.update([box(105), box(400)], 0.066)[1]
    assert other is not first and other.first_seen == 0.066


def test_tracks_expire():
    tracker = Tracker(max_age_s=1.0)
    first = tracker.update([box(100)], 0.0)[0]
    assert tracker.update([box(100)], 1.5)[0] is not first


def test_a_different_face_in_the_same_place_starts_over():
    track = Tracker().update([box(100)], 0.0)[0]
    track.observe(unit(1, 0, 0), 0.1)
    track.confirmed, track.votes, track.announced_as = LIN, (LIN,), "lin"
    track.observe(unit(0.9, 0.1, 0), 0.2)  # the same face, slightly changed
    assert track.confirmed is not None and track.first_seen == 0.0
    track.observe(unit(0, 1, 0), 0.3)  # someone else
    assert track.confirmed is None and track.announced_as is None and track.first_seen == 0.2
    assert track.votes == () and not track.stranger


def test_a_swap_counts_from_the_frame_after_the_old_face_was_last_seen():
    track = Tracker().update([box(100)], 0.0)[0]
    track.observe(unit(1, 0, 0), 1.0, index=30)
    track.observe(unit(0, 1, 0), 1.1, index=33)  # frames 31 and 32 were not processed
    assert track.first_seen == pytest.approx(1.0 + 0.1 / 3)  # frame 31: the earliest it can have been


def test_a_swap_on_the_next_frame_counts_from_that_frame():
    track = Tracker().update([box(100)], 0.0)[0]
    track.observe(unit(1, 0, 0), 1.0, index=30)
    track.observe(unit(0, 1, 0), 1.033, index=31)
    assert track.first_seen == pytest.approx(1.033)


def test_a_swap_after_a_detection_gap_counts_from_the_face_coming_back():
    tracker = Tracker()
    track = tracker.update([box(100)], 0.0)[0]
    track.observe(unit(1, 0, 0), 0.0, index=0)
    tracker.update([], 0.5)  # nobody at the kiosk on this pass
    again = tracker.update([box(100)], 0.6)[0]
    assert again is track and track.sighted_since == 0.6
    track.observe(unit(0, 1, 0), 0.7, index=21)
    assert track.first_seen == 0.6


def test_someone_else_recognised_in_a_confirmed_track_is_a_new_face():
    # Two people can look alike to the appearance check (cosine above SAME_FACE_MIN); the
    # recognised identity still tells them apart, and the newcomer must not inherit anything.
    track = Tracker().update([box(100)], 0.0)[0]
    track.observe(unit(1, 0, 0), 0.1, index=3, person_id="lin")
    track.confirmed = LIN
    assert track.observe(unit(1, 0.2, 0), 0.2, index=6, person_id="obama")
    assert track.confirmed is None and track.first_seen == pytest.approx(0.1 + 0.1 / 3)


def test_a_new_face_in_the_track_starts_its_evidence_again():
    track = Track(1, FaceBox(0, 0, 100, 100, 0.9), 0.0, 0.0)
    axes = np.eye(8, dtype=np.float32)
    track.observe(axes[0], 0.1)
    track.evidence.add(axes[0])
    track.stranger = True
    assert track.observe(axes[5], 0.2)  # unlike the last embedding: another face
    assert track.evidence.frames == 0 and track.evidence.mean is None and not track.stranger


def test_a_face_that_moved_past_its_box_at_a_low_frame_rate_keeps_its_track():
    tracker = Tracker()
    first = tracker.update([FaceBox(100, 100, 80, 80, 0.9)], 0.0)[0]
    moved = tracker.update([FaceBox(190, 110, 84, 84, 0.9)], 0.33)[0]  # 3 fps: no overlap, 1.1 widths away
    assert moved is first


def test_a_far_or_much_bigger_face_is_a_new_track():
    tracker = Tracker()
    first = tracker.update([FaceBox(100, 100, 80, 80, 0.9)], 0.0)[0]
    far = tracker.update([FaceBox(400, 100, 80, 80, 0.9)], 0.33)[0]
    assert far is not first
    big = tracker.update([FaceBox(100, 100, 200, 200, 0.9)], 0.66)[0]
    assert big is not first


def test_a_named_track_never_jumps_to_a_face_it_does_not_overlap():
    tracker = Tracker()
    first = tracker.update([FaceBox(100, 100, 80, 80, 0.9)], 0.0)[0]
    first.confirmed = Match("lin", "Lin", 0.6)
    moved = tracker.update([FaceBox(190, 110, 84, 84, 0.9)], 0.33)[0]
    assert moved is not first and moved.confirmed is None
