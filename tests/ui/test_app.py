"""The real app loop on the dummy SDL display, fed by a synthetic camera."""

import threading

import pygame
import pytest

from kiosk.config import UiSection
from kiosk.messages.screen import (
    CameraState, CheckInPosted, FaceLabel, FacesSeen, Notice, RecognitionState, SessionChanged,
)
from kiosk.model import Status
from kiosk.ui.app import QUIT_KEYS_HELP, KioskApp
from kiosk.vision.base import FaceBox
from tests.lanes_support import ScreenLanes

from ui_support import NOW, SIZES, SyntheticCamera, checkin, not_blank, post_key, session

CTRL_SHIFT = pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT
LONG = 20.0  # only reached if quitting is broken


def make_app(camera, windowed=False, size=(1280, 720), **cfg):
    events = ScreenLanes()
    stop = threading.Event()
    ui = UiSection(width=size[0], height=size[1], confirm_s=cfg.pop("confirm_s", 30.0), **cfg)
    app = KioskApp(ui, camera, events, stop, lambda: NOW, windowed=windowed, kiosk_name="door-B12")
    return app, events, stop


def busy_class(events: ScreenLanes) -> None:
    events.put(RecognitionState(True))
    events.put(CameraState(True))
    events.put(SessionChanged(session(), None, 12, 25))
    for i, name in enumerate(["Tom Okafor", "Priya Natarajan", "Lucas Meyer"]):
        events.put(CheckInPosted(checkin(Status.PRESENT, name=name, when=(9, 1 + i))))
    face = FaceLabel(FaceBox(260, 100, 100, 120, 0.9), "Maya Chen", 0.81, True)
    events.put(FacesSeen(1, (face,)))
    events.put(CheckInPosted(checkin(Status.PRESENT, when=(9, 28))))


def test_fullscreen_run_shows_card_recent_list_banner_and_writes_a_screenshot(tmp_path, camera):
    app, events, stop = make_app(camera)
    busy_class(events)
    stats = app.run(exit_after=0.4)
    live = app.live
    assert live.card.title == "Checked in: Maya Chen"
    assert [c.name for c in live.model.recent] == ["Maya Chen", "Lucas Meyer", "Priya Natarajan", "Tom Okafor"]
    assert live.model.state_word == "ACTIVE"
    assert live.model.present_count == 12
    assert stats.frames_shown > 0 and len(stats.frame_ms) == stats.frames_shown
    assert sum(stats.frame_ms_histogram.values()) == stats.frames_shown
    assert not stop.is_set()  # exit_after leaves the shared stop alone
    path = app.save_screenshot(tmp_path / "shot.png")
    image = pygame.image.load(str(path))
    assert image.get_size() == live.layout.size  # the display's own size in fullscreen
    assert not_blank(image)


def test_events_posted_while_running_are_drained_every_tick(camera):
    app, events, _ = make_app(camera, windowed=True)
    camera.on_call[4] = lambda: events.put(CheckInPosted(checkin(Status.LATE, when=(9, 12))))
    camera.on_call[6] = lambda: events.put(Notice("Backup finished"))
    app.run(exit_after=0.4)
    assert camera.calls > 6
    assert app.live.card.title == "Late: Maya Chen"
    assert app.live.model.toast.text == "Backup finished"


def test_dropped_camera_frames_are_counted():
    camera = SyntheticCamera(step=3)  # the UI sees every third index
    app, _, _ = make_app(camera, windowed=True)
    stats = app.run(exit_after=0.3)
    assert stats.camera_frames_shown > 2
    assert stats.dropped_frames == 2 * (stats.camera_frames_shown - 1)


def test_ctrl_shift_q_quits_fullscreen_and_sets_stop(camera):
    app, _, stop = make_app(camera)
    camera.on_call[3] = lambda: post_key(pygame.K_q, CTRL_SHIFT)
    app.run(exit_after=LONG)
    assert stop.is_set()
    assert QUIT_KEYS_HELP == "Ctrl+Shift+Q"


@pytest.mark.parametrize("key, mod", [(pygame.K_ESCAPE, 0), (pygame.K_q, pygame.KMOD_LCTRL), (pygame.K_q, 0)])
def test_escape_and_other_keys_do_not_quit_fullscreen(camera, key, mod):
    app, _, stop = make_app(camera)
    camera.on_call[3] = lambda: post_key(key, mod)
    camera.on_call[4] = lambda: pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.run(exit_after=0.3)
    assert camera.calls > 5  # the loop went on after the keys and the close request
    assert not stop.is_set()


def test_escape_quits_windowed(camera):
    app, _, stop = make_app(camera, windowed=True)
    camera.on_call[3] = lambda: post_key(pygame.K_ESCAPE)
    app.run(exit_after=LONG)
    assert stop.is_set()


def test_window_close_quits_windowed(camera):
    app, _, stop = make_app(camera, windowed=True)
    camera.on_call[3] = lambda: pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.run(exit_after=LONG)
    assert stop.is_set()


def test_config_fullscreen_false_opens_a_window_of_the_configured_size(camera):
    app, _, _ = make_app(camera, size=(1024, 600), fullscreen=False)
    app.run(exit_after=0.1)
    assert app.live.layout.size == (1024, 600)


def test_stop_set_by_another_thread_ends_the_loop(camera):
    app, _, stop = make_app(camera, windowed=True)
    camera.on_call[3] = stop.set
    app.run(exit_after=LONG)
    assert camera.calls == 3


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_layout_size_renders(tmp_path, camera, size):
    app, events, _ = make_app(camera, windowed=True, size=size)
    busy_class(events)
    events.put(CameraState(False, "no frames for 5 s"))
    events.put(Notice("Camera reconnecting", "warning"))
    app.run(exit_after=0.25)
    assert app.live.layout.size == size
    assert app.live.layout.portrait == (size[1] > size[0])
    shot = pygame.image.load(str(app.save_screenshot(tmp_path / "shot.png")))
    assert shot.get_size() == size and not_blank(shot)
