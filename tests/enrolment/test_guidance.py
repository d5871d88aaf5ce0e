"""Guided capture's rules on plain numbers: one frame's reading -> what to say, and
whether the frame is kept (kiosk/enrolment/guidance.py, no models)."""

import pytest

from kiosk.enrolment.guidance import (
    Advice,
    CaptureProgress,
    FaceReading,
    FrameReading,
    pose_advice,
    poses_for,
)
from kiosk.vision.base import FaceBox
from kiosk.vision.quality import CropQuality

WIDTH, HEIGHT = 640, 360
GOOD_LOOKS = CropQuality(brightness=110.0, clipped=0.02, sharpness=400.0)
FRONT, LEFT, RIGHT = poses_for(35.0)


def reading(yaw=0.0, size=90.0, centre=(320, 160), faces=1, tilted=False, looks=GOOD_LOOKS, eyes=0.28,
            motion=0.5) -> FrameReading:
    box = FaceBox(centre[0] - size / 2, centre[1] - size / 2, size, size * 1.3, 0.9)
    return FrameReading(WIDTH, HEIGHT, faces, FaceReading(box, yaw, tilted, looks, eyes, motion))


def judge(frame: FrameReading, progress: CaptureProgress | None = None, now: float = 10.0):
    return (progress or CaptureProgress(poses_for(35.0))).judge(frame, now, min_face_px=48)


@pytest.mark.parametrize("frame, advice", [
    (FrameReading(WIDTH, HEIGHT, 0, None), Advice.LOOK_AT_CAMERA),
    (reading(faces=2), Advice.ONE_PERSON),
    (reading(size=40), Advice.COME_CLOSER),  # 40 px < 18 % of 360
    (reading(centre=(90, 160)), Advice.CENTRE),  # far left of the picture
    (reading(centre=(320, 20), size=70), Advice.CENTRE),  # cut off at the top
    (reading(size=300), Advice.MOVE_BACK),
    (reading(tilted=True), Advice.HEAD_LEVEL),
    (reading(motion=9.0), Advice.HOLD_STILL),
    (reading(looks=CropQuality(110.0, 0.02, 20.0)), Advice.HOLD_STILL),  # blurred
    (reading(looks=CropQuality(30.0, 0.3, 400.0)), Advice.MORE_LIGHT),
    (reading(looks=CropQuality(230.0, 0.3, 400.0)), Advice.LESS_LIGHT),
    (reading(eyes=0.05), Advice.OPEN_EYES),
    (reading(yaw=45.0), Advice.LOOK_STRAIGHT),  # turned beyond every pose: straight ahead comes first
])
def test_each_problem_has_its_own_message_and_keeps_nothing(frame, advice):
    assert judge(frame) == (advice, None)


def test_framing_comes_before_light_and_pose():
    dark_far_turned = reading(size=40, yaw=25.0, looks=CropQuality(30.0, 0.3, 400.0))
    assert judge(dark_far_turned)[0] is Advice.COME_CLOSER


def test_a_good_front_frame_is_kept():
    assert judge(reading(yaw=3.0)) == (Advice.GOOD, FRONT)


def test_eye_check_is_skipped_without_facemesh():
    assert judge(reading(eyes=None)) == (Advice.GOOD, FRONT)


def test_a_small_face_far_behind_does_not_count_as_a_second_person():
    # read_frame counts faces at least a third of the student's size; the count is what arrives here
    assert judge(reading(faces=1)) == (Advice.GOOD, FRONT)


@pytest.mark.parametrize("yaw, target, advice", [
    (0.0, LEFT, Advice.TURN_LEFT), (40.0, LEFT, Advice.TURN_RIGHT), (5.0, RIGHT, Advice.TURN_RIGHT),
    (-40.0, RIGHT, Advice.TURN_LEFT), (20.0, FRONT, Advice.LOOK_STRAIGHT), (20.0, LEFT, None), (-20.0, RIGHT, None),
])
def test_turn_towards_the_target_pose(yaw, target, advice):
    assert pose_advice(yaw, target) is advice


def test_pose_bands_stay_inside_the_recognition_yaw_limit():
    for limit in (35.0, 20.0, 12.0):
        front, left, right = poses_for(limit)
        assert left.max_yaw <= limit and -right.min_yaw <= limit
        assert front.max_yaw < left.min_yaw and right.max_yaw < front.min_yaw  # the bands never overlap


def test_two_photos_per_pose_in_any_order_spaced_in_time():
    progress = CaptureProgress(poses_for(35.0))
    assert progress.target == FRONT
    kept = []
    for now, yaw in [(0.0, 0.0), (0.1, 0.0), (0.5, -20.0), (1.0, 2.0), (1.5, -25.0), (2.0, 0.0)]:
        _, pose = progress.judge(reading(yaw=yaw), now, 48)
        if pose:
            progress.record(pose, now)
            kept.append(pose.name)
    # 0.1 s after a photo is too soon; a right turn is kept while the front is still due
    assert kept == ["front", "right", "front", "right"]
    assert progress.target == LEFT and not progress.done
    assert progress.judge(reading(yaw=0.0), 3.0, 48) == (Advice.TURN_LEFT, None)  # front is done: turn left
    for now in (4.0, 5.0):
        progress.record(progress.judge(reading(yaw=20.0), now, 48)[1], now)
    assert progress.done and progress.judge(reading(), 6.0, 48) == (Advice.DONE, None)
    assert progress.counts == {"front": 2, "right": 2, "left": 2}
