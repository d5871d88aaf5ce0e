"""The recognition worker on the Hamilton clip, fed frame by frame (every frame, no wall clock),
with the real models, the liveness model imported and a real SQLite file.

At frame 82 the clip cuts to Lin-Manuel Miranda in the place of a stranger's face, in the same
track. The cut must make him a new face: his own liveness evidence starting on that frame (judged
on the helper thread beside the embedding), his latency counted from it, and one check-in."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import cv2
import pytest

from kiosk.clock import system_clock
from kiosk.config import config_from_dict
from kiosk.messages.screen import CheckInPosted, LivenessFailed
from kiosk.model import Frame, Status
from kiosk.recognition.gate import track_key
from kiosk.recognition.worker import RecognitionWorker
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store.sqlite_store import SqliteStore
from tests.lanes_support import OutboxSpy
from tests.test_end_to_end import midday_zone

CUT = 82  # the first frame of Lin-Manuel's shot
FIRST, LAST = 70, 92


@pytest.fixture
def hamilton_kiosk(cli, shared, data_dir, monkeypatch):
    zone = midday_zone()
    monkeypatch.setenv("KIOSK_TIMEZONE", zone)
    for onnx in sorted((shared / "antispoof" / "silent-face" / "onnx").glob("*.onnx")):
        assert cli("models", "import", str(onnx))[0] == 0
    photo = shared / "face_recognition" / "lin-manuel-miranda.png"
    assert cli("enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photo))[0] == 0
    assert cli("class", "add", "HAM", "--name", "Hamilton", "--students", "lin")[0] == 0
    now = datetime.now(ZoneInfo(zone))
    start, end = now - timedelta(minutes=1), now + timedelta(minutes=60)
    assert cli("schedule", "add", "HAM", "--start", f"{start:%H:%M}", "--end", f"{end:%H:%M}",
               "--date", f"{now:%Y-%m-%d}")[0] == 0
    cfg = config_from_dict({"store": {"data_dir": str(data_dir)}, "kiosk": {"timezone": zone}})
    outbox = OutboxSpy("recognition")
    worker = RecognitionWorker(cfg, None, lambda: SqliteStore.in_dir(data_dir), system_clock(zone), outbox,
                               threading.Event())
    worker.load()
    SessionScheduler(worker.store, cfg, system_clock(zone), outbox.send).tick()  # the class opens, as at the door
    yield worker, outbox
    worker.close()


def clip_frames(shared):
    cap = cv2.VideoCapture(str(shared / "face_recognition" / "short_hamilton_clip.mp4"))
    cap.set(cv2.CAP_PROP_POS_FRAMES, FIRST)
    for index in range(FIRST, LAST + 1):
        ok, image = cap.read()
        assert ok
        yield index, image
    cap.release()


def test_a_cut_to_lin_manuel_is_a_new_face_checked_in_once_from_the_cut(hamilton_kiosk, shared):
    worker, outbox = hamilton_kiosk
    captured, checked_in_at = {}, None
    for index, image in clip_frames(shared):
        captured[index] = time.monotonic()
        worker.process(Frame(image, captured[index], index))
        posted = [e for e in outbox.sent() if isinstance(e, (CheckInPosted, LivenessFailed))]
        assert not [e for e in posted if isinstance(e, LivenessFailed)]
        if [e for e in posted if isinstance(e, CheckInPosted) and e.checkin.status is Status.PRESENT]:
            assert checked_in_at is None, "checked in twice"
            checked_in_at = index
    assert checked_in_at is not None and checked_in_at <= CUT + 4  # frames, not seconds
    track = next(t for t in worker.tracker.tracks if t.confirmed and t.confirmed.person_id == "lin")
    assert track.first_seen == pytest.approx(captured[CUT])  # no frame skipped: the cut frame exactly
    first_sample = worker.judging.ask(lambda judge: judge.samples(track_key(track))[0].t)
    assert first_sample == captured[CUT]  # his liveness evidence starts on the cut frame itself
    assert worker.gate.result(track).live
    checkins = [m for m in outbox.lanes.take(100) if isinstance(m, CheckInPosted)]
    stored = [c.checkin.status for c in checkins if c.checkin.status.stored]
    assert stored == [Status.PRESENT]  # on the lossless lane, for the screen (with the stranger's "not recognised")
