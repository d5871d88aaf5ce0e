"""The person step: who is enrolled (new, add photos, replace photos), their id and
name, consent, and the on-screen keyboard under the form.

Two columns on a wide screen (mode, id, name | consent, guardian, message,
Take photos), one column on a narrow or portrait one.
"""

from __future__ import annotations

import pygame
from pygame import Rect

from kiosk.ui import theme as th
from kiosk.ui.enrol import phrases
from kiosk.ui.enrol.chrome import FIELD, Column, draw_field, draw_message
from kiosk.ui.enrol.keyboard import keyboard_buttons
from kiosk.ui.icons import icon
from kiosk.ui.theme import Theme
from kiosk.ui.touch import Button


def geometry(s, body: Rect) -> dict[str, Rect]:
    """Every rect of the step, by name; fields of the current mode and consent only."""
    t, form = s.theme, s.form
    keys_h = min(round(body.h * 0.46), t.px(300))
    keyboard = Rect(body.x, body.bottom - keys_h, body.w, keys_h)
    area = Rect(body.x, body.y, body.w, keyboard.y - t.px(16) - body.y)
    two_columns = area.w >= t.px(900)
    gap = t.px(28)
    column = Column(Rect(area.x, area.y, (area.w - gap) // 2 if two_columns else area.w, area.h))
    g = {"keyboard": keyboard, "modes": column.take(t.px(50), t.px(14))}
    _field(g, column, t, "id")
    g["info"] = column.take(t.px(40), t.px(8))
    if form.mode != "extend":
        _field(g, column, t, "name")
    if two_columns:
        column = Column(Rect(column.rect.right + gap, area.y, area.w - column.rect.w - gap, area.h))
    else:
        column.take(0, t.px(10))  # a little air before the consent question
    g["consent_label"] = column.take(t.px(26))
    g["consent"] = column.take(t.px(52), t.px(14))
    if form.consent == "guardian":
        _field(g, column, t, "guardian")
    g["message"] = column.take(t.px(34), t.px(8))
    g["next"] = Rect(column.rect.x, max(column.y, area.bottom - t.px(56)), column.rect.w, t.px(56))
    return g


def _field(g: dict[str, Rect], column: Column, t: Theme, name: str) -> None:
    g[f"{name}_label"] = column.take(t.px(26))
    g[name] = column.take(t.px(52), t.px(8))


def build(s, body: Rect) -> list[Button]:
    form, t = s.form, s.theme
    g = geometry(s, body)
    buttons = _row(g["modes"], t, [(words, lambda m=mode: form.set_mode(m), form.mode == mode)
                                   for mode, words in phrases.ENROL_MODES])
    buttons += [Button(g[name], "", lambda n=name: form.set_focus(n), FIELD) for name in ("id", "name", "guardian")
                if name in g]
    buttons += _row(g["consent"], t, [(words, lambda k=kind: form.choose_consent(k), form.consent == kind)
                                      for kind, words in phrases.ENROL_CONSENT])
    buttons += _suggestions(s, g["info"])
    buttons.append(Button(g["next"], phrases.ENROL_NEXT, s.submit_person, "primary", icon="face"))
    return buttons + keyboard_buttons(form, g["keyboard"], t, s.submit_person)


def _row(rect: Rect, t: Theme, choices) -> list[Button]:
    """Side-by-side choice buttons; the chosen one is filled."""
    gap = t.px(10)
    width = (rect.w - gap * (len(choices) - 1)) // len(choices)
    return [Button(Rect(rect.x + i * (width + gap), rect.y, width, rect.h), words, action,
                   "primary" if chosen else "key", role="row_detail")
            for i, (words, action, chosen) in enumerate(choices)]


def _suggestions(s, rect: Rect) -> list[Button]:
    """Enrolled people matching the id typed so far, as chips to tap (re-enrolment)."""
    people = s.form.suggestions()
    if not people:
        return []
    t = s.theme
    lead = t.font("row_detail").size(phrases.ENROL_PICK)[0] + t.px(12)
    gap = t.px(8)
    width = (rect.w - lead - gap * (len(people) - 1)) // len(people)
    return [Button(Rect(rect.x + lead + i * (width + gap), rect.y, width, rect.h), f"{p.id} · {p.name}",
                   lambda p=p: s.form.pick(p), "plain", role="row_detail") for i, p in enumerate(people)]


def draw(surface: pygame.Surface, s, body: Rect) -> None:
    form, t = s.form, s.theme
    g = geometry(s, body)
    for name in ("id", "name", "guardian"):
        if name in g:
            draw_field(surface, t, g[f"{name}_label"], g[name], phrases.ENROL_FIELDS[name], form.values[name],
                       phrases.ENROL_PLACEHOLDERS[name], form.focus == name)
    _draw_info(surface, s, g["info"])
    label_colour = th.BLUE_BRIGHT if form.focus == "consent" else th.TEXT_MUTED
    surface.blit(t.text_fit(phrases.ENROL_FIELDS["consent"], "row_detail", label_colour, g["consent_label"].w),
                 g["consent_label"].topleft)
    draw_message(surface, t, g["message"], s.message)


def _draw_info(surface: pygame.Surface, s, rect: Rect) -> None:
    """Who the id belongs to (re-enrolment), a warning if a new id is taken, or 'Tap to pick:'."""
    t, form = s.theme, s.form
    known = form.known()
    if known is not None:
        colour, icon_name = (th.AMBER, "warning") if form.mode == "new" else (th.GREEN_BRIGHT, "check")
        mark = icon(t, icon_name, t.px(24), th.TEXT_DARK, disc=colour)
        surface.blit(mark, mark.get_rect(midleft=(rect.x, rect.centery)))
        words = phrases.ENROL_KNOWN.format(name=known.name, n=known.photos)
        line = t.text_fit(words, "row_detail", colour, rect.w - mark.get_width() - t.px(10))
        surface.blit(line, line.get_rect(midleft=(rect.x + mark.get_width() + t.px(10), rect.centery)))
    elif form.suggestions():
        lead = t.text(phrases.ENROL_PICK, "row_detail", th.TEXT_MUTED)
        surface.blit(lead, lead.get_rect(midleft=(rect.x, rect.centery)))
