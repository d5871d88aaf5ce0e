"""Shared helpers for the screen tests: a synthetic camera, sample sessions and check-ins."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pygame

from kiosk.model import CheckIn, Frame, SessionInfo, Status

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 3, 4, 9, 28, tzinfo=TZ)
SIZES = [(1024, 600), (1280, 720), (1920, 1080), (720, 1280)]


def at(hour: int, minute: int) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


def session(state: str = "active", code: str = "CS101", name: str = "Intro to Programming",
            start=(9, 0), end=(10, 0)) -> SessionInfo:
    starts = at(*start)
    return SessionInfo(f"{code}-{starts:%H%M}", code, name, "B12", starts, at(*end),
                       starts - timedelta(minutes=10), state)


def checkin(status: Status, name: str | None = "Maya Chen", when=(9, 2), person: str | None = None) -> CheckIn:
    pid = person or (name.lower().replace(" ", "-") if name else None)
    return CheckIn(status, pid, name, "CS101-0900", "CS101", at(*when))


def synthetic_image(w: int = 640, h: int = 360) -> np.ndarray:
    """A gradient with a bright 'face' block: never a flat, blank-looking picture."""
    image = np.zeros((h, w, 3), np.uint8)
    image[:, :, 0] = np.linspace(40, 200, w, dtype=np.uint8)[None, :]
    image[:, :, 1] = np.linspace(30, 120, h, dtype=np.uint8)[:, None]
    image[100:220, 260:360] = (120, 170, 230)
    return image


class SyntheticCamera:
    """`latest_frame` for the app: a new Frame per call, optionally skipping indices,
    and a hook that runs on a given call (to post pygame input once the display is up)."""

    def __init__(self, image: np.ndarray | None = None, step: int = 1):
        self.image = synthetic_image() if image is None else image
        self.step = step
        self.calls = 0
        self.index = 0
        self.on_call: dict[int, callable] = {}

    def __call__(self) -> Frame:
        self.calls += 1
        if self.calls in self.on_call:
            self.on_call[self.calls]()
        frame = Frame(self.image, 0.0, self.index)
        self.index += self.step
        return frame


def post_key(key: int, mod: int = 0) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))


def post_text(keys: tuple[int, ...]) -> None:
    """Letters typed: one KEYDOWN each, with its character."""
    for key in keys:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=pygame.key.name(key),
                                             scancode=0))


def not_blank(surface: pygame.Surface) -> bool:
    pixels = pygame.surfarray.array3d(surface)
    return pixels.std() > 10 and len(np.unique(pixels.reshape(-1, 3)[::97], axis=0)) > 20
