"""Layout and painting of the enrolment screens: dispatch to the current step.

`build(state)` places the buttons of the current step (called from the
state's input, events and update); `draw(surface, state)` only reads.
Geometry comes from the theme's screen size, so landscape, portrait and
small panels all work.
"""

from __future__ import annotations

import pygame

from kiosk.ui import text, theme as th
from kiosk.ui.enrol import capture_view, person_view, phrases, result_view
from kiosk.ui.enrol.chrome import FIELD, body_rect, close_rect, draw_header
from kiosk.ui.touch import Button, draw_button

BUILDERS = {"person": person_view.build, "capture": capture_view.build}
PAINTERS = {"person": person_view.draw, "capture": capture_view.draw}


def build(s) -> list[Button]:
    words = text.CLOSE if s.step == "done" else phrases.ENROL_CANCEL
    buttons = [Button(close_rect(s.theme), words, s.close, icon="cross", role="banner_detail")]
    return buttons + BUILDERS.get(s.step, result_view.build)(s, body_rect(s.theme))


def draw(surface: pygame.Surface, s) -> None:
    surface.fill(th.BG)
    draw_header(surface, s)
    PAINTERS.get(s.step, result_view.draw)(surface, s, body_rect(s.theme))
    for button in s.buttons:
        if button.kind != FIELD:
            draw_button(surface, s.theme, button)
