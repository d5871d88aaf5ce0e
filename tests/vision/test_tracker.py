"""Tracks: IoU association, agreeing votes before confirmation, swaps detected by appearance."""

import numpy as np
import pytest

from kiosk.vision.base import FaceBox, Match
from kiosk.vision.tracker import Track, Tracker

LIN = Match("lin", "Lin", 0.6)
NOBODY = Match(None, None, 0.1)
OTHER = Match("maya", "Maya", 0.55)


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


def test_confirmation_needs_two_agreeing_votes_among_the_last_three():
    track = Tracker().update([box(100)], 0.0)[0]
    track.vote(LIN, needed=2)
    assert track.confirmed is None
    track.vote(NOBODY, needed=2)  # a borderline frame in between
    track.vote(LIN, needed=2)
    assert track.confirmed.person_id == "lin"


def test_a_vote_for_someone_else_blocks_confirmation():
    track = Tracker().update([box(100)], 0.0)[0]
    for vote in (LIN, OTHER, LIN):
        track.vote(vote, needed=2)
    assert track.confirmed is None


def test_votes_too_far_apart_do_not_confirm():
    track = Tracker().update([box(100)], 0.0)[0]
    for vote in (LIN, NOBODY, NOBODY, LIN):
        track.vote(vote, needed=2)
    assert track.confirmed is None


def test_unknown_after_three_no_matches():
    track = Tracker().update([box(100)], 0.0)[0]
    for _ in range(2):
        track.vote(NOBODY, needed=2)
    assert not track.unknown
    track.vote(NOBODY, needed=2)
    assert track.unknown


def test_a_different_face_in_the_same_place_starts_over():
    track = Tracker().update([box(100)], 0.0)[0]
    track.observe(unit(1, 0, 0), 0.1)
    track.vote(LIN, 1)
    track.announced_as = "lin"
    track.observe(unit(0.9, 0.1, 0), 0.2)  # the same face, slightly changed
    assert track.confirmed is not None and track.first_seen == 0.0
    track.observe(unit(0, 1, 0), 0.3)  # someone else
    assert track.confirmed is None and track.announced_as is None and track.first_seen == 0.2


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
    track.vote(LIN, 1)
    assert track.confirmed is not None
    assert track.observe(unit(1, 0.2, 0), 0.2, index=6, person_id="obama")
    assert track.confirmed is None and track.first_seen == pytest.approx(0.1 + 0.1 / 3)


def test_a_track_is_named_by_the_mean_of_its_frames():
    from kiosk.vision.evidence import judge
    from kiosk.vision.gallery import Gallery

    ann = np.eye(8, dtype=np.float32)[0]
    gallery = Gallery(["ann"], ["Ann"], ann[None], threshold=0.52, margin=0.0)
    track = Track(1, FaceBox(0, 0, 100, 100, 0.9), 0.0, 0.0)
    # Two noisy frames, each alone at 0.5 (under the threshold: no frame votes for Ann), whose
    # noise points different ways: their mean scores 0.63, over the threshold plus the headroom.
    for noise_axis in (1, 2):
        frame = 0.5 * ann + 0.866 * np.eye(8, dtype=np.float32)[noise_axis]
        track.evidence.add(frame / np.linalg.norm(frame))
        track.decide(gallery.match(frame[None])[0], judge(track.evidence, gallery, min_frames=2), 2)
    assert track.confirmed is not None and track.confirmed.person_id == "ann"
    assert track.confirmed.score == pytest.approx(0.632, abs=1e-3) and not track.unknown


def test_a_track_clearly_below_the_threshold_is_refused_after_three_frames():
    from kiosk.vision.evidence import judge
    from kiosk.vision.gallery import Gallery

    axes = np.eye(8, dtype=np.float32)
    gallery = Gallery(["ann"], ["Ann"], axes[0][None], threshold=0.5, margin=0.0)
    track = Track(1, FaceBox(0, 0, 100, 100, 0.9), 0.0, 0.0)
    for i in range(3):
        assert not track.unknown
        track.evidence.add(axes[3])
        track.decide(gallery.match(axes[3][None])[0], judge(track.evidence, gallery, min_frames=2), 2)
    assert track.unknown and track.confirmed is None


def test_a_new_face_in_the_track_starts_its_evidence_again():
    track = Track(1, FaceBox(0, 0, 100, 100, 0.9), 0.0, 0.0)
    axes = np.eye(8, dtype=np.float32)
    track.observe(axes[0], 0.1)
    track.evidence.add(axes[0])
    assert track.observe(axes[5], 0.2)  # unlike the last embedding: another face
    assert track.evidence.frames == 0 and track.evidence.mean is None


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
