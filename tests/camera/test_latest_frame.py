"""LatestFrame: the newest frame wins, and frames the worker never took are counted."""

from __future__ import annotations

import threading
import time

import numpy as np

from kiosk.camera import LatestFrame
from kiosk.model import Frame


def frame(index: int) -> Frame:
    return Frame(np.zeros((4, 4, 3), np.uint8), time.monotonic(), index)


def test_empty_slot_has_nothing():
    slot = LatestFrame()
    assert slot.latest() is None
    assert slot.wait_newer(-1, timeout=0.01) is None


def test_latest_wins_and_overwritten_frames_count_as_dropped():
    slot = LatestFrame()
    for i in range(3):
        slot.publish(frame(i))
    assert slot.latest().index == 2
    assert slot.dropped == 2  # frames 0 and 1 were never taken

    taken = slot.wait_newer(-1, timeout=0)
    assert taken.index == 2
    slot.publish(frame(3))  # frame 2 was taken: not a drop
    assert slot.dropped == 2
    slot.publish(frame(4))  # frame 3 was not
    assert slot.dropped == 3
    assert slot.published == 5


def test_peeking_with_latest_does_not_take_the_frame():
    slot = LatestFrame()
    slot.publish(frame(0))
    assert slot.latest().index == 0
    slot.publish(frame(1))
    assert slot.dropped == 1


def test_wait_newer_times_out_with_none_when_nothing_newer():
    slot = LatestFrame()
    slot.publish(frame(7))
    assert slot.wait_newer(7, timeout=0.05) is None
    assert slot.wait_newer(6, timeout=0.05).index == 7


def test_wait_newer_wakes_when_a_frame_is_published():
    slot = LatestFrame()
    slot.publish(frame(0))
    publisher = threading.Timer(0.05, slot.publish, args=(frame(1),))
    publisher.start()
    got = slot.wait_newer(0, timeout=5.0)
    publisher.join()
    assert got is not None and got.index == 1
