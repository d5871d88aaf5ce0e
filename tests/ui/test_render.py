"""LiveState painting on plain pygame Surfaces: every scene at every size, and what lands where."""

import numpy as np
import pygame
import pytest

from kiosk.config import UiSection
from kiosk.messages.screen import (
    CameraState, CheckInPosted, FaceLabel, FacesSeen, LookAtCamera, Notice, RecognitionState, SessionChanged,
)
from kiosk.model import Frame, Status
from kiosk.ui import cards, text, theme as th
from kiosk.ui.states import LiveState
from kiosk.vision.base import FaceBox

from ui_support import NOW, SIZES, checkin, not_blank, session, synthetic_image

LONG_NAME = "Maximilian Alexander Fitzgerald-Worthington de la Cruz"


def live(size, **cfg) -> LiveState:
    state = LiveState(UiSection(**cfg), size, lambda: NOW, kiosk_name="door-B12")
    state.set_frame(Frame(synthetic_image(), 0.0, 1))
    return state


def scene_events(name: str) -> list:
    ready = [RecognitionState(True), CameraState(True)]
    active = ready + [SessionChanged(session(), None, 12, 25)]
    faces = FacesSeen(1, (
        FaceLabel(FaceBox(260, 100, 100, 120, 0.9), LONG_NAME, 0.8, True),
        FaceLabel(FaceBox(-30, -20, 90, 100, 0.8), None, None, True),  # half outside the frame
        FaceLabel(FaceBox(600, 300, 80, 90, 0.8), None, None, False),
    ))
    recent = [CheckInPosted(checkin(Status.PRESENT, name=f"Student {i} {LONG_NAME}")) for i in range(12)]
    return {
        "idle": ready + [SessionChanged(None, session(start=(10, 0), end=(11, 0)))],
        "idle_nothing_next": ready + [SessionChanged(None, None)],
        "no_class_for_room": ready + [SessionChanged(None, None, no_class_for_room=True)],
        "active_card": active + recent + [faces, CheckInPosted(checkin(Status.PRESENT, name=LONG_NAME))],
        "late": active + [CheckInPosted(checkin(Status.LATE))],
        "already": active + [CheckInPosted(checkin(Status.ALREADY))],
        "not_on_list": active + [CheckInPosted(checkin(Status.NOT_ON_ROSTER))],
        "stranger": active + [faces, CheckInPosted(checkin(Status.STRANGER, name=None))],
        "no_session_card": ready + [CheckInPosted(checkin(Status.NO_SESSION))],
        "hint": active + [LookAtCamera(), Notice("A very long notice " * 8, "error")],
        "ended": ready + [SessionChanged(session(state="ended"), None, 20, 25)],
        "clock_doubted": ready + [SessionChanged(session(), None, 12, 25, clock_reads=NOW.replace(day=3))],
        "clock_doubted_nothing_on": ready + [SessionChanged(None, None, clock_reads=NOW.replace(day=3))],
        "camera_down": active + [CameraState(False, "no frames from /dev/video0 for 5 s")],
        "starting": [],
    }[name]


SCENES = ["idle", "idle_nothing_next", "no_class_for_room", "active_card", "late", "already", "not_on_list", "stranger",
          "no_session_card", "hint", "ended", "camera_down", "starting", "clock_doubted", "clock_doubted_nothing_on"]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("scene", SCENES)
def test_scene_renders_at_size(size, scene):
    state = live(size, recent_count=30)
    if scene == "starting":
        state.feed.frame = None
    for event in scene_events(scene):
        state.handle_event(event)
    state.update(0.5)  # past the card's slide-in
    surface = pygame.Surface(size)
    state.draw(surface)
    assert not_blank(surface)
    feed = state.feed_rect()
    assert surface.get_rect().contains(feed)
    assert state.layout.banner.bottom <= feed.top


def colour_share(surface: pygame.Surface, rect: pygame.Rect, colour) -> float:
    pixels = pygame.surfarray.array3d(surface.subsurface(rect))
    return float(np.all(pixels == np.array(colour), axis=2).mean())


@pytest.mark.parametrize("status, colour", [
    (Status.PRESENT, th.GREEN), (Status.LATE, th.AMBER), (Status.ALREADY, th.BLUE), (Status.STRANGER, th.GREY),
])
def test_card_colour_lands_on_the_lower_feed(status, colour):
    state = live((1280, 720))
    state.handle_event(CheckInPosted(checkin(status)))
    state.update(0.5)
    surface = pygame.Surface((1280, 720))
    state.draw(surface)
    feed = state.feed_rect()
    lower = pygame.Rect(feed.x, feed.centery + feed.h // 8, feed.w, feed.h // 3)
    assert colour_share(surface, lower, colour) > 0.3
    assert colour_share(surface, state.layout.panel, colour) < 0.01  # only the row icon


def test_feed_keeps_the_frame_aspect_in_both_orientations():
    for size in SIZES:
        for shape in ((360, 640), (480, 640), (720, 1280)):
            state = live(size)
            state.set_frame(Frame(np.zeros((*shape, 3), np.uint8), 0.0, 2))
            rect = state.feed_rect()
            assert abs(rect.w / rect.h - shape[1] / shape[0]) < 0.02
            assert state.layout.feed_area.contains(rect)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_camera_down_says_what_staff_can_check_not_the_title_twice(size, monkeypatch):
    state = live(size)
    state.handle_event(CameraState(False, "gone"))
    state.update(0.1)
    said = []
    fit = state.theme.text_fit
    monkeypatch.setattr(state.theme, "text_fit", lambda words, *a, **k: said.append(words) or fit(words, *a, **k))
    state.draw(pygame.Surface(size))
    assert said.count(text.CAMERA_UNAVAILABLE) == 1 and text.CAMERA_UNAVAILABLE_DETAIL in said
    detail_w = state.theme.font("notice_detail").size(text.CAMERA_UNAVAILABLE_DETAIL)[0]
    assert detail_w <= state.feed_rect().w - state.theme.px(40)  # said in full


def test_camera_down_covers_the_feed():
    state = live((1280, 720))
    state.handle_event(CameraState(False, "gone"))
    state.update(0.1)
    surface = pygame.Surface((1280, 720))
    state.draw(surface)
    assert colour_share(surface, state.feed_rect(), th.FEED_BG) > 0.8


def test_face_boxes_are_drawn_at_the_scaled_position():
    state = live((1280, 720))
    box = FaceBox(320, 180, 64, 64, 0.9)  # centre of a 640x360 frame
    state.handle_event(FacesSeen(1, (FaceLabel(box, "Maya Chen", 0.9, True),)))
    state.update(0.05)
    surface = pygame.Surface((1280, 720))
    state.draw(surface)
    feed = state.feed_rect()
    scale = feed.w / 640
    left_edge = (round(feed.x + 320 * scale) + 1, round(feed.y + (180 + 32) * scale))
    assert tuple(surface.get_at(left_edge))[:3] == th.GREEN_BRIGHT


def test_gray_and_bgra_frames_are_shown():
    for image in (np.full((120, 160), 128, np.uint8), np.full((120, 160, 4), 200, np.uint8)):
        state = live((1024, 600))
        state.set_frame(Frame(image, 0.0, 5))
        surface = pygame.Surface((1024, 600))
        state.draw(surface)
        assert surface.get_at(state.feed_rect().center)[:3] != th.FEED_BG


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_clock_notice_stays_whole_and_stays_up(size):
    """Not a toast cut short with '…' that goes after 5 s: every word, on lines that fit, for as long
    as the scheduler doubts the clock."""
    state = live(size)
    state.handle_event(SessionChanged(session(), None, 12, 25, clock_reads=NOW.replace(day=3)))
    state.update(60.0)
    words = state.model.clock_notice
    font = state.theme.font("toast")
    room = state.feed_rect().w - 2 * state.theme.px(12) - 2 * state.theme.px(16)
    lines = cards.wrap(font, words, room)
    assert " ".join(lines) == words and all(font.size(line)[0] <= room for line in lines) and len(lines) <= 4
    surface = pygame.Surface(size)
    state.draw(surface)
    top = pygame.Rect(state.feed_rect().x, state.feed_rect().y, state.feed_rect().w, state.theme.px(40))
    assert colour_share(surface, top, th.AMBER) > 0.005  # the notice's frame, over the top of the feed
    state.handle_event(SessionChanged(session(), None, 12, 25))
    assert state.model.clock_notice == ""
