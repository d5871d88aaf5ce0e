"""The live camera picture: BGR frame -> scaled surface, face boxes, rounded corners.

A new frame costs one cv2.resize into the target size and a zero-copy
pygame.image.frombuffer over the BGR bytes; the surface is reused until the
frame index or the target size changes.
"""

from __future__ import annotations

import cv2
import numpy as np
import pygame
from pygame import Rect

from kiosk.messages.screen import FaceLabel
from kiosk.model import Frame
from kiosk.ui import text, theme as th
from kiosk.ui.theme import Theme


class FeedView:
    """Holds the newest frame and its scaled surface."""

    def __init__(self) -> None:
        self.frame: Frame | None = None
        self._key: tuple | None = None
        self._surface: pygame.Surface | None = None
        self._pixels: np.ndarray | None = None  # frombuffer borrows this memory

    def set_frame(self, frame: Frame | None) -> None:
        if frame is not None:
            self.frame = frame

    @property
    def frame_size(self) -> tuple[int, int] | None:
        if self.frame is None:
            return None
        h, w = self.frame.image.shape[:2]
        return w, h

    @property
    def aspect(self) -> float | None:
        size = self.frame_size
        return size[0] / size[1] if size and size[1] else None

    def surface_for(self, size: tuple[int, int]) -> pygame.Surface | None:
        frame = self.frame
        if frame is None or size[0] <= 0 or size[1] <= 0:
            return None
        key = (frame.index, id(frame.image), size)
        if key != self._key:
            self._pixels = _scaled_bgr(frame.image, size)
            self._surface = pygame.image.frombuffer(self._pixels.data, size, "BGR")
            self._key = key
        return self._surface

    def draw(self, surface: pygame.Surface, rect: Rect) -> bool:
        """Blit the current frame into rect; False when there is nothing to show yet."""
        picture = self.surface_for(rect.size)
        if picture is None:
            return False
        surface.blit(picture, rect)
        return True


def _scaled_bgr(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    h, w = image.shape[:2]
    if (w, h) == size:
        return np.ascontiguousarray(image)
    shrink = size[0] < w
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def round_corners(surface: pygame.Surface, rect: Rect, radius: int, theme: Theme, bg=th.BG) -> None:
    """Paint the four outside corners of rect in the background colour (cheap rounded frame)."""
    if radius < 2:
        return
    mask = theme.shape(("corner", radius, bg), lambda: _corner_mask(radius, bg))
    surface.blit(mask, rect.topleft)
    surface.blit(_flipped(theme, mask, radius, bg, "tr"), (rect.right - radius, rect.top))
    surface.blit(_flipped(theme, mask, radius, bg, "bl"), (rect.left, rect.bottom - radius))
    surface.blit(_flipped(theme, mask, radius, bg, "br"), (rect.right - radius, rect.bottom - radius))


def _flipped(theme: Theme, mask: pygame.Surface, radius: int, bg, which: str) -> pygame.Surface:
    flips = {"tr": (True, False), "bl": (False, True), "br": (True, True)}[which]
    return theme.shape(("corner", radius, bg, which), lambda: pygame.transform.flip(mask, *flips))


def _corner_mask(radius: int, bg) -> pygame.Surface:
    scale = 4
    big = pygame.Surface((radius * scale, radius * scale), pygame.SRCALPHA)
    big.fill((*bg, 255))
    pygame.draw.circle(big, (0, 0, 0, 0), (radius * scale, radius * scale), radius * scale)
    return pygame.transform.smoothscale(big, (radius, radius))


def draw_faces(surface: pygame.Surface, feed: Rect, frame_size: tuple[int, int], faces: tuple[FaceLabel, ...],
               alpha: float, theme: Theme, show_scores: bool, age: float | None = None) -> None:
    """Boxes (and name tags for confirmed faces) scaled from frame pixels into the feed rect.
    `age`: the boxes were found in a frame this many seconds older than the one shown."""
    if not faces or alpha <= 0 or not frame_size[0]:
        return
    scale = feed.w / frame_size[0]
    old_clip = surface.get_clip()
    surface.set_clip(feed)
    for face in faces:
        box = face.box
        rect = Rect(round(feed.x + box.x * scale), round(feed.y + box.y * scale),
                    max(2, round(box.w * scale)), max(2, round(box.h * scale)))
        label = text.face_label(face.name, face.score, face.confirmed, show_scores, face.liveness, age)
        _draw_face(surface, feed, rect, label, face, alpha, theme)
    surface.set_clip(old_clip)


def _face_style(face: FaceLabel) -> tuple[tuple, tuple, int]:
    """(box colour, tag text colour, line width at base scale)."""
    if not face.confirmed:
        return th.WHITE, th.TEXT_DARK, 2
    if face.name is None:
        return th.AMBER, th.TEXT_DARK, 4
    return th.GREEN_BRIGHT, th.TEXT_DARK, 4


def _draw_face(surface, feed: Rect, rect: Rect, label: str | None, face: FaceLabel, alpha: float,
               theme: Theme) -> None:
    colour, ink, width = _face_style(face)
    tag = _tag_surface(theme, label, colour, ink) if label else None
    tag_pos = _tag_position(feed, rect, tag, theme) if tag else None
    bounds = rect.union(Rect(tag_pos, tag.get_size())) if tag else rect.copy()
    bounds.inflate_ip(4, 4)
    target, origin = surface, (0, 0)
    if alpha < 1.0:  # fade: draw on a small transparent layer, blit it with alpha
        target = pygame.Surface(bounds.size, pygame.SRCALPHA)
        origin = bounds.topleft
    local = rect.move(-origin[0], -origin[1])
    radius = theme.px(10)
    pygame.draw.rect(target, colour, local, theme.px(width), border_radius=radius)
    if tag:
        target.blit(tag, (tag_pos[0] - origin[0], tag_pos[1] - origin[1]))
    if target is not surface:
        target.set_alpha(round(255 * alpha))
        surface.blit(target, origin)


def _tag_surface(theme: Theme, label: str, colour, ink) -> pygame.Surface:
    def make() -> pygame.Surface:
        words = theme.text_fit(label, "face_label", ink, theme.px(440), bold=True, min_ratio=0.85)
        pad_x, pad_y = theme.px(12), theme.px(5)
        tag = pygame.Surface((words.get_width() + 2 * pad_x, words.get_height() + 2 * pad_y), pygame.SRCALPHA)
        pygame.draw.rect(tag, colour, tag.get_rect(), border_radius=theme.px(8))
        tag.blit(words, (pad_x, pad_y))
        return tag

    return theme.shape(("tag", label, colour), make)


def _tag_position(feed: Rect, box: Rect, tag: pygame.Surface, theme: Theme) -> tuple[int, int]:
    gap = theme.px(6)
    x = min(max(box.x, feed.x + gap), feed.right - tag.get_width() - gap)
    y = box.y - tag.get_height() - gap
    if y < feed.y + gap:  # no room above: hang it under the box
        y = min(box.bottom + gap, feed.bottom - tag.get_height() - gap)
    return x, y
