"""Guided enrolment end to end: the real kiosk threads, models, SQLite file and app loop
(dummy SDL display), with the shared Hamilton clip as the camera.

An admin signs in with the PIN, taps "Enrol a student", types the person on the
keyboard, and Lin-Manuel Miranda (the clip's main face) is photographed in three
poses by the recognition worker, stored by the desk worker, and recognised once
enrolment closes. Check-ins pause meanwhile.

The clip: he looks ahead and turns to his own right, never clearly to his left,
so the camera plays it, then plays it mirrored (a left turn), and so on.

KIOSK_DOCS_SCREENSHOTS=1 also writes docs/screenshots/enrol_{person,capture,done}.png.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pygame
import pytest
from ui_support import post_key

from kiosk.staff.worker import DeskWorker
from kiosk.camera.base import CameraSource
from kiosk.camera.capture import CaptureThread
from kiosk.clock import system_clock
from kiosk.config import Config, UiSection
from kiosk.enrolment.service import Enrolment, enrol
from kiosk.messages.lanes import Lanes
from kiosk.recognition.worker import RecognitionWorker
from kiosk.store import staff
from kiosk.store.audit import audit_entries
from kiosk.store.pins import set_pin
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.ui import text
from kiosk.ui.staff_layer import kiosk_layers
from kiosk.ui.app import KioskApp
from kiosk.ui.enrol import phrases
from kiosk.ui.enrol.state import EnrolState
from kiosk.ui.pin_overlay import PinOverlay
from kiosk.vision.images import load_image
from kiosk.vision.pipeline import FacePipeline

DOCS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
LONG = 120.0  # only reached if something is broken; nothing here measures speed


class ClipThenMirror(CameraSource):
    """The clip in real time, endlessly, every other pass mirrored left to right."""

    def __init__(self, path: Path):
        self.path = path
        self.cap: cv2.VideoCapture | None = None
        self.mirrored = False
        self.next_due = 0.0

    def open(self) -> None:
        self.cap = cv2.VideoCapture(str(self.path))
        self.frame_s = 1 / (self.cap.get(cv2.CAP_PROP_FPS) or 30.0)
        self.next_due = time.monotonic()

    def read(self) -> np.ndarray | None:
        ok, image = self.cap.read()
        if not ok:  # the end: rewind and turn the picture round
            self.cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self.mirrored = not self.mirrored
            ok, image = self.cap.read()
        self.next_due += self.frame_s
        time.sleep(max(0.0, self.next_due - time.monotonic()))
        return cv2.flip(image, 1) if self.mirrored else image

    def close(self) -> None:
        if self.cap is not None:
            self.cap.release()


@pytest.fixture
def kiosk(shared, data_dir, tmp_path):
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-7").replace(
        "vision", embedder="sface")  # ships in a package: the same test in every checkout
    store = SqliteStore.in_dir(data_dir)
    staff.add_staff(store, "boss", "Ms Boss", role="admin")
    set_pin(store, "boss", "4829")
    obama = FacePipeline(cfg.vision, tmp_path).enrolment_face(load_image(shared / "face_recognition" / "obama.jpg"),
                                                              "obama.jpg").vector
    enrol(cfg, store, Enrolment(Person("obama", "Barack Obama", "student"), obama[None], ("obama.jpg",)))
    stop, lanes = threading.Event(), Lanes()
    capture = CaptureThread(ClipThenMirror(shared / "face_recognition" / "short_hamilton_clip.mp4"), stop,
                            lanes.outbox("capture"), 1.0)

    def factory() -> SqliteStore:  # each thread opens its own connection
        return SqliteStore.in_dir(data_dir)

    worker = RecognitionWorker(cfg, capture.frames, factory, system_clock(), lanes.outbox("recognition"), stop)
    admin = DeskWorker(cfg, factory, system_clock(), lanes.outbox("admin"), stop)
    for thread in (capture, worker, admin):
        thread.start()
    app = KioskApp(UiSection(width=1280, height=720), capture.frames.latest, lanes, stop, system_clock(),
                   windowed=True, layers=kiosk_layers(cfg, admin.submit, worker.submit))
    app.open()
    app.store, app.worker = store, worker
    yield app
    stop.set()
    for thread in (capture, worker, admin):
        thread.join(5)
    app.close()
    store.close()


def step(app: KioskApp, until, timeout: float = LONG) -> None:
    """Run loop ticks (input, events, update, draw) with real time steps until `until()`."""
    deadline = last = time.monotonic()
    deadline += timeout
    while time.monotonic() < deadline:
        now = time.monotonic()
        app._pump_input()
        app.tick(now - last)
        last = now
        if until():
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached")


def top(app: KioskApp):
    return app.stack.top


def keys(app: KioskApp, words: str) -> None:
    for ch in words:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a, mod=0, unicode=ch, scancode=0))
    step(app, lambda: True)


def click(app: KioskApp, label: str) -> None:
    button = next(b for b in top(app).buttons if b.label == label)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=button.rect.center))
    step(app, lambda: True)


def shot(app: KioskApp, name: str, tmp_path: Path) -> None:
    app.save_screenshot(tmp_path / f"{name}.png")
    if os.environ.get("KIOSK_DOCS_SCREENSHOTS") == "1":
        app.save_screenshot(DOCS / f"{name}.png")


def recognised(app: KioskApp, name: str) -> bool:
    return any(face.confirmed and face.name == name for face in app.live.model.faces)


def test_enrol_lin_at_the_kiosk_then_he_is_recognised(kiosk, tmp_path):
    app = kiosk
    step(app, lambda: app.live.model.recognition_ready)
    post_key(pygame.K_F2)
    step(app, lambda: isinstance(top(app), PinOverlay))
    for digit in "4829":
        post_key(getattr(pygame, f"K_{digit}"))
    post_key(pygame.K_RETURN)
    step(app, lambda: top(app).screen == "menu")
    click(app, text.ACTION_ENROL)
    enrolment = top(app)
    assert isinstance(enrolment, EnrolState)
    step(app, lambda: "lin" not in enrolment.form.people and bool(enrolment.form.people))  # the desk worker listed

    keys(app, "lin")
    post_key(pygame.K_TAB)
    keys(app, "Lin-Manuel Miranda")
    post_key(pygame.K_TAB)
    keys(app, "s")  # on the consent field: the student consents
    shot(app, "enrol_person", tmp_path)
    step(app, lambda: app.worker.enrolling)
    paused_at = app.worker.stats.frames_processed
    post_key(pygame.K_RETURN)
    step(app, lambda: enrolment.step == "capture")

    def mid_capture() -> bool:
        g = enrolment.guidance
        return g is not None and g.box is not None and sum(n for _, n in g.counts) >= 2 and g.advice != "good"

    step(app, lambda: mid_capture() or enrolment.step != "capture")
    shot(app, "enrol_capture", tmp_path)
    step(app, lambda: enrolment.step in ("done", "refused"))
    assert enrolment.step == "done", enrolment.message or enrolment.result
    assert enrolment.result.stored == 6 and enrolment.result.lookalikes == ()
    shot(app, "enrol_done", tmp_path)

    store = app.store
    assert store.person("lin").name == "Lin-Manuel Miranda" and store.embedding_counts("sface")["lin"] == 6
    assert store.query("SELECT consent_by FROM people WHERE id = 'lin'")[0][0] == "self"
    assert [(e.actor_id, e.target_id) for e in audit_entries(store, "enroll")] == [("boss", "lin")]
    assert app.worker.stats.frames_processed == paused_at  # no recognition, no check-in, while enrolling

    click(app, phrases.ENROL_DONE)
    assert isinstance(top(app), PinOverlay) and top(app).screen == "menu"
    post_key(pygame.K_ESCAPE)
    step(app, lambda: not isinstance(top(app), PinOverlay))
    step(app, lambda: recognised(app, "Lin-Manuel Miranda"))
