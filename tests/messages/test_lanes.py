"""The two lanes to the screen and the command queues, on their own."""

from __future__ import annotations

import logging

import pytest

from kiosk.messages.desk import PinChecked
from kiosk.messages.lanes import Commands, Lanes
from kiosk.messages.screen import CameraState, CheckInPosted, FacesSeen, Notice
from kiosk.model import CheckIn, Status


def checkin(n: int) -> CheckInPosted:
    return CheckInPosted(CheckIn(Status.PRESENT, f"p{n}", f"Student {n}"))


def test_a_latest_value_replaces_the_unread_one_per_key():
    lanes = Lanes()
    camera, recognition = lanes.outbox("capture"), lanes.outbox("recognition")
    camera.latest(CameraState(True))
    recognition.latest(FacesSeen(1, ()))
    camera.latest(CameraState(False, "unplugged"))
    recognition.latest(Notice("a"), key=(Notice, "a"))
    recognition.latest(FacesSeen(2, ()))
    assert lanes.take(10) == [CameraState(False, "unplugged"), FacesSeen(2, ()), Notice("a")]
    assert lanes.take(10) == [] and lanes.stats()["lane_replaced"] == 2


def test_lossless_messages_come_first_in_order_and_a_full_lane_keeps_them_in_the_producer(caplog):
    lanes = Lanes(lossless_size=2)
    outbox = lanes.outbox("recognition")
    caplog.set_level(logging.INFO, logger="kiosk.messages.lanes")
    for n in range(5):
        outbox.deliver(checkin(n))  # never blocks, never drops
    outbox.latest(FacesSeen(9, ()))
    assert outbox.kept == 3 and lanes.stats()["lane_waits"] == 1
    assert caplog.text.count("screen lane full: recognition keeps 1 message(s)") == 1  # said once, not per message
    assert lanes.take(1) == [checkin(0), FacesSeen(9, ())]  # `limit` caps only the lossless lane
    assert lanes.take(10) == [checkin(1)]
    assert outbox.flush() == 1  # on its next loop turn the producer hands over what fits
    assert lanes.take(10) == [checkin(2), checkin(3)]
    assert outbox.flush() == 0 and lanes.take(10) == [checkin(4)]
    assert "delivered what it kept" in caplog.text
    assert lanes.stats() == {"lane_delivered": 5, "lane_waits": 1, "lane_replaced": 0, "lane_max_backlog": 3}


def test_each_message_goes_by_its_own_lane():
    outbox = Lanes().outbox("admin")
    with pytest.raises(TypeError):
        outbox.latest(PinChecked(True))  # an answer someone waits for is never a latest value
    with pytest.raises(TypeError):
        outbox.deliver(FacesSeen(1, ()))
    outbox.send(PinChecked(True))
    outbox.send(FacesSeen(1, ()))
    assert outbox.lanes.take(10) == [PinChecked(True), FacesSeen(1, ())]


def test_a_command_queue_is_bounded_and_never_blocks_the_screen(caplog):
    commands = Commands("desk", size=2)
    assert commands.submit("a") and commands.submit("b")
    assert not commands.submit("c") and commands.refused == 1
    assert "desk worker is 2 commands behind" in caplog.text
    assert commands.drain() == ["a", "b"] and commands.get(timeout=0.01) is None
