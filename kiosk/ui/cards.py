"""Things laid over the feed: the big confirmation card, the look-at-camera hint,
toasts for Notice events, and the camera-unavailable / starting notices.

A card is rendered once into its own surface (supersampled rounded corners,
icon, text) and then only blitted, sliding in and fading out by its age.
"""

from __future__ import annotations

import math

import pygame
from pygame import Rect

from kiosk.ui import text, theme as th
from kiosk.ui.icons import icon
from kiosk.ui.model import Card, CardKind, Toast, TOAST_S
from kiosk.ui.theme import Theme, mix

SLIDE_S = 0.18
FADE_OUT_S = 0.25

# Card kind -> (background, text colour, icon, icon disc colour, glyph colour).
CARD_STYLE = {
    CardKind.PRESENT: (th.GREEN, th.WHITE, "check", th.WHITE, th.GREEN),
    CardKind.LATE: (th.AMBER, th.TEXT_DARK, "clock", th.TEXT_DARK, th.AMBER),
    CardKind.ALREADY: (th.BLUE, th.WHITE, "info", th.WHITE, th.BLUE),
    CardKind.NOT_ON_ROSTER: (th.AMBER, th.TEXT_DARK, "warning", th.TEXT_DARK, th.AMBER),
    CardKind.STRANGER: (th.GREY, th.WHITE, "question", th.RED, th.WHITE),
    CardKind.NO_SESSION: (th.GREY, th.WHITE, "no_entry", th.WHITE, th.GREY),
    CardKind.HINT: (th.SURFACE_HI, th.TEXT, "face", None, th.TEXT),
    CardKind.LIVENESS: (th.AMBER, th.TEXT_DARK, "face", th.TEXT_DARK, th.AMBER),
}
TOAST_STYLE = {"info": (th.BLUE_BRIGHT, "info"), "warning": (th.AMBER, "warning"), "error": (th.RED_BRIGHT, "cross")}


def card_width(feed: Rect, theme: Theme, kind: CardKind) -> int:
    return min(feed.w - 2 * theme.px(18), theme.px(760 if kind is CardKind.HINT else 900))


def place_card(feed: Rect, theme: Theme, size: tuple[int, int]) -> Rect:
    """Low on the feed, over the body rather than the face, in both orientations."""
    rect = Rect((0, 0), size)
    rect.midbottom = (feed.centerx, feed.bottom - theme.px(18))
    return rect


def draw_card(surface: pygame.Surface, feed: Rect, theme: Theme, card: Card, now: float) -> None:
    width = card_width(feed, theme, card.kind)
    image = theme.shape(("card", card.serial, width), lambda: render_card(theme, card, width))
    rect = place_card(feed, theme, image.get_size())
    age = card.age(now)
    ease = _ease_out(min(1.0, age / SLIDE_S))
    alpha = ease * min(1.0, max(0.0, (card.duration - age) / FADE_OUT_S))
    if alpha <= 0:
        return
    offset = round((1 - ease) * theme.px(28))
    blur = theme.px(14)
    shadow = theme.shape(("card-shadow", rect.size), lambda: _soft_shadow(rect.size, theme.px(20), blur))
    shadow.set_alpha(round(255 * alpha))
    surface.blit(shadow, (rect.x - blur, rect.y - blur + offset + theme.px(6)))
    image.set_alpha(round(255 * alpha))
    surface.blit(image, (rect.x, rect.y + offset))
    _draw_countdown(surface, rect.move(0, offset), theme, card, age, alpha)


def _draw_countdown(surface, rect: Rect, theme: Theme, card: Card, age: float, alpha: float) -> None:
    """A thin bar along the card's foot that empties as the card's time runs out."""
    if card.kind is CardKind.HINT or alpha < 1:
        return
    bg, fg = CARD_STYLE[card.kind][:2]
    left = max(0.0, 1 - age / card.duration)
    radius = theme.px(20)
    bar = Rect(rect.x + radius, rect.bottom - theme.px(10), round((rect.w - 2 * radius) * left), theme.px(4))
    pygame.draw.rect(surface, mix(bg, fg, 0.45), bar, border_radius=bar.h // 2)


def render_card(theme: Theme, card: Card, width: int) -> pygame.Surface:
    """The card as one surface: its height grows to two title lines for long names."""
    bg, fg, icon_name, disc, glyph = CARD_STYLE[card.kind]
    hint = card.kind is CardKind.HINT
    pad = theme.px(26)
    icon_d = theme.px(64 if hint else 92)
    x = pad + icon_d + theme.px(24)
    room = width - x - pad
    title_role, detail_role = ("banner_big", "row_detail") if hint else ("card_title", "card_detail")
    titles = title_lines(theme, card.title, title_role, fg, room)
    detail = theme.text_fit(card.detail, detail_role, mix(fg, bg, 0.12), room) if card.detail else None
    gap = theme.px(6)
    lines = titles + ([detail] if detail else [])
    block = sum(line.get_height() for line in lines) + gap * (len(lines) - 1)
    height = max(theme.px(104 if hint else 150), block + 2 * pad + theme.px(6))
    surf = _rounded((width, height), bg, theme.px(20), 235 if hint else 255)
    mark = icon(theme, icon_name, icon_d, glyph, disc=disc)
    surf.blit(mark, mark.get_rect(midleft=(pad, height // 2)))
    y = (height - block) // 2
    for line in lines:
        surf.blit(line, (x, y))
        y += line.get_height() + gap
    return surf


def title_lines(theme: Theme, title: str, role: str, colour, room: int) -> list[pygame.Surface]:
    """One line if it fits at 70 % size or more, else two (split after 'Checked in:' and the like)."""
    font = theme.font(role, bold=True)
    if font.size(title)[0] * 0.7 <= room:
        return [theme.text_fit(title, role, colour, room, bold=True, min_ratio=0.7)]
    head, sep, tail = title.partition(": ")
    if sep:
        first, second = head + ":", tail
    else:
        first, second = _split_words(font, title, room)
    return [theme.text_fit(part, role, colour, room, bold=True, min_ratio=0.8) for part in (first, second) if part]


def _split_words(font, title: str, room: int) -> tuple[str, str]:
    words = title.split()
    for i in range(len(words) - 1, 0, -1):
        if font.size(" ".join(words[:i]))[0] <= room:
            return " ".join(words[:i]), " ".join(words[i:])
    return title, ""


def _rounded(size: tuple[int, int], colour, radius: int, alpha: int = 255, scale: int = 2) -> pygame.Surface:
    """A rounded rectangle with smooth (supersampled) corners."""
    big = pygame.Surface((size[0] * scale, size[1] * scale), pygame.SRCALPHA)
    pygame.draw.rect(big, (*colour, alpha), big.get_rect(), border_radius=radius * scale)
    return pygame.transform.smoothscale(big, size)


def _soft_shadow(size: tuple[int, int], radius: int, blur: int) -> pygame.Surface:
    """A blurred dark rounded rect, blur pixels larger on each side (upscaling a tiny one blurs it)."""
    shrink = 8
    full = (size[0] + 2 * blur, size[1] + 2 * blur)
    small = pygame.Surface((max(2, full[0] // shrink), max(2, full[1] // shrink)), pygame.SRCALPHA)
    inner = Rect(0, 0, size[0] // shrink, size[1] // shrink)
    inner.center = small.get_rect().center
    pygame.draw.rect(small, (0, 0, 0, 150), inner, border_radius=max(1, radius // shrink))
    return pygame.transform.smoothscale(small, full)


def _ease_out(t: float) -> float:
    return 1 - (1 - t) ** 3


def draw_toast(surface: pygame.Surface, feed: Rect, theme: Theme, toast: Toast, now: float) -> None:
    age = now - toast.shown_at
    alpha = min(1.0, age / SLIDE_S, max(0.0, (TOAST_S - age) / FADE_OUT_S))
    if alpha <= 0:
        return
    image = theme.shape(("toast", toast.serial, feed.w), lambda: _render_toast(theme, toast, feed.w))
    image.set_alpha(round(255 * alpha))
    surface.blit(image, image.get_rect(midtop=(feed.centerx, feed.y + theme.px(16))))


def _render_toast(theme: Theme, toast: Toast, feed_w: int) -> pygame.Surface:
    colour, icon_name = TOAST_STYLE.get(toast.level, TOAST_STYLE["info"])
    pad = theme.px(16)
    mark = icon(theme, icon_name, theme.px(26), th.TEXT_DARK, disc=colour)
    words = theme.text_fit(toast.text, "toast", th.TEXT, feed_w - 4 * pad - mark.get_width(), min_ratio=0.9)
    h = max(mark.get_height(), words.get_height()) + 2 * theme.px(10)
    w = pad + mark.get_width() + theme.px(12) + words.get_width() + pad
    surf = _rounded((w, h), th.SURFACE_HI, h // 2, 240)
    surf.blit(mark, mark.get_rect(midleft=(pad, h // 2)))
    surf.blit(words, words.get_rect(midleft=(pad + mark.get_width() + theme.px(12), h // 2)))
    return surf


def draw_standing_notice(surface: pygame.Surface, feed: Rect, theme: Theme, words: str) -> None:
    """A notice that stays for as long as its cause (the clock is doubted): at the top of the feed,
    wrapped onto as many lines as it needs, never cut short."""
    image = theme.shape(("standing", words, feed.w), lambda: _render_standing(theme, words, feed.w))
    surface.blit(image, image.get_rect(midtop=(feed.centerx, feed.y + theme.px(12))))


def _render_standing(theme: Theme, words: str, feed_w: int) -> pygame.Surface:
    pad, gap = theme.px(16), theme.px(12)
    mark = icon(theme, "warning", theme.px(34), th.TEXT_DARK, disc=th.AMBER)
    room = feed_w - 2 * theme.px(12) - 2 * pad - mark.get_width() - gap
    lines = [theme.text(line, "toast", th.TEXT) for line in wrap(theme.font("toast"), words, room)]
    text_h = sum(line.get_height() for line in lines)
    h = max(mark.get_height(), text_h) + 2 * pad
    surf = _rounded((feed_w - 2 * theme.px(12), h), th.SURFACE_HI, theme.px(14), 245)
    pygame.draw.rect(surf, th.AMBER, surf.get_rect(), max(2, theme.px(3)), border_radius=theme.px(14))
    surf.blit(mark, mark.get_rect(midleft=(pad, h // 2)))
    y = (h - text_h) // 2
    for line in lines:
        surf.blit(line, (pad + mark.get_width() + gap, y))
        y += line.get_height()
    return surf


def wrap(font: pygame.font.Font, words: str, max_w: int) -> list[str]:
    """Words on as many lines of at most max_w as they need (a word wider than that gets a line)."""
    lines: list[str] = []
    for word in words.split():
        if lines and font.size(f"{lines[-1]} {word}")[0] <= max_w:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def draw_camera_notice(surface: pygame.Surface, feed: Rect, theme: Theme, message: str, now: float) -> None:
    """The whole feed says the camera is gone; the capture thread is retrying."""
    surface.fill(th.FEED_BG, feed)
    mark = icon(theme, "camera_off", theme.px(110), th.RED_BRIGHT)
    title = theme.text_fit(text.CAMERA_UNAVAILABLE, "notice_title", th.TEXT, feed.w - theme.px(40), bold=True)
    lines = [mark, title]
    if message:
        lines.append(theme.text_fit(message, "notice_detail", th.TEXT_MUTED, feed.w - theme.px(40)))
    _stack_centered(surface, feed, theme, lines)
    _spinner(surface, (feed.centerx, feed.bottom - theme.px(48)), theme.px(14), now, th.TEXT_MUTED, theme)


def draw_starting(surface: pygame.Surface, feed: Rect, theme: Theme, now: float) -> None:
    surface.fill(th.FEED_BG, feed)
    words = theme.text(text.CAMERA_STARTING, "notice_detail", th.TEXT_MUTED)
    _stack_centered(surface, feed, theme, [words])
    _spinner(surface, (feed.centerx, feed.centery - theme.px(56)), theme.px(20), now, th.TEXT_MUTED, theme)


def _stack_centered(surface, rect: Rect, theme: Theme, items: list[pygame.Surface]) -> None:
    gap = theme.px(16)
    total = sum(i.get_height() for i in items) + gap * (len(items) - 1)
    y = rect.centery - total // 2
    for item in items:
        surface.blit(item, item.get_rect(midtop=(rect.centerx, y)))
        y += item.get_height() + gap


def _spinner(surface, centre, radius: int, now: float, colour, theme: Theme) -> None:
    """Eight dots round a circle, the bright one walking clockwise."""
    dots = 8
    lead = int(now * 10) % dots
    dot_r = max(2, radius // 4)
    for i in range(dots):
        angle = 2 * math.pi * i / dots - math.pi / 2
        fade = ((lead - i) % dots) / dots  # 0 for the leading dot
        pos = (centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle))
        pygame.draw.circle(surface, mix(colour, th.FEED_BG, 0.85 * fade), pos, dot_r)
