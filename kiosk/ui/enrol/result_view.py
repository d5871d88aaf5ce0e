"""The end of enrolment: saving, done (with any look-alike flagged) or refused
(the face is already enrolled as someone else, or the save failed)."""

from __future__ import annotations

import pygame
from pygame import Rect

from kiosk.ui import theme as th
from kiosk.ui.enrol import phrases
from kiosk.ui.enrol.chrome import Column, draw_message
from kiosk.ui.icons import icon
from kiosk.ui.touch import Button, draw_panel


def geometry(s, body: Rect) -> dict[str, Rect]:
    t = s.theme
    panel = Rect(0, 0, min(body.w, t.px(900)), min(body.h, t.px(460)))
    panel.center = body.center
    inner = panel.inflate(-2 * t.px(32), -2 * t.px(28))
    buttons = Rect(inner.x, inner.bottom - t.px(64), inner.w, t.px(64))
    return {"panel": panel, "inner": inner, "buttons": buttons}


def build(s, body: Rect) -> list[Button]:
    g = geometry(s, body)
    if s.step == "done":
        actions = [(phrases.ENROL_ANOTHER, s.enrol_another, "plain", None),
                   (phrases.ENROL_DONE, s.close, "primary", "check")]
    elif s.step == "refused":
        duplicate = s.result is not None and s.result.duplicate_of is not None
        actions = [(phrases.ENROL_RETAKE, s.start_capture, "plain", "face")]
        if duplicate and s.result.may_override:
            actions.append((phrases.ENROL_OVERRIDE, lambda: s.save(allow_duplicate=True), "danger", "warning"))
    else:
        return []
    row, gap = g["buttons"], s.theme.px(14)
    width = (row.w - gap * (len(actions) - 1)) // len(actions)
    return [Button(Rect(row.x + i * (width + gap), row.y, width, row.h), words, action, kind, icon=icon_name)
            for i, (words, action, kind, icon_name) in enumerate(actions)]


def draw(surface: pygame.Surface, s, body: Rect) -> None:
    t = s.theme
    g = geometry(s, body)
    draw_panel(surface, t, g["panel"])
    column = Column(g["inner"])
    head = column.take(t.px(64), t.px(18))
    title, detail, mark = _words(s)
    badge = icon(t, mark[0], t.px(56), th.TEXT_DARK, disc=mark[1])
    surface.blit(badge, badge.get_rect(midleft=head.midleft))
    room = head.w - badge.get_width() - t.px(18)
    words = t.text_fit(title, "notice_title", th.TEXT, room, bold=True)
    surface.blit(words, words.get_rect(midleft=(head.x + badge.get_width() + t.px(18), head.centery)))
    for line in detail:
        surface.blit(t.text_fit(line, "row_name", th.TEXT_MUTED, column.rect.w, min_ratio=0.75),
                     column.take(t.px(38), t.px(6)).topleft)
    for notice, colour, icon_name in _notices(s):
        draw_message(surface, t, column.take(t.px(40), t.px(6)), notice, colour, icon_name)


def _words(s) -> tuple[str, list[str], tuple[str, tuple]]:
    """(title, detail lines, (icon, colour)) for the step."""
    result = s.result
    if s.step == "saving":
        return phrases.ENROL_SAVING, [s.form.display_name()], ("clock", th.BLUE_BRIGHT)
    if s.step == "done" and result is not None:
        consent = s.form.consent_record()
        detail = [phrases.ENROL_SAVED_DETAIL.format(id=result.person_id, n=result.stored),
                  phrases.ENROL_SAVED_CONSENT[consent.given_by].format(guardian=consent.guardian)]
        return phrases.ENROL_SAVED.format(name=result.name), detail, ("check", th.GREEN_BRIGHT)
    return phrases.ENROL_NOT_SAVED, [phrases.enrolment_refusal(result) if result else s.message], ("cross", th.RED_BRIGHT)


def _notices(s) -> list[tuple[str, tuple, str]]:
    """Look-alikes after a save; the override rule after a duplicate refusal."""
    result = s.result
    if result is None:
        return []
    if result.ok:
        return [(phrases.ENROL_LOOKALIKE.format(name=name, id=pid), th.AMBER, "warning") for pid, name in result.lookalikes]
    if result.duplicate_of is not None:
        hint = phrases.ENROL_OVERRIDE_HINT if result.may_override else phrases.ENROL_OVERRIDE_ADMIN_ONLY
        return [(hint, th.TEXT_MUTED, "info")]
    return []
