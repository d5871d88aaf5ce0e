"""The door learns from staff, on real parts: the Hamilton clip fed frame by frame to the real
recognition worker (real models, the liveness model imported, a real SQLite file), and the real
web view.

Lin-Manuel Miranda is enrolled only from his photo as if taken in dark glasses (drawn over the shared
photo): a weak reference. The mean of his walk-up's frames (82-210) never reaches the track's bar
(0.514) against it, so his live walk-up stays unnamed and leaves one door attempt; that mean (0.48) does
match his enrolment at the door reference's bar (the naming threshold, 0.444). His instructor confirms
it on the web: he is marked, the face becomes his door reference, and the same clip then names him with
no staff action. The test's config pins SFace (the model these numbers are for) and asks 8 agreeing
frames rather than 2 before a name by votes: single frames of his hover around the bar, and the test is
about the mean, which is what a door reference changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest

from kiosk.clock import system_clock
from kiosk.config import config_from_dict
from kiosk.messages.screen import CheckInPosted
from kiosk.model import Frame, Status
from kiosk.recognition.worker import RecognitionWorker
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store import attempts as stored
from kiosk.store.pins import set_pin
from kiosk.store.references import person_vectors
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.images import load_image
from tests.lanes_support import OutboxSpy
from tests.test_end_to_end import midday_zone

FIRST, LAST = 82, 210  # Lin's shot: one face, about 80 px, facing the camera
FPS = 29.97
CONFIRM_FRAMES = 8


def masked_lin(shared) -> np.ndarray:
    """His photo with a dark band over the eyes, like dark glasses (placed at its landmarks)."""
    image = load_image(shared / "face_recognition" / "lin-manuel-miranda.png").copy()
    image[221:320, 256:531] = (20, 20, 20)
    return image


@pytest.fixture
def door(cli, shared, data_dir, monkeypatch, tmp_path):
    zone = midday_zone()
    monkeypatch.setenv("KIOSK_TIMEZONE", zone)
    for onnx in sorted((shared / "antispoof" / "silent-face" / "onnx").glob("*.onnx")):
        assert cli("models", "import", str(onnx))[0] == 0
    photo = tmp_path / "lin-masked.png"
    cv2.imwrite(str(photo), masked_lin(shared))
    config = tmp_path / "kiosk.toml"
    config.write_text(f"[vision]\nembedder = \"sface\"\nconfirm_frames = {CONFIRM_FRAMES}\n", encoding="utf-8")
    assert cli("--config", str(config), "enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photo))[0] == 0
    assert cli("instructor", "add", "prof", "--name", "Prof Ada")[0] == 0
    assert cli("class", "add", "HAM", "--name", "Hamilton", "--students", "lin", "--instructor", "prof")[0] == 0
    now = datetime.now(ZoneInfo(zone))
    start, end = now - timedelta(minutes=1), now + timedelta(minutes=60)
    assert cli("schedule", "add", "HAM", "--start", f"{start:%H:%M}", "--end", f"{end:%H:%M}",
               "--date", f"{now:%Y-%m-%d}")[0] == 0
    cfg = config_from_dict({"store": {"data_dir": str(data_dir)}, "kiosk": {"timezone": zone},
                            "vision": {"embedder": "sface", "confirm_frames": CONFIRM_FRAMES}})
    store = SqliteStore.in_dir(data_dir)
    set_pin(store, "prof", "4829")
    SessionScheduler(store, cfg, system_clock(zone), lambda event: None).tick()  # the class opens
    yield cfg, store
    store.close()


def walk_up(cfg, shared, data_dir, zone) -> tuple[list[Status], RecognitionWorker]:
    """Frames FIRST..LAST through a fresh worker, then an empty frame two seconds on (he has gone)."""
    outbox = OutboxSpy("recognition")
    worker = RecognitionWorker(cfg, None, lambda: SqliteStore.in_dir(data_dir), system_clock(zone), outbox, None)
    worker.load()
    cap = cv2.VideoCapture(str(shared / "face_recognition" / "short_hamilton_clip.mp4"))
    cap.set(cv2.CAP_PROP_POS_FRAMES, FIRST)
    try:
        for index in range(FIRST, LAST + 1):
            ok, image = cap.read()
            assert ok
            worker.process(Frame(image, 1000.0 + (index - FIRST) / FPS, index))
        worker.process(Frame(np.zeros_like(image), 1000.0 + (LAST - FIRST) / FPS + 2.0, LAST + 1))
    finally:
        cap.release()
        worker.close()
    return [e.checkin.status for e in outbox.sent() if isinstance(e, CheckInPosted)], worker


def test_an_unnamed_walk_up_leaves_one_attempt_and_a_confirm_teaches_the_door(door, shared, data_dir):
    from tests.web.web_support import RunningWeb

    cfg, store = door
    zone = cfg.kiosk.timezone
    statuses, worker = walk_up(cfg, shared, data_dir, zone)
    assert Status.PRESENT not in statuses and worker.attempts.kept == 1
    session = store.active_session()
    (attempt,) = stored.session_attempts(store, session.session_id)
    assert attempt.pending and attempt.frames >= 3 and attempt.candidates[0].person_id == "lin"
    assert 0.444 <= attempt.candidates[0].score < 0.514  # under the track's bar: why he was not named
    assert stored.crop_path(store, attempt.crop).is_file()

    web = RunningWeb(cfg, system_clock(zone))
    try:
        client = web.client()
        client.sign_in("prof", "4829")
        token = client.csrf(f"/session/{session.session_id}/attempts")
        reply = client.post(f"/attempts/{attempt.id}/confirm", {"csrf": token, "person_id": "lin"})
        assert reply.status == 303, reply.text
    finally:
        web.stop()
    row = store.query("SELECT status, method FROM attendance WHERE person_id = 'lin'")[0]
    assert tuple(row) == ("present", "confirmed")
    assert [v.door for v in person_vectors(store, "lin", "sface")] == [False, True]
    store.query("DELETE FROM attendance")  # (a direct reset of the mark, so the next walk-up can check him in)

    statuses, worker = walk_up(cfg, shared, data_dir, zone)
    assert Status.PRESENT in statuses and worker.attempts.kept == 0  # named: no staff action, no new attempt


def test_no_attempt_is_kept_when_the_school_turns_them_off(door, shared, data_dir):
    from dataclasses import replace

    cfg, store = door
    off = replace(cfg, privacy=replace(cfg.privacy, keep_attempts=False))
    statuses, worker = walk_up(off, shared, data_dir, cfg.kiosk.timezone)
    assert worker.attempts.kept == 0 and store.query("SELECT count(*) FROM attempts")[0][0] == 0
    assert not (data_dir / "door_attempts").exists()
