"""A stack of screen states (Tuxemon style) and the main live screen.

Rules of the stack:
- pygame input goes to the top state; a transparent state that does not
  consume an input lets it fall through to the state below;
- worker messages (kiosk/messages/) and time go to every state, bottom first,
  so the live screen stays current under an overlay (e.g. a PIN pad);
- drawing starts at the highest opaque state and goes up;
- only handle_input / handle_event / update may push, pop or change data;
  draw never does.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

import pygame

from kiosk.config import UiSection
from kiosk.model import Frame
from kiosk.ui import cards, theme as th, widgets
from kiosk.ui.feed import FeedView, draw_faces, round_corners
from kiosk.ui.layout import Layout, compute_layout
from kiosk.ui.model import ScreenModel
from kiosk.ui.theme import Theme

log = logging.getLogger(__name__)


class State:
    """One screen or overlay. Subclasses override what they need."""

    transparent = False  # True: the state below is drawn first (overlays)

    def __init__(self) -> None:
        self.stack: StateStack | None = None

    def handle_input(self, event: pygame.event.Event) -> bool:
        """A pygame input event; return True if consumed."""
        return False

    def handle_event(self, event: object) -> None:
        """A message from a worker (kiosk/messages/), taken from the lanes."""

    def update(self, dt: float) -> None:
        """Advance time by dt seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        """Paint; must not change state."""

    def on_push(self) -> None: ...

    def on_pop(self) -> None: ...


class StateStack:
    def __init__(self) -> None:
        self._states: list[State] = []

    def __len__(self) -> int:
        return len(self._states)

    @property
    def top(self) -> State | None:
        return self._states[-1] if self._states else None

    @property
    def states(self) -> tuple[State, ...]:
        return tuple(self._states)

    def push(self, state: State) -> None:
        state.stack = self
        self._states.append(state)
        state.on_push()

    def pop(self) -> State:
        state = self._states.pop()
        state.on_pop()
        state.stack = None
        return state

    def handle_input(self, event: pygame.event.Event) -> bool:
        for state in reversed(self.states):
            if state.handle_input(event):
                return True
            if not state.transparent:
                return False
        return False

    def handle_event(self, event: object) -> None:
        for state in self.states:
            state.handle_event(event)

    def update(self, dt: float) -> None:
        for state in self.states:
            state.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        states = self.states
        first = len(states) - 1
        while first > 0 and states[first].transparent:
            first -= 1
        for state in states[max(first, 0):]:
            state.draw(surface)


class LiveState(State):
    """The main screen: banner, live feed with face boxes, recent check-ins, cards."""

    def __init__(self, cfg: UiSection, size: tuple[int, int], clock: Callable[[], datetime],
                 kiosk_name: str = "") -> None:
        super().__init__()
        self.cfg = cfg
        self.clock = clock
        self.kiosk_name = kiosk_name
        self.model = ScreenModel(cfg)
        self.boxes_age: float | None = None  # seconds, when the boxes on screen come from an older frame
        self.feed = FeedView()
        self.wall = clock()
        self.resize(size)

    def resize(self, size: tuple[int, int]) -> None:
        self.theme = Theme(size)
        self._lay_out(2)

    def _lay_out(self, status_rows: int) -> None:
        self.layout: Layout = compute_layout(self.theme.size, self.theme, widgets.pill_width(self.theme), status_rows)

    # -- changes ----------------------------------------------------------------

    def set_frame(self, newest: Frame | None) -> Frame | None:
        """Show the newest camera frame, or the one the face boxes were found in; returns it."""
        self.boxes_age = self.model.choose_picture(newest)
        self.feed.set_frame(self.model.shown)
        return self.model.shown

    def handle_event(self, event: object) -> None:
        self.model.apply(event, self.wall)

    def update(self, dt: float) -> None:
        self.wall = self.clock()
        self.model.tick(dt)
        rows = widgets.status_rows(self.layout, self.theme, self.model)
        if rows != len(self.layout.status_lines):  # long recognition words get a line of their own
            self._lay_out(rows)

    # -- what tests and overlays read --------------------------------------------

    @property
    def card(self):
        return self.model.card

    def feed_rect(self) -> pygame.Rect:
        return self.layout.feed_rect(self.feed.aspect)

    # -- painting -----------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        lay, theme, model = self.layout, self.theme, self.model
        surface.fill(th.BG)
        widgets.draw_banner(surface, lay, theme, model, self.wall)
        widgets.draw_panel(surface, lay, theme, model, self.wall, self.kiosk_name)
        feed = self.feed_rect()
        self._draw_feed(surface, feed)
        widgets.draw_prompt(surface, lay.prompt_rect(feed), theme, model)
        if model.clock_notice:
            cards.draw_standing_notice(surface, feed, theme, model.clock_notice)
        if model.toast:
            cards.draw_toast(surface, feed, theme, model.toast, model.now)
        if model.card:
            cards.draw_card(surface, feed, theme, model.card, model.now)

    def _draw_feed(self, surface: pygame.Surface, feed: pygame.Rect) -> None:
        model, theme = self.model, self.theme
        if model.camera_ok is False:
            cards.draw_camera_notice(surface, feed, theme, model.camera_message, model.now)
        elif not self.feed.draw(surface, feed):
            cards.draw_starting(surface, feed, theme, model.now)
        else:
            draw_faces(surface, feed, self.feed.frame_size, model.faces, model.faces_alpha(), theme,
                       self.cfg.show_scores, self.boxes_age)
        round_corners(surface, feed, theme.px(18), theme)
