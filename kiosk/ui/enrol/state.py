"""Guided enrolment at the kiosk: a full-screen state pushed from the instructor overlay.

Steps: person (id, name, consent, on-screen keyboard) -> capture (live feed
with guidance, photos of three poses) -> saving -> done, or refused (the
face is already enrolled; an admin may override).

It never does slow work: while it is open the recognition worker pauses
check-ins and runs the guided capture (PauseForEnrolment, StartCapture,
ResumeRecognition go to its queue); the desk worker lists people and
stores the enrolment (ListPeople, SaveEnrolment). Their answers arrive as
events. Closing it, however it closes, resumes recognition with the
gallery reloaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from kiosk.messages.desk import ActionDone
from kiosk.messages.enrolment import (
    CaptureComplete, CaptureGuidance, EnrolmentSaved, ListPeople, PauseForEnrolment, PeopleListed,
    ResumeRecognition, SaveEnrolment, StartCapture,
)
from kiosk.ui import text
from kiosk.ui.enrol import views
from kiosk.ui.enrol.form import PersonForm
from kiosk.ui.enrol.keyboard import CANCEL, ENTER_KEYS, SUBMIT, physical_key
from kiosk.ui.states import LiveState, State
from kiosk.ui.touch import Button, press

log = logging.getLogger(__name__)

IDLE_CLOSE_S = 120.0  # untouched and no photo kept for this long: close, so check-ins resume
DONE_CLOSE_S = 20.0  # the "Enrolled" screen goes back to the overlay by itself


class EnrolState(State):
    transparent = False
    takes_escape = True  # Esc cancels here, even in a window where it would quit

    def __init__(self, live: LiveState, is_admin: bool, submit_admin: Callable[[object], None],
                 submit_vision: Callable[[object], None]):
        super().__init__()
        self.live = live
        self.is_admin = is_admin
        self.submit_admin = submit_admin
        self.submit_vision = submit_vision
        self.step = "person"  # person | capture | saving | done | refused
        self.form = PersonForm()
        self.message = ""  # one line: why the form cannot go on, or why saving failed
        self.guidance: CaptureGuidance | None = None
        self.captured: CaptureComplete | None = None
        self.result: EnrolmentSaved | None = None
        self.buttons: list[Button] = []
        self.idle = 0.0

    @property
    def theme(self):
        return self.live.theme

    def on_push(self) -> None:
        log.info("enrolment opened; recognition paused")
        self.submit_vision(PauseForEnrolment())
        self.submit_admin(ListPeople())
        self._relayout()

    def on_pop(self) -> None:
        log.info("enrolment closed; recognition resumes")
        self.submit_vision(ResumeRecognition())

    # -- input ----------------------------------------------------------------------

    def handle_input(self, event: pygame.event.Event) -> bool:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN, pygame.FINGERDOWN):
            self.idle = 0.0
        if event.type == pygame.KEYDOWN:
            self._key(event)
        else:
            press(self.buttons, event)
        self._relayout()
        return True  # modal: nothing reaches the screens below

    def _key(self, event: pygame.event.Event) -> None:
        if self.step == "person":
            outcome = physical_key(self.form, event)
            self.message = "" if outcome is None else self.message
            if outcome == SUBMIT:
                self.submit_person()
            elif outcome == CANCEL:
                self.close()
        elif event.key == pygame.K_ESCAPE or (self.step == "done" and event.key in ENTER_KEYS):
            self.close()

    # -- actions the buttons and keys call -------------------------------------------------

    def submit_person(self) -> None:
        problem = self.form.check()
        if problem:
            self.message = problem
            return
        self.message = ""
        self.start_capture()

    def start_capture(self) -> None:
        self.step, self.guidance, self.captured = "capture", None, None
        self.submit_vision(StartCapture())

    def back_to_person(self) -> None:
        self.step = "person"
        self.submit_vision(PauseForEnrolment())  # stops the capture; recognition stays paused

    def save(self, allow_duplicate: bool = False) -> None:
        form = self.form
        self.step, self.message = "saving", ""
        self.submit_admin(SaveEnrolment(form.values["id"].strip(), form.display_name(), form.mode,
                                        form.consent_record(), self.captured.vectors, self.captured.sources,
                                        allow_duplicate, self.captured.embedder, self.captured.others))

    def enrol_another(self) -> None:
        people = self.form.people
        self.form, self.step, self.result, self.message = PersonForm(people=people), "person", None, ""
        self.submit_admin(ListPeople())  # photo counts changed

    def close(self) -> None:
        if self.stack is not None and self.stack.top is self:
            self.stack.pop()

    # -- worker answers ---------------------------------------------------------------------

    def handle_event(self, event: object) -> None:
        if isinstance(event, PeopleListed):
            self.form.people = {p.id: p for p in event.people}
        elif isinstance(event, CaptureGuidance) and self.step == "capture":
            self.guidance = event
            self.idle = 0.0 if event.kept else self.idle
        elif isinstance(event, CaptureComplete) and self.step == "capture":
            self.captured = event
            self.save()
        elif isinstance(event, EnrolmentSaved) and self.step == "saving":
            self.result = event
            self.step = "done" if event.ok else "refused"
            self.idle = 0.0
        elif isinstance(event, ActionDone) and event.action == SaveEnrolment.action and self.step == "saving":
            self.result, self.message, self.step = None, text.action_result(event), "refused"  # a locked database
        else:
            return
        self._relayout()

    # -- time ---------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        self.idle += dt
        if self.idle >= IDLE_CLOSE_S or (self.step == "done" and self.idle >= DONE_CLOSE_S):
            log.info("enrolment closed after %.0f s without a touch", self.idle)
            self.close()
            return
        self._relayout()

    def _relayout(self) -> None:
        self.buttons = views.build(self)

    # -- painting --------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        views.draw(surface, self)
