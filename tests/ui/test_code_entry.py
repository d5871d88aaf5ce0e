"""Check-in with a personal code, on the real app loop (dummy SDL display) driven by posted
key events, with the real desk worker thread and a real SQLite file; and a QR card made
by `person code` read back from video frames by the real camera path."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, time as dtime
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pygame
import pytest

from kiosk.camera import CAMERAS, CaptureThread
from kiosk.clock import FixedClock
from kiosk.config import Config, UiSection
from kiosk.messages.screen import CodeSeen
from kiosk.model import Schedule
from kiosk.recognition.cards import CardWatch
from kiosk.reports.cards import write_card
from kiosk.scheduler.thread import SessionScheduler
from kiosk.staff.worker import DeskWorker
from kiosk.store import codes
from kiosk.store.audit import audit_entries
from kiosk.store.roll import session_roll
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.ui.app import KioskApp
from kiosk.ui.code_entry import CodeEntry, CodeLayer
from tests.lanes_support import OutboxSpy, ScreenLanes

from ui_support import SyntheticCamera, post_key

TZ = ZoneInfo("Europe/London")
SESSION = "CS101@2026-11-25T09:00Z"
MAYA, TOM = "48291734", "90817265"


@pytest.fixture
def kiosk(data_dir):
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-7", room="B12")
    store = SqliteStore.in_dir(data_dir)
    for pid, name in (("maya", "Maya Chen"), ("tom", "Tom Okafor")):
        store.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    codes.store_code(store, "maya", codes.code_hash(MAYA))
    codes.store_code(store, "tom", codes.code_hash(TOM))
    store.add_class("CS101", "Intro", ["maya"], room="B12")
    store.add_schedule(Schedule("CS101", dtime(9), dtime(10), "Europe/London", on_date=date(2026, 11, 25)))
    clock = FixedClock(datetime(2026, 11, 25, 9, 3, tzinfo=TZ))
    lanes = ScreenLanes()
    SessionScheduler(store, cfg, clock, lanes.put).tick()  # CS101 is active
    stop = threading.Event()
    worker = DeskWorker(cfg, lambda: SqliteStore.in_dir(data_dir), clock, lanes.outbox("desk"), stop)
    worker.start()
    app = KioskApp(UiSection(width=1024, height=600), SyntheticCamera(), lanes, stop, clock, windowed=True,
                   layers=[lambda live: CodeLayer(cfg.pin, live, worker.submit)])
    app.open()
    app.store, app.lanes = store, lanes
    yield app
    stop.set()
    worker.join(3)
    app.close()
    store.close()


def step(app: KioskApp, until=lambda: False, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app._pump_input()
        app.tick(1 / 30)
        if until():
            return
        time.sleep(0.005)
    raise AssertionError("condition not reached")


def entry(app) -> CodeEntry | None:
    return next((s for s in app.stack.states if isinstance(s, CodeEntry)), None)


def type_code(app, code: str) -> None:
    post_key(pygame.K_F3)
    step(app, lambda: entry(app) is not None)
    for digit in code:
        post_key(getattr(pygame, f"K_{digit}"))
    post_key(pygame.K_RETURN)


def test_a_typed_code_checks_the_student_in_and_the_screen_says_so(kiosk):
    type_code(kiosk, MAYA)
    step(kiosk, lambda: entry(kiosk) is None)  # taken: the keypad closes
    step(kiosk, lambda: kiosk.live.model.card is not None)
    assert "Maya Chen" in kiosk.live.model.card.title
    (line,) = [line for line in session_roll(kiosk.store, SESSION).lines if line.status]
    assert (line.person_id, line.status, line.method) == ("maya", "present", "code")
    assert audit_entries(kiosk.store, "code_check_in")[0].target_id == "maya"


def test_a_code_of_someone_not_on_the_roster_stores_nothing(kiosk):
    type_code(kiosk, TOM)
    step(kiosk, lambda: kiosk.live.model.card is not None)
    assert [line for line in session_roll(kiosk.store, SESSION).lines if line.status] == []
    assert "tom" not in {line.person_id for line in session_roll(kiosk.store, SESSION).lines}


def test_wrong_codes_lock_the_keypad_and_the_screen_counts_down(kiosk):
    for attempt in range(5):
        type_code(kiosk, "11111111") if attempt == 0 else _again(kiosk, "11111111")
        step(kiosk, lambda: not entry(kiosk).pending)
    assert entry(kiosk).locked and "Too many wrong codes" in _message(kiosk)
    _again(kiosk, MAYA)  # locked: the right code is not even sent
    step(kiosk, lambda: True)
    assert [line for line in session_roll(kiosk.store, SESSION).lines if line.status] == []
    assert len(audit_entries(kiosk.store, "code_wrong")) == 5


def _again(app, code: str) -> None:
    for digit in code:
        post_key(getattr(pygame, f"K_{digit}"))
    post_key(pygame.K_RETURN)


def _message(app) -> str:
    from kiosk.ui import text

    e = entry(app)
    return text.CODE_LOCKED if e.locked else e.message


def test_a_card_shown_to_the_camera_is_read_and_checks_the_student_in(kiosk, tmp_path):
    card = tmp_path / "maya.png"
    write_card(card, "maya", "Maya Chen", MAYA)
    video = _video_of(cv2.imread(str(card)), tmp_path / "door.mp4")
    # Looping, as a door camera never ends: on a loaded machine the card comes round again.
    source = CAMERAS.get("opencv")(Config().camera, source=str(video), loop=True)
    stop = threading.Event()
    capture = CaptureThread(source, stop, kiosk.lanes.outbox("capture"), 1.0)
    spy = OutboxSpy("recognition", kiosk.lanes)  # the recognition worker's outbox, watched
    watch = CardWatch(Config().attendance, spy)
    capture.start()
    seen, last = [], -1
    try:
        deadline = time.monotonic() + 60  # a bound for a broken reader, not a time being measured
        while CodeSeen(MAYA) not in seen and time.monotonic() < deadline:
            frame = capture.frames.wait_newer(last, 0.5)
            if frame is not None:
                last = frame.index
                watch.look(frame)
            seen += spy.sent()
    finally:
        stop.set()
        capture.join(3)
    assert CodeSeen(MAYA) in seen  # read from a decoded video frame: the real camera path
    # The check-in, then its audit row (the desk writes them one after the other): wait for both.
    step(kiosk, lambda: any(line.method == "code" for line in session_roll(kiosk.store, SESSION).lines)
         and audit_entries(kiosk.store, "code_check_in"))
    assert audit_entries(kiosk.store, "code_check_in")[0].detail.startswith("qr:")


def _video_of(card: np.ndarray, path) -> object:
    """Three seconds of a door: a grey corridor, then the card held up at 30 % of the frame width."""
    frames = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (1280, 720))
    held = cv2.resize(card, (384, 242), interpolation=cv2.INTER_AREA)
    for i in range(30):
        image = np.full((720, 1280, 3), 96, np.uint8)
        if i >= 5:
            image[240:482, 500:884] = held
        frames.write(image)
    frames.release()
    return path
