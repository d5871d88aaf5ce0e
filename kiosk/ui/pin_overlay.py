"""The instructor's overlay: a PIN pad, then session actions, drawn over the live view.

A transparent State (the live view keeps updating beneath it) that takes
all input while open. It never does slow work: PIN checks and writes go to
the desk worker as commands, and the worker's answers come back as
events. It closes itself after `pin.idle_timeout_s` without a touch.

Screens: pin -> menu -> (confirm_end | confirm_start | mark | reconcile); a mark by hand may ask "Was this Maya?"
(was_this) about the session's door attempts before going back to mark. Keys: digits,
Backspace, Enter on the pad; typing searches on the mark screen; Esc goes
back (closes from the pad and the menu). "Enrol a student" pushes the
guided enrolment state on top (kiosk/ui/enrol/); the overlay waits below,
signed in, and its idle timer only runs while it is on top.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

import pygame

from kiosk.config import PinSection
from kiosk.messages.desk import (
    ActionDone, AttemptOffer, Candidate, CheckPin, ConfirmAttempt, EndSession, Logout, MarkStudent, OverlayContext,
    PinChecked, Refresh, StartNext,
)
from kiosk.ui import overlay_views as views, text
from kiosk.ui.keypad import DigitEntry
from kiosk.ui.states import State
from kiosk.ui.theme import Theme
from kiosk.ui.touch import Button, press

log = logging.getLogger(__name__)

class PinOverlay(DigitEntry, State):
    transparent = True
    takes_escape = True  # Esc means "back" here, even in a window where it would quit
    digit_slots = 4  # empty dots shown before a PIN is typed
    max_digits = 12

    def __init__(self, cfg: PinSection, theme: Theme, submit: Callable[[object], None],
                 enrol: Callable[[PinChecked], None] | None = None, wall: Callable[[], datetime] | None = None):
        super().__init__()
        self.wall = wall  # the screen's time of day, for "44 min early" (None: not said)
        self.wall_now: datetime | None = wall() if wall else None
        self.cfg = cfg
        self.theme = theme
        self.submit = submit
        self.enrol = enrol  # opens guided enrolment for the signed-in person; None: not offered
        self.screen = "pin"
        self.digits = ""
        self.message = ""
        self.message_level = "info"  # info | error | good
        self.pending = False  # waiting for the worker
        self.now = 0.0
        self.idle = 0.0
        self.locked_until = 0.0
        self.person: PinChecked | None = None
        self.context: OverlayContext | None = None
        self.query = ""
        self.page = 0
        self.offers: list[AttemptOffer] = []  # door attempts that may be the student just marked
        self.buttons: list[Button] = []
        self.closed = False

    # -- input ------------------------------------------------------------------

    def handle_input(self, event: pygame.event.Event) -> bool:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN, pygame.FINGERDOWN):
            self.idle = 0.0
        if self.pending or self.closed:
            return True
        if event.type == pygame.KEYDOWN:
            self._key(event)
        else:
            press(self.buttons, event)
        self._relayout()
        return True  # modal: nothing reaches the live screen while open

    def _key(self, event: pygame.event.Event) -> None:
        if event.key == pygame.K_ESCAPE:
            self.back()
        elif self.screen == "pin":
            self.digit_key(event)
        elif self.screen == "mark":
            if event.key == pygame.K_BACKSPACE:
                self.set_query(self.query[:-1])
            elif getattr(event, "unicode", "") and event.unicode.isprintable():
                self.set_query(self.query + event.unicode)

    # -- actions the buttons and keys call ----------------------------------------------

    def enter_pin(self) -> None:
        if self.digits and not self.locked:
            self._send(CheckPin(self.digits))
            self.digits = ""

    def go(self, screen: str) -> None:
        self.screen = screen
        self.message = ""
        if screen in ("mark", "reconcile"):
            self._send(Refresh())  # fresh counts and statuses

    def back(self) -> None:
        if self.screen in ("pin", "menu"):
            self.close()
        elif self.screen == "was_this":
            self.decline_offer()
        else:
            self.go("menu")

    def accept_offer(self) -> None:
        """"Yes, it is": confirm the offered attempt as the student."""
        if self.offers:
            offer = self.offers.pop(0)
            self.offers = []  # one face is theirs; the others were someone else's
            self._send(ConfirmAttempt(offer.attempt_id, offer.person_id))

    def decline_offer(self) -> None:
        if self.offers:
            self.offers.pop(0)
        if not self.offers:
            self.screen = "mark"

    def end_session(self) -> None:
        self._send(EndSession())

    def start_next(self) -> None:
        self._send(StartNext())

    def enrol_student(self) -> None:
        if self.enrol is not None and self.person is not None:
            self.message = ""
            self.enrol(self.person)

    def mark(self, person_id: str, status: str) -> None:
        self._send(MarkStudent(person_id, status))

    def set_query(self, query: str) -> None:
        self.query = query[:40]
        self.page = 0

    def turn_page(self, step: int) -> None:
        self.page = max(0, self.page + step)

    def close(self, reason: str = "dismiss") -> None:
        if self.closed:
            return
        self.closed = True
        self.submit(Logout(reason))
        if self.stack is not None and self.stack.top is self:
            self.stack.pop()

    def _send(self, command: object) -> None:
        self.pending = self.submit(command) is not False  # refused: the worker is far behind
        if not self.pending:
            self.message, self.message_level = text.WORKER_BUSY, "error"

    # -- worker answers -------------------------------------------------------------------

    def handle_event(self, event: object) -> None:
        if isinstance(event, PinChecked):
            self._pin_checked(event)
        elif isinstance(event, ActionDone) and event.action != "logout":
            self._action_done(event)
        else:
            return
        self._relayout()

    def _pin_checked(self, event: PinChecked) -> None:
        self.pending = False
        if event.ok:
            self.person, self.context = event, event.context
            self.screen = "menu"
            self.message = ""
            return
        self.message, self.message_level = text.pin_refusal(event), "error"
        if event.locked_for > 0:
            self.locked_until = self.now + event.locked_for

    def _action_done(self, event: ActionDone) -> None:
        self.pending = False
        if event.context is not None:
            self.context = event.context
        if event.ok and event.action in ("end_session", "start_early"):
            self.close("done")  # the summary / the new class takes the screen
            return
        if event.action in ("manual_mark", "attempt_confirm"):
            self.offers = list(event.offers)
            self.screen = "was_this" if self.offers else "mark"
        words = text.action_result(event)
        if words:
            self.message, self.message_level = words, "good" if event.ok else "error"

    # -- time -----------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        self.now += dt
        self.wall_now = self.wall() if self.wall else None
        on_top = self.stack is None or self.stack.top is self
        self.idle = self.idle + dt if on_top else 0.0  # enrolment on top keeps the instructor signed in
        if self.idle >= self.cfg.idle_timeout_s and not self.closed:
            log.info("instructor overlay closed after %.0f s untouched", self.idle)
            self.close("timeout")
            return
        self._relayout()

    def matches(self) -> list[Candidate]:
        """Roster members matching the search, not-yet-seen first."""
        found = self.context.candidates if self.context else ()
        q = self.query.strip().casefold()
        hits = [c for c in found if not q or q in c.name.casefold() or q in c.person_id.casefold()]
        return sorted(hits, key=lambda c: (c.status in ("present", "late"), c.name.casefold()))

    def _relayout(self) -> None:
        self.buttons = views.build(self)

    # -- painting ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        views.draw(surface, self)
