"""Which faces a pass embeds: every unconfirmed usable face, the largest first, at most three;
settled faces again only after a while or when their box jumped."""

import numpy as np

from kiosk.config import VisionSection
from kiosk.recognition import passes
from kiosk.vision.base import FaceBox, Match
from kiosk.vision.tracker import Tracker

VISION = VisionSection()


def faces(*sizes: int) -> list[FaceBox]:
    return [FaceBox(200 * i, 0, s, s, 0.9) for i, s in enumerate(sizes)]


def test_small_faces_are_not_usable_and_the_largest_are_embedded_first():
    tracks = Tracker().update(faces(60, 30, 120, 90, 80), 0.0)  # 30 px is below min_face_px
    plan = passes.plan(tracks, 0.0, VISION)
    assert [t.box.w for t in plan.usable] == [60, 120, 90, 80]
    assert [t.box.w for t in plan.due] == [120, 90, 80]  # MAX_EMBEDS_PER_FRAME


def test_a_confirmed_face_is_checked_again_after_a_while_or_when_it_moves():
    tracker = Tracker()
    (track,) = tracker.update(faces(100), 0.0)
    track.observe(np.ones(4, np.float32), 0.0)  # embedded at 0.0, where it is now
    track.confirmed = Match("lin", "Lin", 0.8)
    assert passes.plan(tracker.update(faces(100), 0.1), 0.1, VISION).due == []
    assert passes.plan(tracker.update(faces(100), 0.1 + passes.REVERIFY_S), 0.1 + passes.REVERIFY_S, VISION).due
    (moved,) = tracker.update([FaceBox(60, 0, 100, 100, 0.9)], 0.2)
    assert passes.needs_embedding(moved, 0.2, front=True)  # the box jumped since its embedding
