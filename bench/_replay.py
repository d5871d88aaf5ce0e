"""The replay of bench/replay.py inside one tree (imported with that tree's kiosk/ first on sys.path)."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ZONE = "Etc/GMT-12"
STEP_S = 1 / 30
# Check-in statuses as older trees wrote them (a stranger was "unknown" before kiosk/vision/naming.py).
OLDER_STATUS = {"unknown": "stranger"}


def replay(tree: Path, shared: Path, embedder: str = ""):
    """Yields [frame, messages, tracks] per frame, then ["rows", attendance rows]; `embedder`: the
    vision.embedder to run ("" = the tree's default)."""
    sys.path.insert(0, str(tree))
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import cv2

    data = Path(tempfile.mkdtemp())
    prepare(tree, shared, data)
    worker, drain, tracks = start_worker(tree, data, {"vision": {"embedder": embedder}} if embedder else None)
    capture = cv2.VideoCapture(str(shared / "face_recognition" / "short_hamilton_clip.mp4"))
    index, t = 0, 1000.0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        worker.process(frame_type(tree)(image, t, index))
        yield [index, [summary(m) for m in drain() if summary(m)], tracks()]
        index, t = index + 1, t + STEP_S
    yield ["rows", [[r[0], r[1]] for r in worker.store.query("SELECT person_id, status FROM attendance")]]


def prepare(tree: Path, shared: Path, data: Path) -> None:
    env = {**os.environ, "KIOSK_DATA_DIR": str(data), "KIOSK_TIMEZONE": ZONE}

    def cli(*argv: str) -> None:
        subprocess.run([sys.executable, str(tree / "main.py"), *argv], env=env, check=True, capture_output=True,
                       cwd=tree)

    for onnx in sorted((shared / "antispoof" / "silent-face" / "onnx").glob("*.onnx")):
        cli("models", "import", str(onnx))
    photos = shared / "face_recognition"
    cli("enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photos / "lin-manuel-miranda.png"))
    cli("enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"))
    cli("class", "add", "HAM", "--name", "Hamilton", "--students", "lin,obama")
    now = datetime.now(ZoneInfo(ZONE))
    cli("schedule", "add", "HAM", "--start", f"{now - timedelta(minutes=1):%H:%M}",
        "--end", f"{now + timedelta(minutes=60):%H:%M}", "--date", f"{now:%Y-%m-%d}")


def frame_type(tree: Path):
    if (tree / "kiosk" / "recognition").is_dir():
        from kiosk.model import Frame
    else:
        from kiosk.camera.base import Frame
    return Frame


def start_worker(tree: Path, data: Path, extra: dict | None = None):
    """(worker with its models loaded and the class open, drain() of what it sent, tracks());
    `extra` adds config sections (e.g. {"liveness": {"enabled": False}})."""
    from kiosk.clock import system_clock
    from kiosk.config import config_from_dict
    from kiosk.scheduler.thread import SessionScheduler
    from kiosk.store.sqlite_store import SqliteStore

    cfg = config_from_dict({"store": {"data_dir": str(data)}, "kiosk": {"timezone": ZONE}, **(extra or {})})
    store_factory, clock, sent = (lambda: SqliteStore.in_dir(data)), system_clock(ZONE), queue.Queue()
    if (tree / "kiosk" / "recognition").is_dir():
        from kiosk.messages.lanes import Lanes
        from kiosk.recognition.worker import RecognitionWorker

        outbox = Lanes(10**6).outbox("recognition")
        outbox.latest = lambda message, key=None: sent.put(message)
        outbox.deliver = sent.put
        worker = RecognitionWorker(cfg, None, store_factory, clock, outbox, threading.Event())
        worker.load()
        tracker, gate = (lambda: worker.tracker), (lambda: worker.gate)
    else:  # the layout before kiosk/recognition/
        from kiosk.vision.worker import RecognitionWorker

        worker = RecognitionWorker(cfg, None, store_factory, clock, sent, threading.Event())
        worker._load()
        tracker, gate = (lambda: worker._tracker), (lambda: worker.liveness)
    SessionScheduler(worker.store, cfg, clock, sent.put).tick()
    return worker, lambda: drain(sent), lambda: track_states(tracker(), gate())


def drain(sent: queue.Queue) -> list:
    out = []
    while not sent.empty():
        out.append(sent.get_nowait())
    return out


def track_states(tracker, gate) -> list:
    states = []
    for track in tracker.tracks:
        result = gate.result(track)
        states.append([track.id, round(track.first_seen - 1000.0, 4), track.confirmed and track.confirmed.person_id,
                       track.announced_as, result and result.state])
    return states


def summary(message) -> list | None:
    name = type(message).__name__
    if name == "CheckInPosted":
        c = message.checkin
        return ["checkin", OLDER_STATUS.get(c.status.value, c.status.value), c.person_id, c.score]
    if name == "FacesSeen":
        return ["faces", [[f.name, f.score and round(f.score, 4), f.confirmed, f.liveness] for f in message.faces]]
    if name in ("LivenessFailed", "ChallengePrompt", "LookAtCamera"):
        return [name]
    return None
