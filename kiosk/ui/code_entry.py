"""A student's way in without a face: the Code button (or F3) opens a keypad for their
personal check-in code, and a check-in card's QR code seen by the camera is passed on.

Both go to the desk worker as CheckInWithCode; it alone checks codes (kiosk/staff/codes.py)
and answers with CodeChecked, plus the usual CheckInPosted, so the live screen shows the
same card and plays the same sound as for a face. The keypad shares the PIN pad's layout
(kiosk/ui/overlay_views.py, screen "code"), closes itself once the code is taken, and
after `pin.idle_timeout_s` untouched.
"""

from __future__ import annotations

import logging
from typing import Callable

import pygame
from pygame import Rect

from kiosk.config import PinSection
from kiosk.messages.desk import CheckInWithCode, CodeChecked
from kiosk.messages.screen import CodeSeen
from kiosk.store.codes import CODE_DIGITS
from kiosk.ui import overlay_views as views, text, theme as th
from kiosk.ui.keypad import DigitEntry
from kiosk.ui.states import LiveState, State
from kiosk.ui.theme import Theme
from kiosk.ui.touch import Button, is_click, press
from kiosk.ui.icons import icon

log = logging.getLogger(__name__)

OPEN_KEY = pygame.K_F3


class CodeLayer(State):
    """Over the live screen: the Code button, and cards the camera read."""

    transparent = True

    def __init__(self, cfg: PinSection, live: LiveState, submit: Callable[[object], bool]):
        super().__init__()
        self.cfg = cfg
        self.live = live
        self.submit = submit  # the desk worker's queue

    def button_rect(self) -> Rect:
        """The whole width of the side panel, under the recent check-ins (kiosk/ui/layout.py)."""
        return self.live.layout.code

    def handle_input(self, event: pygame.event.Event) -> bool:
        opening = (event.type == pygame.KEYDOWN and event.key == OPEN_KEY) or (
            is_click(event) and self.button_rect().collidepoint(event.pos))
        if opening:
            self.stack.push(CodeEntry(self.cfg, self.live.theme, self.submit))
        return opening

    def handle_event(self, event: object) -> None:
        if isinstance(event, CodeSeen):  # a card shown to the camera
            self.submit(CheckInWithCode(event.code, via="qr"))

    def draw(self, surface: pygame.Surface) -> None:
        t = self.live.theme
        rect = self.button_rect()
        pygame.draw.rect(surface, th.SURFACE_HI, rect, border_radius=rect.h // 2)
        pygame.draw.rect(surface, th.LINE, rect, max(1, t.px(2)), border_radius=rect.h // 2)
        mark = icon(t, "keypad", t.px(26), th.TEXT)
        label = t.text_fit(text.CODE_BUTTON, "row_name", th.TEXT, rect.w - mark.get_width() - t.px(40), bold=True)
        x = rect.centerx - (mark.get_width() + t.px(12) + label.get_width()) // 2
        surface.blit(mark, mark.get_rect(midleft=(x, rect.centery)))
        surface.blit(label, label.get_rect(midleft=(x + mark.get_width() + t.px(12), rect.centery)))


class CodeEntry(DigitEntry, State):
    transparent = True
    takes_escape = True
    digit_slots = max_digits = CODE_DIGITS
    screen = "code"
    context = None
    person = None

    def __init__(self, cfg: PinSection, theme: Theme, submit: Callable[[object], bool]):
        super().__init__()
        self.cfg = cfg
        self.theme = theme
        self.submit = submit
        self.digits = ""
        self.message, self.message_level = "", "info"
        self.pending = False
        self.now = self.idle = self.locked_until = 0.0
        self.buttons: list[Button] = views.build(self)
        self.closed = False

    def handle_input(self, event: pygame.event.Event) -> bool:
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN, pygame.FINGERDOWN):
            self.idle = 0.0
        if self.pending or self.closed:
            return True
        if event.type == pygame.KEYDOWN:
            self.back() if event.key == pygame.K_ESCAPE else self.digit_key(event)
        else:
            press(self.buttons, event)
        self.buttons = views.build(self)
        return True  # modal

    def enter_pin(self) -> None:
        """Enter: send the code (the shared keypad calls its OK key this)."""
        if self.digits and not self.locked:
            self.pending = self.submit(CheckInWithCode(self.digits)) is not False
            if not self.pending:
                self.message, self.message_level = text.WORKER_BUSY, "error"
            self.digits = ""

    def back(self) -> None:
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.stack is not None and self.stack.top is self:
                self.stack.pop()

    def handle_event(self, event: object) -> None:
        if not isinstance(event, CodeChecked) or event.via != "keypad":
            return
        self.pending = False
        if event.ok:
            self.close()  # the live screen shows the student's card
            return
        self.message, self.message_level = text.code_refusal(event), "error"
        if event.locked_for > 0:
            self.locked_until = self.now + event.locked_for
        self.buttons = views.build(self)

    def update(self, dt: float) -> None:
        self.now += dt
        self.idle += dt
        if self.idle >= self.cfg.idle_timeout_s:
            log.info("code keypad closed after %.0f s untouched", self.idle)
            self.close()
            return
        self.buttons = views.build(self)

    def draw(self, surface: pygame.Surface) -> None:
        views.draw(surface, self)
