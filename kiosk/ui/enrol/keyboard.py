"""Text entry for the person step: an on-screen keyboard for the touch screen, and the
physical keyboard's keys, both feeding the same PersonForm.

Physical keys: typing goes to the focused field, Backspace deletes, Tab and
Enter move on (Shift+Tab and Up go back), Enter on the last field submits,
Escape cancels; on the consent field S or G (or Space, Left, Right) chooses.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame
from pygame import Rect

from kiosk.ui import text
from kiosk.ui.enrol import phrases
from kiosk.ui.enrol.form import PersonForm
from kiosk.ui.keypad import ENTER_KEYS
from kiosk.ui.theme import Theme
from kiosk.ui.touch import Button

KEY_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm'._")
SUBMIT, CANCEL = "submit", "cancel"


def physical_key(form: PersonForm, event: pygame.event.Event) -> str | None:
    """Apply one KEYDOWN to the form; returns SUBMIT or CANCEL when the step should end."""
    key, shifted = event.key, bool(getattr(event, "mod", 0) & pygame.KMOD_SHIFT)
    if key == pygame.K_ESCAPE:
        return CANCEL
    if (key == pygame.K_TAB and shifted) or key == pygame.K_UP:
        form.previous_field()
    elif key in (pygame.K_TAB, pygame.K_DOWN):
        form.next_field()
    elif key in ENTER_KEYS:
        return None if form.next_field() else SUBMIT
    elif key == pygame.K_BACKSPACE:
        form.backspace()
    elif form.focus == "consent" and key in (pygame.K_SPACE, pygame.K_LEFT, pygame.K_RIGHT):
        form.toggle_consent()
    elif getattr(event, "unicode", "") and event.unicode.isprintable():
        form.type_text(event.unicode)
    return None


def keyboard_buttons(form: PersonForm, rect: Rect, theme: Theme, submit: Callable[[], None]) -> list[Button]:
    """Four rows of keys and a row of Shift, Space, Del and Next field, filling `rect`."""
    gap = theme.px(8)
    rows = len(KEY_ROWS) + 1
    key_h = (rect.h - gap * (rows - 1)) // rows
    widest = max(len(row) for row in KEY_ROWS)
    key_w = min((rect.w - gap * (widest - 1)) // widest, round(key_h * 1.6))
    buttons = []
    for r, row in enumerate(KEY_ROWS):
        left = rect.centerx - (len(row) * key_w + (len(row) - 1) * gap) // 2
        for c, key in enumerate(row):
            label = key.upper() if form.caps else key
            place = Rect(left + c * (key_w + gap), rect.y + r * (key_h + gap), key_w, key_h)
            buttons.append(Button(place, label, lambda k=key: form.press_key(k), "key", role="banner_big"))
    bottom = Rect(rect.x, rect.y + len(KEY_ROWS) * (key_h + gap), rect.w, key_h)
    return buttons + _bottom_row(form, bottom, gap, submit)


def _bottom_row(form: PersonForm, row: Rect, gap: int, submit: Callable[[], None]) -> list[Button]:
    def next_or_submit() -> None:
        if not form.next_field():
            submit()

    def toggle_shift() -> None:
        form.shift = not form.shift

    typing = form.focus != "consent"
    keys = [(phrases.KEY_SHIFT, toggle_shift, "primary" if form.shift else "key", 2, typing),
            (phrases.KEY_SPACE, lambda: form.type_text(" "), "key", 5, typing),
            (text.KEY_DELETE, form.backspace, "key", 2, typing),
            (phrases.KEY_NEXT_FIELD, next_or_submit, "plain", 3, True)]
    unit = (row.w - gap * (len(keys) - 1)) / sum(k[3] for k in keys)
    buttons, spans = [], 0
    for i, (label, action, kind, span, enabled) in enumerate(keys):
        left, right = round(spans * unit), round((spans + span) * unit)  # from the running total: no drift
        spans += span
        place = Rect(row.x + left + i * gap, row.y, right - left, row.h)
        buttons.append(Button(place, label, action, kind, enabled, role="row_name"))
    return buttons
