"""Shared pieces of the enrolment screens: the header, the body area, a column
cursor, text fields and one-line messages. Painting only reads its arguments."""

from __future__ import annotations

import pygame
from pygame import Rect

from kiosk.ui import theme as th
from kiosk.ui.enrol import phrases
from kiosk.ui.icons import icon
from kiosk.ui.theme import Theme

FIELD = "field"  # a Button kind drawn by the step's painter (a text field's tap area), not by draw_button


class Column:
    """Hands out rects top to bottom inside one column."""

    def __init__(self, rect: Rect):
        self.rect = rect
        self.y = rect.y

    def take(self, height: int, gap_after: int = 0) -> Rect:
        piece = Rect(self.rect.x, self.y, self.rect.w, height)
        self.y += height + gap_after
        return piece


def header_rect(t: Theme) -> Rect:
    return Rect(0, 0, t.size[0], t.px(84))


def body_rect(t: Theme) -> Rect:
    pad = t.px(24)
    top = header_rect(t).bottom + pad
    return Rect(pad, top, t.size[0] - 2 * pad, t.size[1] - top - pad)


def close_rect(t: Theme) -> Rect:
    rect = Rect(0, 0, t.px(160), t.px(56))
    rect.midright = (header_rect(t).right - t.px(24), header_rect(t).centery)
    return rect


def draw_header(surface: pygame.Surface, s) -> None:
    t = s.theme
    head = header_rect(t)
    surface.fill(th.SURFACE, head)
    pygame.draw.line(surface, th.LINE, head.bottomleft, (head.right, head.bottom))
    title = t.text(phrases.ENROL_TITLE, "banner_title", th.TEXT, bold=True)
    surface.blit(title, title.get_rect(midleft=(t.px(24), head.centery)))
    steps_left = t.px(24) + title.get_width() + t.px(32)
    room = head.w - steps_left - close_rect(t).w - t.px(48)
    if room > t.px(300):
        _draw_steps(surface, t, Rect(steps_left, head.y, room, head.h), s.step)


def _draw_steps(surface: pygame.Surface, t: Theme, rect: Rect, step: str) -> None:
    """'1 Who · 2 Photos · 3 Saved': done ones ticked, the current one highlighted."""
    order = [name for name, _ in phrases.ENROL_STEPS]
    current = order.index({"saving": "done", "refused": "done"}.get(step, step))
    x = rect.x
    for i, (_, words) in enumerate(phrases.ENROL_STEPS):
        colour = th.WHITE if i == current else th.GREEN_BRIGHT if i < current else th.TEXT_MUTED
        label = t.text(words, "banner_detail", colour, bold=i == current)
        mark = icon(t, "check", t.px(22), colour) if i < current else None
        width = label.get_width() + t.px(28) + (mark.get_width() + t.px(8) if mark else 0)
        pill = Rect(x, 0, width, t.px(44))
        pill.centery = rect.centery
        if pill.right > rect.right:
            return
        if i == current:
            pygame.draw.rect(surface, th.BLUE, pill, border_radius=pill.h // 2)
        inner_x = pill.x + t.px(14)
        if mark:
            surface.blit(mark, mark.get_rect(midleft=(inner_x, pill.centery)))
            inner_x += mark.get_width() + t.px(8)
        surface.blit(label, label.get_rect(midleft=(inner_x, pill.centery)))
        x = pill.right + t.px(12)


def draw_message(surface: pygame.Surface, t: Theme, rect: Rect, words: str, colour=th.RED_BRIGHT,
                 icon_name: str = "cross") -> None:
    """One line with an icon in front (never colour alone)."""
    if not words:
        return
    mark = icon(t, icon_name, t.px(24), th.TEXT_DARK, disc=colour)
    surface.blit(mark, mark.get_rect(midleft=(rect.x, rect.centery)))
    line = t.text_fit(words, "row_detail", colour, rect.w - mark.get_width() - t.px(10), min_ratio=0.75)
    surface.blit(line, line.get_rect(midleft=(rect.x + mark.get_width() + t.px(10), rect.centery)))


def draw_field(surface: pygame.Surface, t: Theme, label_rect: Rect, box: Rect, label: str, value: str,
               placeholder: str, focused: bool) -> None:
    """A labelled text box; the focused one has a bright border and a caret."""
    surface.blit(t.text_fit(label, "row_detail", th.TEXT_MUTED, label_rect.w), label_rect.topleft)
    pygame.draw.rect(surface, th.SURFACE_HI, box, border_radius=t.px(12))
    border = (th.BLUE_BRIGHT, t.px(3)) if focused else (th.LINE, max(1, t.px(2)))
    pygame.draw.rect(surface, border[0], box, border[1], border_radius=t.px(12))
    room = box.w - t.px(32)
    if value:
        words = t.text_fit(value + ("▏" if focused else ""), "row_name", th.TEXT, room, min_ratio=0.8)
    else:
        words = t.text_fit(("▏" if focused else "") + placeholder, "row_name", th.TEXT_MUTED, room, min_ratio=0.8)
    surface.blit(words, words.get_rect(midleft=(box.x + t.px(16), box.centery)))
