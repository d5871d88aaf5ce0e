"""Layout and painting of the instructor overlay's screens, and of the students' code keypad
(kiosk/ui/code_entry.py), which shares the PIN pad.

`build(overlay)` places the buttons for the current screen (called from
the overlay's input and update); `draw(surface, overlay)` only reads.
Pure geometry from the theme's screen size, so every size and portrait work.
"""

from __future__ import annotations

import pygame
from pygame import Rect

from kiosk.ui import text, theme as th
from kiosk.ui.cards import wrap
from kiosk.ui.icons import icon
from kiosk.ui.touch import Button, draw_backdrop, draw_button, draw_counts, draw_panel, panel_rect

MESSAGE_STYLE = {"info": (th.TEXT_MUTED, "info"), "error": (th.RED_BRIGHT, "cross"), "good": (th.GREEN_BRIGHT, "check")}


def _frame(o) -> tuple[Rect, Rect]:
    """The panel and its padded inside."""
    panel = panel_rect(o.theme, o.theme.size)
    return panel, panel.inflate(-2 * o.theme.px(28), -2 * o.theme.px(24))


def _header_h(o) -> int:
    return o.theme.px(104)


def build(o) -> list[Button]:
    _, inner = _frame(o)
    t = o.theme
    close = Rect(inner.right - t.px(150), inner.y, t.px(150), t.px(58))
    first = o.screen in ("pin", "menu", "code")  # Close; deeper screens go Back
    top = [Button(close, text.CLOSE if first else text.BACK, o.back, icon="cross" if first else None)]
    body = Rect(inner.x, inner.y + _header_h(o), inner.w, inner.h - _header_h(o))
    return top + _BUILDERS[o.screen](o, body)


def _keypad(o, body: Rect) -> list[Button]:
    t = o.theme
    body = Rect(body.x, body.y + t.px(96), body.w, body.h - t.px(96))  # dots and message above
    gap = t.px(12)
    key_w = min((body.w - 2 * gap) // 3, t.px(150))
    key_h = min((body.h - 3 * gap) // 4, t.px(84))
    left = body.centerx - (3 * key_w + 2 * gap) // 2
    labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", text.KEY_DELETE, "0", text.KEY_OK]
    buttons = []
    for i, label in enumerate(labels):
        rect = Rect(left + (i % 3) * (key_w + gap), body.y + (i // 3) * (key_h + gap), key_w, key_h)
        if label == text.KEY_OK:
            buttons.append(Button(rect, label, o.enter_pin, "primary", bool(o.digits) and not o.locked,
                                  role="banner_big"))
        elif label == text.KEY_DELETE:
            buttons.append(Button(rect, label, o.delete_digit, "key", bool(o.digits), role="banner_detail"))
        else:
            buttons.append(Button(rect, label, lambda d=label: o.press_digit(d), "key", not o.locked,
                                  role="card_title"))
    return buttons


def _menu(o, body: Rect) -> list[Button]:
    ctx, t = o.context, o.theme
    focus = ctx.session if ctx else None
    upcoming = ctx.upcoming if ctx else None
    active = focus is not None and focus.state == "active"
    rows = [
        (text.ACTION_END.format(code=focus.class_code) if active else text.ACTION_END_NONE,
         lambda: o.go("confirm_end"), "danger", active, "stop"),
        (text.ACTION_START.format(code=upcoming.class_code, time=text.hhmm(upcoming.starts_at))
         if upcoming else text.ACTION_START_NONE, lambda: o.go("confirm_start"), "primary", upcoming is not None,
         "clock"),
        (text.ACTION_MARK, lambda: o.go("mark"), "plain", focus is not None, "check"),
        (text.ACTION_RECONCILE, lambda: o.go("reconcile"), "plain", focus is not None, "info"),
        (text.ACTION_ENROL, o.enrol_student, "plain", o.enrol is not None, "face"),
    ]
    return _stack(o, body.move(0, t.px(56)).clip(body), rows)


def _stack(o, body: Rect, rows) -> list[Button]:
    t = o.theme
    gap = t.px(14)
    h = min(t.px(76), (body.h - gap * (len(rows) - 1)) // len(rows))
    return [Button(Rect(body.x, body.y + i * (h + gap), body.w, h), label, action, kind, enabled, icon_name)
            for i, (label, action, kind, enabled, icon_name) in enumerate(rows)]


def _confirm(o, body: Rect) -> list[Button]:
    t = o.theme
    y = body.y + t.px(110)
    w = (body.w - t.px(16)) // 2
    h = t.px(76)
    return [Button(Rect(body.x, y, w, h), text.CONFIRM_END, o.end_session, "danger", icon="stop"),
            Button(Rect(body.right - w, y, w, h), text.BACK, lambda: o.go("menu"))]


def _confirm_start(o, body: Rect) -> list[Button]:
    """Start the next class early, or go back: it cannot be undone."""
    t = o.theme
    y = body.y + t.px(170)  # under what starting early means (_paint_confirm_start)
    w = (body.w - t.px(16)) // 2
    h = t.px(76)
    upcoming = o.context.upcoming if o.context else None
    return [Button(Rect(body.x, y, w, h), text.CONFIRM_START, o.start_next, "primary", upcoming is not None,
                   icon="clock"),
            Button(Rect(body.right - w, y, w, h), text.BACK, lambda: o.go("menu"))]


def mark_rows(o, body: Rect) -> tuple[list[Rect], Rect]:
    """Row rects for one page of matches, and the footer rect."""
    t = o.theme
    top = body.y + t.px(58)
    footer = Rect(body.x, body.bottom - t.px(64), body.w, t.px(64))
    row_h = t.px(74)
    count = max(1, (footer.y - t.px(8) - top) // row_h)
    return [Rect(body.x, top + i * row_h, body.w, row_h - t.px(8)) for i in range(count)], footer


def _mark(o, body: Rect) -> list[Button]:
    t = o.theme
    rows, footer = mark_rows(o, body)
    matches = o.matches()
    pages = max(1, -(-len(matches) // len(rows)))
    o.page = min(o.page, pages - 1)
    buttons = []
    for rect, who in zip(rows, matches[o.page * len(rows):]):
        bw = min(t.px(150), rect.w // 5)
        late = Rect(rect.right - bw, rect.y, bw, rect.h)
        present = late.move(-bw - t.px(10), 0)
        buttons.append(Button(present, text.MARK_PRESENT, lambda p=who.person_id: o.mark(p, "present"), "good",
                              who.status != "present", role="banner_detail"))
        buttons.append(Button(late, text.MARK_LATE, lambda p=who.person_id: o.mark(p, "late"), "warn",
                              who.status != "late", role="banner_detail"))
    nav_w = t.px(150)
    buttons.append(Button(Rect(footer.x, footer.y, nav_w, footer.h), text.MARK_PREV, lambda: o.turn_page(-1),
                          enabled=o.page > 0, role="banner_detail"))
    buttons.append(Button(Rect(footer.right - nav_w, footer.y, nav_w, footer.h), text.MARK_NEXT,
                          lambda: o.turn_page(1), enabled=o.page < pages - 1, role="banner_detail"))
    return buttons


def _none(o, body: Rect) -> list[Button]:
    return []


def _offer(o, body: Rect) -> list[Button]:
    """Yes / No under the face of a door attempt ("Was this Maya?")."""
    t = o.theme
    w, h = (body.w - t.px(16)) // 2, t.px(76)
    y = body.bottom - h
    return [Button(Rect(body.x, y, w, h), text.OFFER_YES, o.accept_offer, "primary", bool(o.offers), "check"),
            Button(Rect(body.right - w, y, w, h), text.OFFER_NO, o.decline_offer, icon="cross")]


_BUILDERS = {"pin": _keypad, "code": _keypad, "menu": _menu, "confirm_end": _confirm, "confirm_start": _confirm_start,
             "mark": _mark,
             "reconcile": _none, "was_this": _offer}


# -- painting -------------------------------------------------------------------------


def draw(surface: pygame.Surface, o) -> None:
    t = o.theme
    draw_backdrop(surface, t)
    panel, inner = _frame(o)
    draw_panel(surface, t, panel)
    title, subtitle = _titles(o)
    room = inner.w - t.px(170)
    surface.blit(t.text_fit(title, "notice_title", th.TEXT, room, bold=True), inner.topleft)
    if subtitle:
        surface.blit(t.text_fit(subtitle, "banner_detail", th.TEXT_MUTED, room), (inner.x, inner.y + t.px(56)))
    body = Rect(inner.x, inner.y + _header_h(o), inner.w, inner.h - _header_h(o))
    _PAINTERS[o.screen](surface, o, body)
    for button in o.buttons:
        draw_button(surface, t, button)


def _titles(o) -> tuple[str, str]:
    ctx = o.context
    focus = ctx.session if ctx else None
    if o.screen == "pin":
        return text.PIN_TITLE, text.PIN_PROMPT
    if o.screen == "code":  # a student's check-in code (kiosk/ui/code_entry.py)
        return text.CODE_TITLE, text.CODE_PROMPT
    if o.screen == "menu":
        who = o.person
        head = (text.SIGNED_IN_ADMIN if who and who.role == "admin" else text.SIGNED_IN).format(
            name=who.name if who else "")
        return head, _focus_line(focus)
    if o.screen == "confirm_end" and focus:
        absent = len(ctx.summary.absent) if ctx.summary else 0
        return text.CONFIRM_END_TITLE.format(code=focus.class_code), text.CONFIRM_END_DETAIL.format(n=absent)
    if o.screen == "confirm_start" and ctx and ctx.upcoming:
        return _start_titles(o, ctx.upcoming)
    if o.screen == "reconcile" and focus:
        return text.RECONCILE_TITLE.format(code=focus.class_code), _focus_line(focus)
    if o.screen == "was_this" and o.offers:
        offer = o.offers[0]
        return text.OFFER_TITLE.format(name=offer.name), text.OFFER_DETAIL.format(time=text.hhmm(offer.at))
    return text.MARK_TITLE, _focus_line(focus)


def _start_titles(o, upcoming) -> tuple[str, str]:
    """"Start MUS201 now, 44 min early?" over the class's name and times."""
    early = (upcoming.starts_at - o.wall_now).total_seconds() if o.wall_now else 0.0
    title = text.CONFIRM_START_TITLE.format(code=upcoming.class_code, m=round(early / 60)) if early >= 60 \
        else text.CONFIRM_START_TITLE_NOW.format(code=upcoming.class_code)
    return title, text.FOCUS_ACTIVE.format(code=upcoming.class_code, name=upcoming.class_name,
                                           start=text.hhmm(upcoming.starts_at), end=text.hhmm(upcoming.ends_at))


def start_lines(o) -> list[str]:
    """What starting early means, then (in amber on screen) the class it ends first, if one is on."""
    ctx = o.context
    if ctx is None or ctx.upcoming is None:
        return []
    lines = [text.CONFIRM_START_DETAIL.format(time=text.hhmm(ctx.upcoming.starts_at))]
    if ctx.session is not None and ctx.session.state == "active":
        absent = len(ctx.summary.absent) if ctx.summary else 0
        lines.append(text.CONFIRM_START_ENDS.format(code=ctx.session.class_code, n=absent))
    return lines


def _focus_line(focus) -> str:
    if focus is None:
        return text.NO_FOCUS
    if focus.state == "ended":
        return text.FOCUS_ENDED.format(code=focus.class_code, name=focus.class_name)
    return text.FOCUS_ACTIVE.format(code=focus.class_code, name=focus.class_name,
                                    start=text.hhmm(focus.starts_at), end=text.hhmm(focus.ends_at))


def _message(surface, o, rect: Rect) -> None:
    words, level = o.message, o.message_level
    if o.screen in ("pin", "code") and o.locked:
        locked = text.CODE_LOCKED if o.screen == "code" else text.PIN_LOCKED
        words, level = locked.format(time=text.wait_text(o.lock_left)), "error"
    elif o.pending:
        words, level = text.PIN_CHECKING, "info"
    if not words:
        return
    colour, icon_name = MESSAGE_STYLE[level]
    t = o.theme
    mark = icon(t, icon_name, t.px(28), th.TEXT_DARK, disc=colour)
    label = t.text_fit(words, "banner_detail", colour, rect.w - mark.get_width() - t.px(12))
    x = rect.centerx - (mark.get_width() + t.px(12) + label.get_width()) // 2
    surface.blit(mark, mark.get_rect(midleft=(x, rect.centery)))
    surface.blit(label, label.get_rect(midleft=(x + mark.get_width() + t.px(12), rect.centery)))


def _paint_pin(surface, o, body: Rect) -> None:
    t = o.theme
    r = t.px(11)
    shown = max(o.digit_slots, len(o.digits))
    gap = t.px(16)
    x0 = body.centerx - (shown * 2 * r + (shown - 1) * gap) // 2 + r
    for i in range(shown):
        centre = (x0 + i * (2 * r + gap), body.y + t.px(22))
        if i < len(o.digits):
            pygame.draw.circle(surface, th.TEXT, centre, r)
        else:
            pygame.draw.circle(surface, th.TEXT_MUTED, centre, r, max(2, t.px(2)))
    _message(surface, o, Rect(body.x, body.y + t.px(44), body.w, t.px(40)))


def _paint_menu(surface, o, body: Rect) -> None:
    _message(surface, o, Rect(body.x, body.y, body.w, o.theme.px(44)))


def _paint_mark(surface, o, body: Rect) -> None:
    t = o.theme
    search = text.MARK_SEARCH.format(query=o.query + "▏") if o.query else text.MARK_SEARCH_HINT
    surface.blit(t.text_fit(search, "row_name", th.TEXT if o.query else th.TEXT_MUTED, body.w // 2), body.topleft)
    _message(surface, o, Rect(body.centerx, body.y, body.w // 2, t.px(36)))
    rows, footer = mark_rows(o, body)
    matches = o.matches()
    if not matches and o.context and o.context.session:
        words = text.MARK_NONE.format(code=o.context.session.class_code, query=o.query)
        surface.blit(t.text_fit(words, "row_name", th.TEXT_MUTED, body.w), rows[0].topleft)
    for rect, who in zip(rows, matches[o.page * len(rows):]):
        room = rect.w - 2 * min(t.px(150), rect.w // 5) - t.px(24)
        surface.blit(t.text_fit(who.name, "row_name", th.TEXT, room, bold=True), (rect.x, rect.y + t.px(2)))
        detail = f"{who.person_id} · {text.MARK_STATUS.get(who.status, who.status)}"
        surface.blit(t.text_fit(detail, "row_detail", th.TEXT_MUTED, room), (rect.x, rect.y + t.px(34)))
    pages = max(1, -(-len(matches) // len(rows)))
    page = t.text(text.MARK_PAGE.format(page=o.page + 1, pages=pages), "row_detail", th.TEXT_MUTED)
    surface.blit(page, page.get_rect(center=footer.center))


def _paint_reconcile(surface, o, body: Rect) -> None:
    t = o.theme
    summary = o.context.summary if o.context else None
    if summary is None:
        return
    active = o.context.session.state == "active"
    expected, present, late, absent = summary.counts
    tiles = [(text.COUNT_EXPECTED, expected, th.BLUE_BRIGHT, "info"),
             (text.COUNT_PRESENT, present, th.GREEN_BRIGHT, "check"),
             (text.COUNT_LATE, late, th.AMBER, "clock"),
             (text.COUNT_NOT_SEEN if active else text.COUNT_ABSENT, absent, th.RED_BRIGHT, "cross")]
    tiles_rect = Rect(body.x, body.y, body.w, t.px(130))
    if body.w < t.px(560):  # narrow portrait panels: two rows of two
        draw_counts(surface, t, tiles_rect, tiles[:2])
        tiles_rect = tiles_rect.move(0, tiles_rect.h + t.px(12))
        draw_counts(surface, t, tiles_rect, tiles[2:])
    else:
        draw_counts(surface, t, tiles_rect, tiles)
    lines_rect = Rect(body.x, tiles_rect.bottom + t.px(20), body.w, body.bottom - tiles_rect.bottom - t.px(20))
    notes = [text.FAILED_LIVE_CHECKS.format(n=summary.failed_live_checks) if summary.failed_live_checks else "",
             text.AWAITING_LIST.format(names=", ".join(summary.awaiting)) if summary.awaiting else ""]
    for note in filter(None, notes):
        line = t.text_fit(note, "row_name", th.AMBER, body.w)
        surface.blit(line, lines_rect.topleft)
        lines_rect = lines_rect.inflate(0, -2 * line.get_height()).move(0, line.get_height())
    _absent_lines(surface, t, summary.absent, lines_rect)


def _absent_lines(surface, t, names: tuple[str, ...], rect: Rect) -> None:
    """'Not here: A, B, C' wrapped to the rect; what does not fit becomes '+N more'."""
    if not names:
        surface.blit(t.text_fit(text.EVERYONE_HERE, "row_name", th.GREEN_BRIGHT, rect.w), rect.topleft)
        return
    font = t.font("row_name")
    line_h = font.get_linesize()
    max_lines = max(1, rect.h // line_h)
    lines = [text.ABSENT_LIST.format(names="").rstrip()]
    shown = 0
    for i, name in enumerate(names):
        piece = name + ("," if i < len(names) - 1 else "")
        if font.size(f"{lines[-1]} {piece}")[0] <= rect.w:
            lines[-1] = f"{lines[-1]} {piece}"
        elif len(lines) < max_lines:
            lines.append(piece)
        else:
            break
        shown += 1
    if shown < len(names):
        lines[-1] = lines[-1].rstrip(",") + text.ABSENT_MORE.format(n=len(names) - shown)
    for i, line in enumerate(lines):
        surface.blit(t.text_fit(line, "row_name", th.TEXT, rect.w), (rect.x, rect.y + i * line_h))


def _paint_nothing(surface, o, body: Rect) -> None:
    _message(surface, o, Rect(body.x, body.y, body.w, o.theme.px(44)))


def _paint_confirm_start(surface, o, body: Rect) -> None:
    """What starting early means, wrapped whole; the class it ends first (with absent rows) in amber."""
    t = o.theme
    font = t.font("banner_detail")
    y = body.y
    for i, words in enumerate(start_lines(o)):
        for line in wrap(font, words, body.w):
            surface.blit(t.text(line, "banner_detail", th.AMBER if i else th.TEXT), (body.x, y))
            y += font.get_linesize()
        y += t.px(8)
    _message(surface, o, Rect(body.x, body.y + t.px(170) - t.px(40), body.w, t.px(36)))


def _paint_offer(surface, o, body: Rect) -> None:
    """The door attempt's face, as large as the panel allows above the buttons."""
    if not o.offers:
        return
    t = o.theme
    picture = o.offers[0].picture
    side = max(t.px(80), min(body.w, body.h - t.px(76) - t.px(24), t.px(260)))
    face = pygame.image.frombuffer(picture.tobytes(), (picture.shape[1], picture.shape[0]), "BGR")
    face = pygame.transform.smoothscale(face, (side, side))
    surface.blit(face, face.get_rect(midtop=(body.centerx, body.y)))


_PAINTERS = {"pin": _paint_pin, "code": _paint_pin, "menu": _paint_menu, "confirm_end": _paint_nothing,
             "confirm_start": _paint_confirm_start, "mark": _paint_mark,
             "reconcile": _paint_reconcile, "was_this": _paint_offer}
