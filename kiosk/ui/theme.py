"""Colours, type sizes and cached text for one screen size.

Sizes are written for a 720-pixel short side and scaled to the real screen,
so 1024x600, 1920x1080 and a 720x1280 portrait panel all keep proportions.
Fonts are local files only: DejaVu/Noto/Liberation if installed, else
pygame's bundled default. Rendered text is cached because font rendering
is the slowest thing the screen does.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import pygame

from kiosk.fonts import system_font_file

log = logging.getLogger(__name__)

Colour = tuple[int, int, int]

BG: Colour = (12, 16, 22)
SURFACE: Colour = (22, 28, 37)
SURFACE_HI: Colour = (31, 39, 50)
LINE: Colour = (48, 58, 72)
TEXT: Colour = (242, 245, 248)
TEXT_MUTED: Colour = (163, 175, 190)
TEXT_DARK: Colour = (22, 22, 22)
FEED_BG: Colour = (6, 8, 11)

GREEN: Colour = (30, 140, 78)  # white text on it: contrast above 4.5
GREEN_BRIGHT: Colour = (72, 206, 124)  # on the dark background
AMBER: Colour = (245, 176, 46)  # dark text on it
BLUE: Colour = (44, 106, 214)
BLUE_BRIGHT: Colour = (110, 164, 255)
GREY: Colour = (84, 94, 108)
RED: Colour = (206, 64, 56)
RED_BRIGHT: Colour = (255, 120, 110)
WHITE: Colour = (255, 255, 255)

BASE_SHORT_SIDE = 720
# How many pre-drawn surfaces of each kind to keep (LRU); others default to 256.
SHAPE_LIMITS = {"card": 4, "card-shadow": 4, "toast": 4, "tag": 64}

# Type sizes in pixels at BASE_SHORT_SIDE.
SIZE = {
    "card_title": 50,
    "card_detail": 28,
    "banner_title": 36,
    "banner_detail": 23,
    "banner_big": 34,
    "pill": 22,
    "clock": 40,
    "date": 21,
    "panel_header": 19,
    "row_name": 25,
    "row_detail": 20,
    "status": 19,
    "prompt": 26,
    "face_label": 22,
    "notice_title": 40,
    "notice_detail": 24,
    "toast": 22,
}

def find_font_file(bold: bool) -> str | None:
    """A local sans-serif TTF, or None for pygame's bundled default font."""
    found = system_font_file(bold) or pygame.font.match_font(
        "dejavusans,notosans,liberationsans,freesans,arial", bold=bold)
    return found or None


class Theme:
    """Fonts, sizes and a text-surface cache for one screen size."""

    def __init__(self, size: tuple[int, int], cache_limit: int = 600):
        if not pygame.font.get_init():
            pygame.font.init()
        self.size = size
        self.scale = min(size) / BASE_SHORT_SIDE
        self.portrait = size[1] > size[0]
        self._files = {bold: find_font_file(bold) for bold in (False, True)}
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._cache: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        self._limit = cache_limit
        self._shapes: dict[str, OrderedDict[tuple, pygame.Surface]] = {}
        self._fitted: dict[tuple, tuple[str, int]] = {}
        log.debug("theme for %s: scale %.2f, fonts %s", size, self.scale, self._files)

    def px(self, value: float) -> int:
        return max(1, round(value * self.scale))

    def font(self, role_or_px: str | int, bold: bool = False) -> pygame.font.Font:
        """The font for a SIZE role (scaled) or an exact pixel size."""
        px = self.px(SIZE[role_or_px]) if isinstance(role_or_px, str) else role_or_px
        key = (px, bold)
        if key not in self._fonts:
            self._fonts[key] = pygame.font.Font(self._files[bold], px)
        return self._fonts[key]

    def text(self, text: str, role: str | int, colour: Colour, bold: bool = False) -> pygame.Surface:
        """Anti-aliased text on a transparent background, cached."""
        px = self.px(SIZE[role]) if isinstance(role, str) else role
        key = (text, px, bold, colour)
        surf = self._cache.get(key)
        if surf is None:
            surf = self.font(px, bold).render(text, True, colour)
            self._cache[key] = surf
            if len(self._cache) > self._limit:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return surf

    def text_fit(self, text: str, role: str, colour: Colour, max_w: int, bold: bool = False,
                 min_ratio: float = 0.7) -> pygame.Surface:
        """Text no wider than max_w: shrunk down to min_ratio of its size, then cut with '…'."""
        key = (text, role, max_w, bold, min_ratio)
        fitted = self._fitted.get(key)
        if fitted is None:  # measuring is cheap but not free; banner and rows ask every frame
            base = self.px(SIZE[role])
            px = base
            while px > base * min_ratio and self.font(px, bold).size(text)[0] > max_w:
                px -= max(1, base // 20)
            fitted = (ellipsize(self.font(px, bold), text, max_w), px)
            if len(self._fitted) > self._limit:
                self._fitted.clear()
            self._fitted[key] = fitted
        return self.text(fitted[0], fitted[1], colour, bold)

    def shape(self, key: tuple, make) -> pygame.Surface:
        """A cached pre-drawn surface (icons, cards, tags): make() runs once per key.

        key[0] names a group; each group is its own small LRU so big one-off
        surfaces (a card per check-in, all day long) cannot pile up.
        """
        group = self._shapes.setdefault(key[0], OrderedDict())
        surf = group.get(key)
        if surf is None:
            surf = group[key] = make()
            if len(group) > SHAPE_LIMITS.get(key[0], 256):
                group.popitem(last=False)
        else:
            group.move_to_end(key)
        return surf


def ellipsize(font: pygame.font.Font, text: str, max_w: int) -> str:
    if max_w <= 0 or font.size(text)[0] <= max_w:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if font.size(text[:mid].rstrip() + "…")[0] <= max_w:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def wrap(font: pygame.font.Font, text: str, max_w: int) -> list[str]:
    """Lines no wider than max_w, broken at spaces; a word wider than a line (a long path) is
    broken inside, so nothing is ever cut off."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if font.size(joined)[0] <= max_w:
            line = joined
            continue
        if line:
            lines.append(line)
        while len(word) > 1 and font.size(word)[0] > max_w:
            cut = next(n for n in range(len(word) - 1, 0, -1) if n == 1 or font.size(word[:n])[0] <= max_w)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    return lines + [line] if line else lines


def mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]
