"""The side panel's status corner: a limited or switched-off live check is said in full, and marked
as a warning (not the green tick), at every screen size."""

import numpy as np
import pygame
import pytest

from kiosk.config import UiSection
from kiosk.messages import screen as scr
from kiosk.ui import text, theme as th, widgets
from kiosk.ui.states import LiveState

from ui_support import NOW, SIZES

CORNER_SIZES = sorted(set(SIZES) | {(1280, 800)})


def corner(size, liveness: str) -> tuple[LiveState, pygame.Surface]:
    state = LiveState(UiSection(), size, lambda: NOW, kiosk_name="door-B12")
    state.handle_event(scr.RecognitionState(True, liveness))
    state.handle_event(scr.CameraState(True))
    state.update(0.1)
    surface = pygame.Surface(size)
    state.draw(surface)
    return state, surface


def marker_share(state: LiveState, surface: pygame.Surface, colour) -> float:
    """How much of the recognition line's marker disc is (near) `colour` (icons are smoothscaled)."""
    t, lay = state.theme, state.layout
    disc = pygame.Rect(lay.status.x, lay.status_lines[0] - t.px(11), t.px(22), t.px(22))
    pixels = pygame.surfarray.array3d(surface.subsurface(disc))
    return float((np.abs(pixels.astype(int) - np.array(colour)).max(axis=2) <= 8).mean())


@pytest.mark.parametrize("size", CORNER_SIZES, ids=[f"{w}x{h}" for w, h in CORNER_SIZES])
@pytest.mark.parametrize("liveness", [scr.LIVENESS_BLINK, scr.LIVENESS_LIMITED, scr.LIVENESS_OFF])
def test_a_limited_live_check_is_said_in_full_with_a_warning(size, liveness):
    state, surface = corner(size, liveness)
    words = state.model.recognition_message
    t, lay = state.theme, state.layout
    room = lay.status.w - t.px(32)
    if len(lay.status_lines) == 2:  # sharing its line with the Staff button
        room -= widgets.staff_button_size(t)[0] + t.px(12)
    near_full = t.font(round(t.px(th.SIZE["status"]) * 0.9))
    assert near_full.size(words)[0] <= room  # never cut, and shrunk at most a little
    assert marker_share(state, surface, th.AMBER) > 0.2
    assert marker_share(state, surface, th.GREEN_BRIGHT) == 0


@pytest.mark.parametrize("size", [(1280, 800), (1024, 600)], ids=["1280x800", "1024x600"])
def test_a_full_live_check_keeps_two_lines_and_the_tick(size):
    state, surface = corner(size, scr.LIVENESS_FULL)
    assert len(state.layout.status_lines) == 2 and state.model.recognition_message == text.RECOGNITION_READY
    assert marker_share(state, surface, th.GREEN_BRIGHT) > 0.2


def test_the_corner_names_what_is_left_of_the_live_check():
    assert text.recognition_status(scr.RecognitionState(True, scr.LIVENESS_BLINK)) == "Ready · live check: blink only"
    assert "OFF" in text.recognition_status(scr.RecognitionState(True, scr.LIVENESS_OFF))
    assert text.recognition_degraded(scr.RecognitionState(True, scr.LIVENESS_LIMITED))
    assert not text.recognition_degraded(scr.RecognitionState(True, scr.LIVENESS_FULL))
    assert not text.recognition_degraded(scr.RecognitionState(False, scr.LIVENESS_OFF))
