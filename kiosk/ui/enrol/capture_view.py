"""The capture step: the live feed with the student's face box, one big line of
guidance under it, and which poses have their photos at the side.

The guidance and the box come from the recognition worker's latest
CaptureGuidance; the picture is the live feed the kiosk already shows.
"""

from __future__ import annotations

import pygame
from pygame import Rect

from kiosk.ui import cards, text, theme as th
from kiosk.ui.enrol import phrases
from kiosk.ui.enrol.chrome import Column
from kiosk.ui.feed import round_corners
from kiosk.ui.icons import icon
from kiosk.ui.layout import DEFAULT_ASPECT
from kiosk.ui.theme import Theme
from kiosk.ui.touch import Button, draw_panel

GOOD_ADVICE = ("good", "done")  # shown in green; everything else asks for a change, in amber
TURN_ADVICE = ("left", "right")


def geometry(s, body: Rect) -> dict[str, Rect]:
    t = s.theme
    advice_h = t.px(96)
    aspect = s.live.feed.aspect or DEFAULT_ASPECT
    portrait = body.h > body.w
    if portrait:  # feed on top, the guidance under it, progress below that
        area = Rect(body.x, body.y, body.w, body.h // 2)
    else:
        area = Rect(body.x, body.y, body.w - t.px(360), body.h)
    w = min(area.w, round((area.h - advice_h) * aspect))
    feed = Rect(0, 0, w, round(w / aspect))
    feed.midtop = (area.centerx, area.y)
    advice = Rect(feed.x, feed.bottom + t.px(8), feed.w, advice_h - t.px(8))
    if portrait:
        side = Rect(body.x, advice.bottom + t.px(16), body.w, body.bottom - advice.bottom - t.px(16))
    else:
        side = Rect(area.right + t.px(20), body.y, body.right - area.right - t.px(20), body.h)
    half = (side.w - t.px(12)) // 2
    back = Rect(side.x, side.bottom - t.px(58), half, t.px(58))
    return {"feed": feed, "advice": advice, "side": side, "back": back, "restart": back.move(half + t.px(12), 0)}


def build(s, body: Rect) -> list[Button]:
    g = geometry(s, body)
    return [Button(g["back"], text.BACK, s.back_to_person, role="row_detail"),
            Button(g["restart"], phrases.ENROL_RESTART, s.start_capture, role="row_detail")]


def draw(surface: pygame.Surface, s, body: Rect) -> None:
    t = s.theme
    g = geometry(s, body)
    feed = g["feed"]
    if s.live.feed.draw(surface, feed):
        _draw_box(surface, s, feed)
    else:
        cards.draw_starting(surface, feed, t, s.live.model.now)
    round_corners(surface, feed, t.px(18), t)
    _draw_advice(surface, s, g["advice"])
    _draw_progress(surface, s, g["side"], g["back"].y - t.px(16))


def _draw_box(surface: pygame.Surface, s, feed: Rect) -> None:
    guidance, size = s.guidance, s.live.feed.frame_size
    if guidance is None or guidance.box is None or not size:
        return
    scale = feed.w / size[0]
    box = guidance.box
    rect = Rect(round(feed.x + box.x * scale), round(feed.y + box.y * scale), round(box.w * scale),
                round(box.h * scale))
    colour = th.GREEN_BRIGHT if guidance.advice in GOOD_ADVICE else th.AMBER
    clip = surface.get_clip()
    surface.set_clip(feed)
    pygame.draw.rect(surface, colour, rect, s.theme.px(4), border_radius=s.theme.px(10))
    surface.set_clip(clip)


def _draw_advice(surface: pygame.Surface, s, rect: Rect) -> None:
    """The one instruction to follow now: words and an icon, green when good, amber otherwise."""
    t, guidance = s.theme, s.guidance
    if guidance is None:
        waiting = s.live.model.recognition_message if not s.live.model.recognition_ready else phrases.ENROL_WAITING
        line = t.text_fit(waiting or phrases.ENROL_WAITING, "notice_detail", th.TEXT_MUTED, rect.w)
        surface.blit(line, line.get_rect(center=rect.center))
        return
    good = guidance.advice in GOOD_ADVICE
    colour = th.GREEN_BRIGHT if good else th.AMBER
    mark = icon(t, "check" if good else "face", t.px(44), th.TEXT_DARK, disc=colour)
    words = phrases.ENROL_ADVICE.get(guidance.advice, guidance.advice)
    title = t.text_fit(words, "notice_title", colour, rect.w - mark.get_width() - t.px(16), bold=True)
    note = (t.text_fit(phrases.ENROL_TURN_NOTE, "row_detail", th.TEXT_MUTED, rect.w - mark.get_width() - t.px(16))
            if guidance.advice in TURN_ADVICE else None)
    height = title.get_height() + (note.get_height() if note else 0)
    width = mark.get_width() + t.px(16) + max(title.get_width(), note.get_width() if note else 0)
    x, y = rect.centerx - width // 2, rect.centery - height // 2
    surface.blit(mark, mark.get_rect(midleft=(x, rect.centery)))
    surface.blit(title, (x + mark.get_width() + t.px(16), y))
    if note:
        surface.blit(note, (x + mark.get_width() + t.px(16), y + title.get_height()))


def _draw_progress(surface: pygame.Surface, s, side: Rect, bottom: int) -> None:
    """Who is being enrolled, then one row per pose: done (tick), next (dot) or to come (ring)."""
    t = s.theme
    panel = Rect(side.x, side.y, side.w, bottom - side.y)
    draw_panel(surface, t, panel)
    column = Column(panel.inflate(-2 * t.px(20), -2 * t.px(18)))
    name = s.form.display_name() or s.form.values["id"]
    surface.blit(t.text_fit(phrases.ENROL_CAPTURE_TITLE.format(name=name), "row_name", th.TEXT, column.rect.w,
                            bold=True), column.take(t.px(34)).topleft)
    surface.blit(t.text_fit(s.form.values["id"], "row_detail", th.TEXT_MUTED, column.rect.w),
                 column.take(t.px(34), t.px(10)).topleft)
    header = column.take(t.px(30), t.px(4))
    surface.blit(t.text(phrases.ENROL_PROGRESS.upper(), "panel_header", th.TEXT_MUTED, bold=True), header.topleft)
    guidance = s.guidance
    counts = dict(guidance.counts) if guidance else {}
    per_pose = guidance.per_pose if guidance else 0
    for pose, words in phrases.ENROL_POSES.items():
        row = column.take(t.px(58))
        if row.bottom > panel.bottom:
            break
        _draw_pose_row(surface, t, row, words, counts.get(pose, 0), per_pose,
                       current=guidance is not None and guidance.target == pose)


def _draw_pose_row(surface: pygame.Surface, t: Theme, row: Rect, words: str, done: int, total: int,
                   current: bool) -> None:
    finished = total > 0 and done >= total
    if finished:
        mark = icon(t, "check", t.px(34), th.TEXT_DARK, disc=th.GREEN_BRIGHT)
    else:
        mark = icon(t, "dot" if current else "ring", t.px(34), th.BLUE_BRIGHT if current else th.TEXT_MUTED)
    surface.blit(mark, mark.get_rect(midleft=(row.x, row.centery)))
    count = t.text(phrases.ENROL_POSE_COUNT.format(n=done, total=total or "–"), "row_detail",
                   th.GREEN_BRIGHT if finished else th.TEXT_MUTED)
    surface.blit(count, count.get_rect(midright=(row.right, row.centery)))
    room = row.w - mark.get_width() - count.get_width() - t.px(24)
    label = t.text_fit(words, "row_name", th.TEXT if current or finished else th.TEXT_MUTED, room, bold=current)
    surface.blit(label, label.get_rect(midleft=(row.x + mark.get_width() + t.px(12), row.centery)))
