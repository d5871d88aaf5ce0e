"""The central-sync corner of the banner: words from SyncState, drawn only when sync is configured."""

import numpy as np
import pygame
import pytest

from kiosk.config import UiSection
from kiosk.messages.screen import CameraState, RecognitionState, SessionChanged, SyncState
from kiosk.ui import sync_text
from kiosk.ui.model import ScreenModel
from kiosk.ui.states import LiveState

from ui_support import NOW, SIZES, session


def test_sync_words():
    assert sync_text.sync_status(False, 12, True) == ("Offline · 12 check-ins queued", True)
    assert sync_text.sync_status(False, 1, False) == ("Offline · 1 check-in queued", True)
    assert sync_text.sync_status(True, 0, False) == ("Online · synced", False)
    assert sync_text.sync_status(True, 3, False) == ("Online · 3 to send", False)
    assert sync_text.sync_status(True, 0, True) == ("Online · sync warning", True)


def test_model_keeps_the_latest_sync_state():
    model = ScreenModel(UiSection())
    assert model.sync is None  # a standalone kiosk shows nothing
    model.apply(SyncState(False, 12, "down"), NOW)
    model.apply(SyncState(True, 0, ""), NOW)
    assert model.sync == SyncState(True, 0, "")


def _banner(size, sync: SyncState | None) -> np.ndarray:
    state = LiveState(UiSection(), size, lambda: NOW, kiosk_name="door-B12")
    for event in [RecognitionState(True), CameraState(True), SessionChanged(session(), None, 3, 25)]:
        state.handle_event(event)
    if sync is not None:
        state.handle_event(sync)
    surface = pygame.Surface(size)
    state.update(0.1)
    state.draw(surface)
    return pygame.surfarray.array3d(surface)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_offline_state_is_drawn_in_the_banner_corner_only(size):
    pygame.font.init()
    plain = _banner(size, None)
    offline = _banner(size, SyncState(False, 12, "server unreachable"))
    changed = np.argwhere(np.any(plain != offline, axis=2))  # (x, y) pixels that differ
    assert len(changed) > 50
    w, h = size
    scale = max(1.0, min(w, h) / 720)
    if w > h:  # landscape: a thin strip at the top of the banner
        assert changed[:, 1].max() < 40 * scale
    else:  # portrait: just above the banner's bottom edge
        assert changed[:, 1].min() > 100 * scale and changed[:, 1].max() < 220 * scale
    assert changed[:, 0].min() > w * 0.4  # on the right-hand side
