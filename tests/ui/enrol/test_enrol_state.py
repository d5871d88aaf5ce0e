"""The enrolment state's flow on the real app loop (dummy SDL display), driven by posted
pygame events and by the events the workers would post; the commands it sends to
the workers are recorded."""

from __future__ import annotations

import threading

import numpy as np
import pygame
import pytest
from ui_support import NOW, SIZES, SyntheticCamera, not_blank, post_key

from kiosk.config import UiSection
from kiosk.messages.desk import FAILED, ActionDone
from kiosk.messages.enrolment import (
    DUPLICATE_FACE, CaptureComplete, CaptureGuidance, EnrolledPerson, EnrolmentSaved, ListPeople, PauseForEnrolment,
    PeopleListed, ResumeRecognition, SaveEnrolment, StartCapture,
)
from kiosk.model import Consent
from kiosk.ui import text
from kiosk.ui.app import KioskApp
from kiosk.ui.enrol import phrases, state as enrol_state
from kiosk.ui.enrol.chrome import FIELD
from kiosk.ui.enrol.state import EnrolState
from kiosk.vision.base import FaceBox
from tests.lanes_support import ScreenLanes

COUNTS = (("front", 2), ("left", 0), ("right", 1))


class Harness:
    def __init__(self, size=(1280, 720), is_admin=False):
        self.events = ScreenLanes()
        self.admin, self.vision = [], []
        self.app = KioskApp(UiSection(width=size[0], height=size[1]), SyntheticCamera(), self.events,
                            threading.Event(), lambda: NOW, windowed=True)
        self.app.open()
        self.state = EnrolState(self.app.live, is_admin, self.admin.append, self.vision.append)
        self.app.stack.push(self.state)
        self.events.put(PeopleListed((EnrolledPerson("lin", "Lin-Manuel Miranda", "student", 3),)))
        self.tick()

    def tick(self, frames: int = 1) -> None:
        for _ in range(frames):
            self.app._pump_input()
            self.app.tick(1 / 30)

    def type(self, words: str) -> None:
        for ch in words:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a, mod=0, unicode=ch, scancode=0))
        self.tick()

    def click(self, label: str) -> None:
        button = next(b for b in self.state.buttons if b.label == label)
        assert button.enabled, label
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=button.rect.center))
        self.tick()

    def fill_person(self, pid="maya", name="Maya Chen") -> None:
        self.type(pid)
        post_key(pygame.K_TAB)
        self.type(name)
        self.click(dict(phrases.ENROL_CONSENT)["self"])
        post_key(pygame.K_RETURN)  # on the last field: on to the photos
        self.tick()

    def captured(self) -> None:
        self.events.put(CaptureGuidance(5, "good", FaceBox(200, 60, 90, 120, 0.9), COUNTS, 2, "left", kept=True))
        self.events.put(CaptureComplete(np.eye(6, 128, dtype=np.float32), tuple(f"door-7 p {i}" for i in range(6)),
                                        "sface"))
        self.tick()

    def close(self) -> None:
        self.app.close()


@pytest.fixture
def harness():
    h = Harness()
    yield h
    h.close()


def test_open_pauses_recognition_and_asks_who_is_enrolled(harness):
    assert harness.vision == [PauseForEnrolment()] and harness.admin == [ListPeople()]
    assert set(harness.state.form.people) == {"lin"}


def test_bad_form_shows_one_line_and_sends_nothing(harness):
    post_key(pygame.K_RETURN)
    post_key(pygame.K_RETURN)
    post_key(pygame.K_RETURN)  # id, name, consent: Enter on the last field submits the empty form
    harness.tick()
    assert harness.state.step == "person" and harness.state.message == "Student ID: the id is empty"
    harness.fill_person(pid="lin", name="Lin")
    assert harness.state.message.startswith("lin is already enrolled")
    assert StartCapture() not in harness.vision


def test_person_capture_save_done_then_close_resumes_recognition(harness):
    harness.fill_person()
    assert harness.state.step == "capture" and harness.vision[-1] == StartCapture()
    harness.captured()
    assert harness.state.step == "saving"
    save = harness.admin[-1]
    assert isinstance(save, SaveEnrolment)
    assert (save.person_id, save.name, save.mode, save.consent, save.allow_duplicate) == (
        "maya", "Maya Chen", "new", Consent("self"), False)
    assert save.vectors.shape == (6, 128) and len(save.sources) == 6
    assert save.embedder == "sface"  # the model that made the vectors travels with them
    harness.events.put(EnrolmentSaved(True, "maya", "Maya Chen", stored=6, lookalikes=(("lin", "Lin-Manuel Miranda"),)))
    harness.tick()
    assert harness.state.step == "done"
    harness.click(phrases.ENROL_DONE)
    assert harness.state.stack is None and harness.vision[-1] == ResumeRecognition()


def test_guidance_is_shown_only_while_capturing(harness):
    harness.events.put(CaptureGuidance(1, "closer", None, COUNTS, 2, "front"))
    harness.tick()
    assert harness.state.guidance is None  # still on the person step
    harness.fill_person()
    harness.events.put(CaptureGuidance(2, "left", FaceBox(200, 60, 90, 120, 0.9), COUNTS, 2, "left"))
    harness.tick()
    assert harness.state.guidance.advice == "left"
    harness.click(text.BACK)
    assert harness.state.step == "person" and harness.vision[-1] == PauseForEnrolment()


def test_duplicate_refused_offers_override_to_an_admin_only():
    for is_admin in (False, True):
        h = Harness(is_admin=is_admin)
        h.fill_person()
        h.captured()
        h.events.put(EnrolmentSaved(False, "maya", "Maya Chen", DUPLICATE_FACE, duplicate_of=("lin", "Lin"),
                                    may_override=is_admin))
        h.tick()
        labels = [b.label for b in h.state.buttons]
        assert h.state.step == "refused" and (phrases.ENROL_OVERRIDE in labels) is is_admin
        if is_admin:
            h.click(phrases.ENROL_OVERRIDE)
            assert h.admin[-1].allow_duplicate and h.state.step == "saving"
        h.close()


def test_a_failed_save_says_why_and_can_be_retaken(harness):
    harness.fill_person()
    harness.captured()
    harness.events.put(ActionDone("enroll", False, FAILED, detail="database is locked"))
    harness.tick()
    assert harness.state.step == "refused" and harness.state.message == "database is locked"
    harness.click(phrases.ENROL_RETAKE)
    assert harness.state.step == "capture" and harness.vision[-1] == StartCapture()


def test_escape_cancels_from_any_step(harness):
    harness.fill_person()
    post_key(pygame.K_ESCAPE)
    harness.tick()
    assert harness.state.stack is None and harness.vision[-1] == ResumeRecognition()
    assert not harness.app.stop.is_set()  # Esc cancels here; it does not quit the windowed kiosk


def test_left_alone_it_closes_so_check_ins_resume(harness, monkeypatch):
    monkeypatch.setattr(enrol_state, "IDLE_CLOSE_S", 0.5)
    harness.tick(frames=20)
    assert harness.state.stack is None and harness.vision[-1] == ResumeRecognition()


@pytest.mark.parametrize("size", SIZES)
def test_every_step_fits_the_screen(size):
    h = Harness(size=size, is_admin=True)
    screen = pygame.Rect((0, 0), size)
    h.state.form.choose_consent("guardian")  # the longest form
    for step in ("person", "capture", "saving", "done", "refused"):
        h.state.step = step
        h.state.result = EnrolmentSaved(step == "done", "maya", "Maya Chen", "why", stored=6,
                                        duplicate_of=None if step == "done" else ("lin", "Lin"), may_override=True)
        h.tick()
        visible = [b for b in h.state.buttons if b.kind != FIELD]
        assert all(screen.contains(b.rect) for b in h.state.buttons), step
        assert not any(a.rect.colliderect(b.rect) for i, a in enumerate(visible) for b in visible[i + 1:]), step
        assert not_blank(h.app.screen), step
    h.close()


def test_the_overlay_offers_enrolment_and_stays_signed_in_under_it():
    from kiosk.config import PinSection
    from kiosk.messages.desk import PinChecked
    from kiosk.ui.staff_layer import StaffLayer
    from kiosk.ui.pin_overlay import PinOverlay

    events, admin, vision = ScreenLanes(), [], []
    app = KioskApp(UiSection(width=1280, height=720), SyntheticCamera(), events, threading.Event(), lambda: NOW,
                   windowed=True, layers=[lambda live: StaffLayer(PinSection(), live, admin.append, vision.append)])
    app.open()
    overlay = next(s for s in app.stack.states if isinstance(s, StaffLayer)).open_overlay()
    overlay.handle_event(PinChecked(True, "Ms Boss", "admin"))
    enrol_button = next(b for b in overlay.buttons if b.label == text.ACTION_ENROL)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=enrol_button.rect.center))
    app._pump_input()
    enrolment = app.stack.top
    assert isinstance(enrolment, EnrolState) and enrolment.is_admin and vision == [PauseForEnrolment()]
    app.tick(PinSection().idle_timeout_s + 1)  # longer than the overlay's own timeout
    assert isinstance(app.stack.states[-2], PinOverlay) and not overlay.closed
    enrolment.close()
    app.tick(PinSection().idle_timeout_s + 1)
    assert overlay.closed and app.stack.top is not overlay  # on top again, its timeout runs
    app.close()


def test_without_the_recognition_worker_enrolment_is_not_offered():
    from kiosk.config import PinSection
    from kiosk.messages.desk import PinChecked
    from kiosk.ui.staff_layer import StaffLayer

    app = KioskApp(UiSection(width=1280, height=720), SyntheticCamera(), ScreenLanes(), threading.Event(),
                   lambda: NOW, windowed=True, layers=[lambda live: StaffLayer(PinSection(), live, lambda c: None)])
    app.open()
    overlay = app.stack.top.open_overlay()
    overlay.handle_event(PinChecked(True, "Ms Boss", "admin"))
    assert not next(b for b in overlay.buttons if b.label == text.ACTION_ENROL).enabled
    app.close()
