"""The fixed parts of the live screen: status banner, side panel, prompt line.

Each draw function reads the ScreenModel and the wall-clock time and paints
into rects from the Layout; none of them changes any state. Every state is
shown as a word plus an icon shape, never by colour alone.
"""

from __future__ import annotations

from datetime import datetime

import pygame
from pygame import Rect

from kiosk.model import CheckIn, Status
from kiosk.ui import sync_words, text, theme as th
from kiosk.ui.icons import icon
from kiosk.ui.layout import Layout
from kiosk.ui.model import ScreenModel
from kiosk.ui.theme import Theme, ellipsize

# State word -> (pill colour, text colour, icon).
STATE_STYLE = {
    text.STATE_ACTIVE: (th.GREEN, th.WHITE, "dot"),
    text.STATE_NO_SESSION: (th.GREY, th.WHITE, "ring"),
    text.STATE_ENDED: (th.BLUE, th.WHITE, "stop"),
}
# Recent-list status -> (accent colour on dark, icon).
STATUS_STYLE = {
    Status.PRESENT: (th.GREEN_BRIGHT, "check"),
    Status.LATE: (th.AMBER, "clock"),
    Status.ALREADY: (th.BLUE_BRIGHT, "info"),
}


def pill_width(theme: Theme) -> int:
    font = theme.font("pill", bold=True)
    widest = max(font.size(word)[0] for word in STATE_STYLE)
    return widest + theme.px(22) + theme.px(18) * 2 + theme.px(10)


def draw_banner(surface: pygame.Surface, lay: Layout, theme: Theme, model: ScreenModel, now: datetime) -> None:
    surface.fill(th.SURFACE, lay.banner)
    word = model.state_word
    colour = STATE_STYLE[word][0]
    pygame.draw.rect(surface, colour, (0, lay.banner.bottom - theme.px(4), lay.banner.w, theme.px(4)))
    _draw_pill(surface, lay, theme, word)
    session = model.session
    if session is None and model.clock_reads is not None:  # nothing opens on a doubted clock
        headline, detail, big, small = [(text.CLOCK_WRONG_TITLE, True)], text.CLOCK_WRONG_DETAIL, "", ""
    elif session is None:
        headline = [(text.NO_CLASS_TITLE, True)]
        detail = text.NO_CLASS_FOR_ROOM if model.no_class_for_room else text.next_session(model.upcoming, now)
        big = text.next_in(model.upcoming, now) if model.upcoming else ""
        small = ""
    else:
        code, name = text.session_title(session)
        headline = [(code, True), (name, False)]
        detail = text.session_detail(session, now.tzinfo)
        big = text.session_timing(session, now)
        small = text.checked_in_count(model.present_count, model.roster_size)
    _draw_title(surface, lay.title, theme, headline, detail)
    _draw_right(surface, lay.right, theme, big, small)
    if model.sync is not None:
        _draw_sync(surface, lay, theme, model)


def _draw_sync(surface, lay: Layout, theme: Theme, model: ScreenModel) -> None:
    """The central sync state, small, in a corner of the banner (words, not colour alone):
    top-right in landscape, bottom-right in portrait (where the time left sits at the top)."""
    words, attention = sync_words.sync_status(model.sync.online, model.sync.queued, model.sync.needs_attention)
    font = theme.font(theme.px(14))
    label = theme.text(ellipsize(font, words, lay.right.w), theme.px(14), th.AMBER if attention else th.TEXT_MUTED)
    if lay.portrait:
        surface.blit(label, label.get_rect(bottomright=(lay.right.right, lay.banner.bottom - theme.px(8))))
    else:
        surface.blit(label, label.get_rect(topright=(lay.right.right, theme.px(3))))


def _draw_pill(surface, lay: Layout, theme: Theme, word: str) -> None:
    bg, fg, icon_name = STATE_STYLE[word]
    words = theme.text(word, "pill", fg, bold=True)
    h = words.get_height() + theme.px(20)
    rect = Rect(0, 0, pill_width(theme), h)
    rect.midleft = lay.pill_anchor
    pygame.draw.rect(surface, bg, rect, border_radius=h // 2)
    mark = icon(theme, icon_name, theme.px(18), fg)
    inner_w = mark.get_width() + theme.px(10) + words.get_width()
    x = rect.centerx - inner_w // 2
    surface.blit(mark, mark.get_rect(midleft=(x, rect.centery)))
    surface.blit(words, words.get_rect(midleft=(x + mark.get_width() + theme.px(10), rect.centery)))


def _draw_title(surface, rect: Rect, theme: Theme, headline: list[tuple[str, bool]], detail: str) -> None:
    line_gap = theme.px(4)
    first = [theme.text_fit(part, "banner_title", th.TEXT, rect.w, bold=bold) for part, bold in headline[:1]]
    used = first[0].get_width()
    if len(headline) > 1:  # class name after the bold code, in what room is left
        room = rect.w - used - theme.px(16)
        if room > theme.px(60):
            first.append(theme.text_fit(headline[1][0], "banner_title", th.TEXT, room, min_ratio=0.75))
    second = theme.text_fit(detail, "banner_detail", th.TEXT_MUTED, rect.w) if detail else None
    height = first[0].get_height() + (second.get_height() + line_gap if second else 0)
    y = rect.centery - height // 2
    x = rect.x
    for part in first:
        surface.blit(part, (x, y + first[0].get_height() - part.get_height()))
        x += part.get_width() + theme.px(16)
    if second:
        surface.blit(second, (rect.x, y + first[0].get_height() + line_gap))


def _draw_right(surface, rect: Rect, theme: Theme, big: str, small: str) -> None:
    lines = []
    if big:
        lines.append(theme.text_fit(big, "banner_big", th.TEXT, rect.w, bold=True))
    if small:
        lines.append(theme.text_fit(small, "banner_detail", th.TEXT_MUTED, rect.w))
    gap = theme.px(4)
    y = rect.centery - (sum(s.get_height() for s in lines) + gap * (len(lines) - 1)) // 2
    for line in lines:
        surface.blit(line, line.get_rect(topright=(rect.right, y)))
        y += line.get_height() + gap


def draw_panel(surface: pygame.Surface, lay: Layout, theme: Theme, model: ScreenModel, now: datetime,
               kiosk_name: str) -> None:
    surface.fill(th.SURFACE, lay.panel)
    if lay.portrait:
        pygame.draw.line(surface, th.LINE, lay.panel.topleft, lay.panel.topright)
    else:
        pygame.draw.line(surface, th.LINE, lay.panel.topleft, lay.panel.bottomleft)
    _draw_clock(surface, lay.clock, theme, now)
    _draw_recent(surface, lay.recent, theme, list(model.recent), now)
    _draw_status(surface, lay, theme, model, kiosk_name)


def _draw_clock(surface, rect: Rect, theme: Theme, now: datetime) -> None:
    clock = theme.text(now.strftime("%H:%M"), "clock", th.TEXT, bold=True)
    surface.blit(clock, clock.get_rect(midleft=(rect.x, rect.centery)))
    date = theme.text_fit(text.long_date(now), "date", th.TEXT_MUTED, rect.w - clock.get_width() - theme.px(16))
    surface.blit(date, date.get_rect(bottomright=(rect.right, rect.centery + clock.get_height() // 2 - theme.px(6))))


def recent_row_height(theme: Theme) -> int:
    return theme.px(68)


def _draw_recent(surface, rect: Rect, theme: Theme, recent: list[CheckIn], now: datetime) -> None:
    header = theme.text(text.RECENT_HEADER.upper(), "panel_header", th.TEXT_MUTED, bold=True)
    surface.blit(header, rect.topleft)
    y = rect.y + header.get_height() + theme.px(8)
    pygame.draw.line(surface, th.LINE, (rect.x, y), (rect.right, y))
    y += theme.px(12)
    if not recent:
        empty = theme.text(text.RECENT_EMPTY, "row_detail", th.TEXT_MUTED)
        surface.blit(empty, (rect.x, y + theme.px(8)))
        return
    row_h = recent_row_height(theme)
    for checkin in recent:
        if y + row_h > rect.bottom + theme.px(8):
            break  # show only what fits; newest first
        _draw_row(surface, Rect(rect.x, y, rect.w, row_h), theme, checkin, now)
        y += row_h


def _draw_row(surface, rect: Rect, theme: Theme, checkin: CheckIn, now: datetime) -> None:
    colour, icon_name = STATUS_STYLE.get(checkin.status, (th.TEXT_MUTED, "info"))
    disc = theme.px(40)
    mark = icon(theme, icon_name, disc, th.TEXT_DARK, disc=colour)
    surface.blit(mark, mark.get_rect(midleft=(rect.x, rect.y + rect.h // 2 - theme.px(4))))
    x = rect.x + disc + theme.px(14)
    name = theme.text_fit(checkin.name or text.SOMEONE, "row_name", th.TEXT, rect.right - x, bold=True,
                          min_ratio=0.85)
    top = rect.y + theme.px(2)
    surface.blit(name, (x, top))
    y2 = top + name.get_height() + theme.px(2)
    when = text.hhmm(checkin.at, now.tzinfo) + "  ·  " if checkin.at else ""
    when_s = theme.text(when, "row_detail", th.TEXT_MUTED) if when else None
    if when_s:
        surface.blit(when_s, (x, y2))
    word = theme.text(text.status_word(checkin.status), "row_detail", colour, bold=True)
    surface.blit(word, (x + (when_s.get_width() if when_s else 0), y2))


def staff_button_size(theme: Theme) -> tuple[int, int]:
    """The Staff button at the right end of the first status line (drawn by the admin layer)."""
    h = theme.px(46)
    return h + theme.px(12) + theme.font("status", bold=True).size(text.ADMIN_BUTTON)[0] + theme.px(20), h


def _recognition_line(model: ScreenModel) -> tuple:
    """(disc colour, icon, words): a limited or switched-off live check is a warning, never a tick."""
    if model.recognition_ready and model.recognition_warning:
        return th.AMBER, "warning", model.recognition_message
    if model.recognition_ready:
        return th.GREEN_BRIGHT, "check", model.recognition_message or text.RECOGNITION_READY
    return th.AMBER, "clock", model.recognition_message or text.RECOGNITION_STARTING


def _beside_staff(rect: Rect, theme: Theme) -> int:
    """The room for words left of the Staff button."""
    return rect.w - theme.px(32) - staff_button_size(theme)[0] - theme.px(12)


def status_rows(lay: Layout, theme: Theme, model: ScreenModel) -> int:
    """3 when the recognition words do not fit beside the Staff button at full size (they then get
    a line of their own above it, rather than shrink and lose the word that matters), else 2."""
    words = _recognition_line(model)[2]
    return 3 if theme.font("status").size(words)[0] > _beside_staff(lay.status, theme) else 2


def _draw_status(surface, lay: Layout, theme: Theme, model: ScreenModel, kiosk_name: str) -> None:
    rect = lay.status
    pygame.draw.line(surface, th.LINE, rect.topleft, rect.topright)
    if model.camera_ok is None:
        cam = (th.AMBER, "clock", text.CAMERA_WAITING)
    elif model.camera_ok:
        cam = (th.GREEN_BRIGHT, "check", text.CAMERA_OK)
    else:
        cam = (th.RED_BRIGHT, "cross", text.CAMERA_RETRYING)
    lines = lay.status_lines
    for cy, (colour, icon_name, words) in ((lines[0], _recognition_line(model)), (lines[-1], cam)):
        mark = icon(theme, icon_name, theme.px(22), th.TEXT_DARK, disc=colour)
        surface.blit(mark, mark.get_rect(midleft=(rect.x, cy)))
        tail = kiosk_name if cy == lines[-1] else ""
        tail_s = theme.text_fit(tail, "status", th.TEXT_MUTED, rect.w // 2) if tail else None
        room = rect.w - theme.px(32) - (tail_s.get_width() + theme.px(12) if tail_s else 0)
        if cy == lines[-2]:  # the Staff button sits at the end of this line
            room = _beside_staff(rect, theme)
        label = theme.text_fit(words, "status", th.TEXT, room)
        surface.blit(label, label.get_rect(midleft=(rect.x + theme.px(32), cy)))
        if tail_s:
            surface.blit(tail_s, tail_s.get_rect(midright=(rect.right, cy)))


def draw_prompt(surface: pygame.Surface, rect: Rect, theme: Theme, model: ScreenModel) -> None:
    """The standing instruction under the feed."""
    session = model.session
    if model.camera_ok is False:
        words, icon_name, colour = text.PROMPT_CAMERA_DOWN, "info", th.TEXT_MUTED
    elif session is not None and session.state == "ended":
        words, icon_name, colour = text.PROMPT_ENDED, "info", th.TEXT_MUTED
    elif session is not None:
        words, icon_name, colour = text.PROMPT_ACTIVE, "face", th.TEXT
    elif model.clock_reads is not None:
        words, icon_name, colour = text.PROMPT_CLOCK, "warning", th.AMBER
    else:
        words, icon_name, colour = text.PROMPT_IDLE, "info", th.TEXT_MUTED
    mark = icon(theme, icon_name, theme.px(30), colour)
    label = theme.text_fit(words, "prompt", colour, rect.w - mark.get_width() - theme.px(14))
    total = mark.get_width() + theme.px(14) + label.get_width()
    x = rect.centerx - total // 2
    cy = rect.centery + theme.px(4)
    surface.blit(mark, mark.get_rect(midleft=(x, cy)))
    surface.blit(label, label.get_rect(midleft=(x + mark.get_width() + theme.px(14), cy)))
