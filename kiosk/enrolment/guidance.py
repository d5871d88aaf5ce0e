"""Guided capture at the kiosk: what one camera frame tells the student, and
when a frame is good enough to keep.

Pure logic over numbers measured from a frame (kiosk/enrolment/capture.py
measures them in the recognition worker): no models and no pygame, so every
rule is tested with plain values. The light, focus, tilt and eye limits are
the enrolment gates of kiosk/vision/quality.py, shared with the CLI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

from kiosk.vision.base import FaceBox
from kiosk.vision.quality import MIN_EYE_OPENNESS, CropQuality

# Framing, as shares of the picture: a face this size fills a 112 px crop with
# real detail on a 720p camera, and every enrolment photo in our data is larger.
FACE_SHARE_MIN = 0.18  # face size / picture height, below this: "Come closer"
FACE_SHARE_MAX = 0.70  # above this the face is cut off as soon as it turns: "Move back"
CENTRE_X = (0.25, 0.75)  # the face's centre must be in this share of the width...
CENTRE_Y = (0.15, 0.70)  # ...and height (faces sit high in a kiosk's picture)
BACKGROUND_SHARE = 1 / 3  # a face under a third of the student's size is someone far behind
MAX_MOTION = 5.0  # face widths per second; the Hamilton clip's speaking head moves 0.1..4.2
MIN_GAP_S = 0.4  # between two photos: two shots of one pose come from different moments
SHOTS_PER_POSE = 2

# Pose bands in signed yaw degrees (+ = turned to the student's own left). The side
# bands stay inside vision.max_yaw_deg, so every photo is one the kiosk can match.
FRONT_MAX_YAW = 10.0
SIDE_YAW = (12.0, 30.0)


class Advice(Enum):
    """What the screen tells the student; the screen alone holds the words."""

    LOOK_AT_CAMERA = "look"
    ONE_PERSON = "one_person"
    COME_CLOSER = "closer"
    MOVE_BACK = "back"
    CENTRE = "centre"
    HEAD_LEVEL = "level"
    LOOK_STRAIGHT = "straight"
    TURN_LEFT = "left"
    TURN_RIGHT = "right"
    HOLD_STILL = "still"
    MORE_LIGHT = "more_light"
    LESS_LIGHT = "less_light"
    OPEN_EYES = "eyes"
    GOOD = "good"  # this frame is fine (kept, or the next one will be)
    DONE = "done"


@dataclass(frozen=True)
class Pose:
    name: str  # front | left | right
    min_yaw: float
    max_yaw: float

    def holds(self, yaw: float) -> bool:
        return self.min_yaw <= yaw <= self.max_yaw


def poses_for(max_yaw_deg: float) -> tuple[Pose, ...]:
    """Front, slightly left, slightly right; narrowed when the config's yaw limit is tight."""
    side_max = min(SIDE_YAW[1], max_yaw_deg)
    side_min = min(SIDE_YAW[0], side_max / 2)
    front = min(FRONT_MAX_YAW, side_min - 1)
    return Pose("front", -front, front), Pose("left", side_min, side_max), Pose("right", -side_max, -side_min)


@dataclass(frozen=True)
class FaceReading:
    """The student's face in one frame."""

    box: FaceBox
    yaw: float  # signed degrees, + = turned to their own left
    tilted: bool  # rolled or nodding beyond the enrolment limits
    looks: CropQuality  # light and focus of the aligned crop
    eye_openness: float | None  # None: FaceMesh not installed, not checked
    motion: float = 0.0  # face widths per second since the previous frame


@dataclass(frozen=True)
class FrameReading:
    width: int
    height: int
    faces: int  # faces in view, background faces left out
    face: FaceReading | None  # the largest face


def framing_advice(frame: FrameReading, min_face_px: float) -> Advice | None:
    """One person, close enough, in the middle of the picture; None when the framing is right."""
    face = frame.face
    if face is None:
        return Advice.LOOK_AT_CAMERA
    if frame.faces > 1:
        return Advice.ONE_PERSON
    box = face.box
    if box.size < max(min_face_px, FACE_SHARE_MIN * frame.height):
        return Advice.COME_CLOSER
    if box.size > FACE_SHARE_MAX * frame.height:
        return Advice.MOVE_BACK  # before centring: a face this close is cut off wherever it is
    cx, cy = (box.x + box.w / 2) / frame.width, (box.y + box.h / 2) / frame.height
    cut_off = box.x < 0 or box.y < 0 or box.x + box.w > frame.width or box.y + box.h > frame.height
    if cut_off or not (CENTRE_X[0] <= cx <= CENTRE_X[1] and CENTRE_Y[0] <= cy <= CENTRE_Y[1]):
        return Advice.CENTRE
    return None


def quality_advice(face: FaceReading) -> Advice | None:
    """The enrolment gates that do not depend on the pose; None when all pass."""
    if face.tilted:
        return Advice.HEAD_LEVEL
    if face.motion > MAX_MOTION or face.looks.blurred:
        return Advice.HOLD_STILL
    if face.looks.badly_lit:
        return Advice.MORE_LIGHT if face.looks.brightness < 128 else Advice.LESS_LIGHT
    if face.eye_openness is not None and face.eye_openness < MIN_EYE_OPENNESS:
        return Advice.OPEN_EYES
    return None


def pose_advice(yaw: float, target: Pose) -> Advice | None:
    """Which way to turn towards the target pose; None when already in it."""
    if target.holds(yaw):
        return None
    if target.name == "front":
        return Advice.LOOK_STRAIGHT
    return Advice.TURN_LEFT if yaw < target.min_yaw else Advice.TURN_RIGHT


@dataclass
class CaptureProgress:
    """Which poses have their photos; decides, frame by frame, what to say and what to keep.

    Guidance aims at the first unfinished pose, but a good frame in any other
    unfinished pose is kept too: a student who turns early is not asked twice.
    """

    poses: tuple[Pose, ...] = field(default_factory=lambda: poses_for(35.0))
    per_pose: int = SHOTS_PER_POSE
    min_gap_s: float = MIN_GAP_S
    counts: dict[str, int] = field(default_factory=dict)
    last_shot: float = -math.inf

    def count(self, pose: Pose) -> int:
        return self.counts.get(pose.name, 0)

    @property
    def unfinished(self) -> list[Pose]:
        return [p for p in self.poses if self.count(p) < self.per_pose]

    @property
    def target(self) -> Pose | None:
        left = self.unfinished
        return left[0] if left else None

    @property
    def done(self) -> bool:
        return not self.unfinished

    def judge(self, frame: FrameReading, now: float, min_face_px: float) -> tuple[Advice, Pose | None]:
        """(what to say, the pose to keep this frame for, or None to keep nothing)."""
        target = self.target
        if target is None:
            return Advice.DONE, None
        problem = framing_advice(frame, min_face_px) or quality_advice(frame.face)
        if problem is not None:
            return problem, None
        yaw = frame.face.yaw
        pose = next((p for p in self.unfinished if p.holds(yaw)), None)
        if pose is None:
            return pose_advice(yaw, target), None
        if now - self.last_shot < self.min_gap_s:
            return Advice.GOOD, None  # right pose, but a moment too soon after the last photo
        return Advice.GOOD, pose

    def record(self, pose: Pose, now: float) -> None:
        self.counts[pose.name] = self.count(pose) + 1
        self.last_shot = now
