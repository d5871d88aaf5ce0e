"""What the instructor touches on the live screen: the Staff button (or F2) that
opens the PIN overlay, and the end-of-session summary.

`StaffLayer` is a transparent state just above the live screen. It draws a
small padlock button in the side panel's status area, opens the overlay on
a tap there or on F2, and shows `SummaryState` when a SessionEnded event
arrives (once nothing else is on top, so it never hides an open overlay).
With the recognition worker's queue (`submit_vision`) the overlay also
offers guided enrolment, which it pushes on top of itself.
"""

from __future__ import annotations

import logging
from typing import Callable

import pygame
from pygame import Rect

from kiosk.config import Config, PinSection
from kiosk.messages.desk import PinChecked, SessionEnded
from kiosk.messages.screen import CheckInPosted
from kiosk.ui import text, theme as th
from kiosk.ui.code_entry import CodeLayer
from kiosk.ui.enrol.state import EnrolState
from kiosk.ui.pin_overlay import PinOverlay
from kiosk.ui.sound import SoundCues, SoundPlayer
from kiosk.ui.states import LiveState, State
from kiosk.ui.touch import draw_backdrop, draw_counts, draw_panel, is_click, lock_icon, panel_rect
from kiosk.ui.widgets import staff_button_size

log = logging.getLogger(__name__)

OPEN_KEY = pygame.K_F2


class StaffLayer(State):
    transparent = True

    def __init__(self, cfg: PinSection, live: LiveState, submit: Callable[[object], None],
                 submit_vision: Callable[[object], None] | None = None):
        super().__init__()
        self.cfg = cfg
        self.live = live
        self.submit = submit  # the desk worker's queue
        self.submit_vision = submit_vision  # the recognition worker's queue; None: no enrolment at this kiosk
        self.pending: SessionEnded | None = None

    def button_rect(self) -> Rect:
        """Right end of the status line above the camera's (the recognition line leaves it free)."""
        lay, t = self.live.layout, self.live.theme
        rect = Rect((0, 0), staff_button_size(t))
        rect.midright = (lay.status.right, lay.status_lines[-2])
        return rect

    def handle_input(self, event: pygame.event.Event) -> bool:
        opening = (event.type == pygame.KEYDOWN and event.key == OPEN_KEY) or (
            is_click(event) and self.button_rect().collidepoint(event.pos))
        if opening:
            self.open_overlay()
        return opening

    def open_overlay(self) -> PinOverlay:
        log.info("instructor overlay opened")
        enrol = self.open_enrolment if self.submit_vision is not None else None
        overlay = PinOverlay(self.cfg, self.live.theme, self.submit, enrol, wall=lambda: self.live.wall)
        self.stack.push(overlay)
        return overlay

    def open_enrolment(self, signed_in: PinChecked) -> EnrolState:
        log.info("enrolment opened by %s", signed_in.name)
        state = EnrolState(self.live, signed_in.role == "admin", self.submit, self.submit_vision)
        self.stack.push(state)
        return state

    def handle_event(self, event: object) -> None:
        if isinstance(event, SessionEnded):
            self.pending = event

    def update(self, dt: float) -> None:
        if self.pending is not None and self.stack is not None and self.stack.top is self:
            self.stack.push(SummaryState(self.cfg, self.live, self.pending))
            self.pending = None

    def draw(self, surface: pygame.Surface) -> None:
        t = self.live.theme
        rect = self.button_rect()
        pygame.draw.rect(surface, th.SURFACE_HI, rect, border_radius=rect.h // 2)
        pygame.draw.rect(surface, th.LINE, rect, max(1, t.px(2)), border_radius=rect.h // 2)
        mark = lock_icon(t, t.px(26), th.TEXT_MUTED)
        surface.blit(mark, mark.get_rect(midleft=(rect.x + t.px(14), rect.centery)))
        label = t.text(text.ADMIN_BUTTON, "status", th.TEXT_MUTED, bold=True)
        surface.blit(label, label.get_rect(midleft=(rect.x + t.px(14) + mark.get_width() + t.px(8), rect.centery)))


class SummaryState(State):
    """Present / late / absent for the session that just ended; closes itself after
    `pin.summary_s`, on a tap or key, or as soon as a student checks in."""

    transparent = True

    def __init__(self, cfg: PinSection, live: LiveState, ended: SessionEnded):
        super().__init__()
        self.cfg = cfg
        self.live = live
        self.ended = ended
        self.age = 0.0

    def handle_input(self, event: pygame.event.Event) -> bool:
        if is_click(event) or event.type == pygame.KEYDOWN:
            self.close()
            return True
        return False

    def handle_event(self, event: object) -> None:
        if isinstance(event, CheckInPosted):
            self.close()  # the door is in use again: the student's card wins

    def update(self, dt: float) -> None:
        self.age += dt
        if self.age >= self.cfg.summary_s:
            self.close()

    def close(self) -> None:
        if self.stack is not None and self.stack.top is self:
            self.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        t = self.live.theme
        draw_backdrop(surface, t, 150)
        panel = panel_rect(t, t.size, max_w=900)
        panel.h = min(panel.h, t.px(440))
        panel.centery = t.size[1] // 2
        draw_panel(surface, t, panel)
        inner = panel.inflate(-2 * t.px(32), -2 * t.px(28))
        session, summary = self.ended.session, self.ended.summary
        title = text.SUMMARY_TITLE.format(code=session.class_code)
        detail = text.SUMMARY_DETAIL.format(name=session.class_name, start=text.hhmm(session.starts_at),
                                            end=text.hhmm(session.ends_at))
        surface.blit(t.text_fit(title, "notice_title", th.TEXT, inner.w, bold=True), inner.topleft)
        surface.blit(t.text_fit(detail, "banner_detail", th.TEXT_MUTED, inner.w), (inner.x, inner.y + t.px(56)))
        _, present, late, absent = summary.counts
        tiles = [(text.COUNT_PRESENT, present, th.GREEN_BRIGHT, "check"), (text.COUNT_LATE, late, th.AMBER, "clock"),
                 (text.COUNT_ABSENT, absent, th.RED_BRIGHT, "cross")]
        draw_counts(surface, t, Rect(inner.x, inner.y + t.px(110), inner.w, t.px(150)), tiles)
        if summary.failed_live_checks:
            line = t.text_fit(text.FAILED_LIVE_CHECKS.format(n=summary.failed_live_checks), "row_detail",
                              th.AMBER, inner.w)
            surface.blit(line, (inner.x, inner.y + t.px(270)))
        hint = t.text(text.SUMMARY_DISMISS, "row_detail", th.TEXT_MUTED)
        surface.blit(hint, hint.get_rect(midbottom=(inner.centerx, inner.bottom)))


def kiosk_layers(cfg: Config, submit: Callable[[object], None],
                 submit_vision: Callable[[object], None] | None = None) -> list[Callable[[LiveState], State]]:
    """The states the running kiosk puts over its live screen: sounds, the Code button, then the
    Staff button."""
    return [lambda live: SoundCues(SoundPlayer(cfg.sound)),
            lambda live: CodeLayer(cfg.pin, live, submit),
            lambda live: StaffLayer(cfg.pin, live, submit, submit_vision)]
