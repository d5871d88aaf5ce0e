"""Touch widgets for the instructor overlay: buttons, the dimmed backdrop, count tiles.

Buttons are plain data (rect, label, what happens) built by a state in
update/handle_input; drawing only reads them. Hit-testing works for the
mouse and for touch screens (SDL turns taps into mouse clicks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pygame
from pygame import Rect

from kiosk.ui import theme as th
from kiosk.ui.icons import icon
from kiosk.ui.theme import Theme

# Button kind -> (background, text colour).
BUTTON_STYLE = {
    "key": (th.SURFACE_HI, th.TEXT),
    "plain": (th.SURFACE_HI, th.TEXT),
    "primary": (th.BLUE, th.WHITE),
    "danger": (th.RED, th.WHITE),
    "good": (th.GREEN, th.WHITE),
    "warn": (th.AMBER, th.TEXT_DARK),
}
DISABLED = (th.SURFACE, th.TEXT_MUTED)


@dataclass(frozen=True)
class Button:
    rect: Rect
    label: str
    action: Callable[[], None]
    kind: str = "plain"
    enabled: bool = True
    icon: str | None = None
    role: str = "row_name"  # type size of the label


def hit(buttons: list[Button], pos: tuple[int, int]) -> Button | None:
    for button in buttons:
        if button.enabled and button.rect.collidepoint(pos):
            return button
    return None


def is_click(event: pygame.event.Event) -> bool:
    return event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 1) == 1


def press(buttons: list[Button], event: pygame.event.Event) -> None:
    """Run the action of the enabled button under a click or tap, if there is one."""
    if is_click(event):
        button = hit(buttons, event.pos)
        if button is not None:
            button.action()


def draw_button(surface: pygame.Surface, theme: Theme, button: Button) -> None:
    bg, fg = BUTTON_STYLE[button.kind] if button.enabled else DISABLED
    rect = button.rect
    pygame.draw.rect(surface, bg, rect, border_radius=theme.px(14))
    if not button.enabled:
        pygame.draw.rect(surface, th.LINE, rect, 1, border_radius=theme.px(14))
    mark = icon(theme, button.icon, theme.px(26), fg) if button.icon else None
    room = rect.w - theme.px(24) - (mark.get_width() + theme.px(10) if mark else 0)
    label = theme.text_fit(button.label, button.role, fg, room, bold=True, min_ratio=0.6)
    width = label.get_width() + (mark.get_width() + theme.px(10) if mark else 0)
    x = rect.centerx - width // 2
    if mark:
        surface.blit(mark, mark.get_rect(midleft=(x, rect.centery)))
        x += mark.get_width() + theme.px(10)
    surface.blit(label, label.get_rect(midleft=(x, rect.centery)))


def draw_backdrop(surface: pygame.Surface, theme: Theme, alpha: int = 180) -> None:
    """Dim what is below (the live view keeps updating under it)."""
    size = surface.get_size()
    shade = theme.shape(("dim", size, alpha), lambda: _shade(size, alpha))
    surface.blit(shade, (0, 0))


def _shade(size, alpha: int) -> pygame.Surface:
    shade = pygame.Surface(size, pygame.SRCALPHA)
    shade.fill((*th.BG, alpha))
    return shade


def panel_rect(theme: Theme, size: tuple[int, int], max_w: int = 820) -> Rect:
    w, h = size
    pw = min(w - 2 * theme.px(16), theme.px(max_w))
    ph = min(h - 2 * theme.px(16), theme.px(680))
    return Rect((w - pw) // 2, (h - ph) // 2, pw, ph)


def draw_panel(surface: pygame.Surface, theme: Theme, rect: Rect) -> None:
    pygame.draw.rect(surface, th.SURFACE, rect, border_radius=theme.px(22))
    pygame.draw.rect(surface, th.LINE, rect, max(1, theme.px(2)), border_radius=theme.px(22))


def draw_counts(surface: pygame.Surface, theme: Theme, rect: Rect,
                tiles: list[tuple[str, int, tuple[int, int, int], str]]) -> None:
    """Tiles of (word, number, accent colour, icon): a big number with a word and icon under it."""
    gap = theme.px(12)
    tile_w = (rect.w - gap * (len(tiles) - 1)) // len(tiles)
    for i, (word, number, colour, icon_name) in enumerate(tiles):
        tile = Rect(rect.x + i * (tile_w + gap), rect.y, tile_w, rect.h)
        pygame.draw.rect(surface, th.SURFACE_HI, tile, border_radius=theme.px(14))
        pygame.draw.rect(surface, colour, (tile.x, tile.y, theme.px(6), tile.h),
                         border_top_left_radius=theme.px(14), border_bottom_left_radius=theme.px(14))
        big = theme.text(str(number), "card_title", th.TEXT, bold=True)
        mark = icon(theme, icon_name, theme.px(26), th.TEXT_DARK, disc=colour)
        label = theme.text_fit(word, "row_detail", th.TEXT_MUTED, tile.w - mark.get_width() - theme.px(30))
        total = big.get_height() + theme.px(4) + max(label.get_height(), mark.get_height())
        y = tile.centery - total // 2
        surface.blit(big, big.get_rect(midtop=(tile.centerx, y)))
        row_w = mark.get_width() + theme.px(8) + label.get_width()
        x = tile.centerx - row_w // 2
        cy = y + big.get_height() + theme.px(4) + mark.get_height() // 2
        surface.blit(mark, mark.get_rect(midleft=(x, cy)))
        surface.blit(label, label.get_rect(midleft=(x + mark.get_width() + theme.px(8), cy)))


def lock_icon(theme: Theme, diameter: int, colour) -> pygame.Surface:
    """A padlock, drawn supersampled once and cached."""
    return theme.shape(("lock", diameter, colour), lambda: _lock(diameter, colour))


def _lock(d: int, colour) -> pygame.Surface:
    s = 3
    big = pygame.Surface((d * s, d * s), pygame.SRCALPHA)
    u = d * s
    body = Rect(round(0.18 * u), round(0.45 * u), round(0.64 * u), round(0.45 * u))
    pygame.draw.rect(big, colour, body, border_radius=round(0.08 * u))
    shackle = Rect(round(0.3 * u), round(0.1 * u), round(0.4 * u), round(0.6 * u))
    pygame.draw.ellipse(big, colour, shackle, max(2, round(0.09 * u)))
    pygame.draw.circle(big, (*th.SURFACE, 255), (body.centerx, body.centery - round(0.03 * u)), round(0.06 * u))
    return pygame.transform.smoothscale(big, (d, d))
