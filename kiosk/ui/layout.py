"""Where everything goes, for landscape (feed left, panel right) and portrait
(feed on top, panel below). Pure geometry from the screen size and theme."""

from __future__ import annotations

from dataclasses import dataclass

from pygame import Rect

from kiosk.ui.theme import Theme

DEFAULT_ASPECT = 16 / 9


@dataclass(frozen=True)
class Layout:
    size: tuple[int, int]
    portrait: bool
    pad: int
    banner: Rect
    pill_anchor: tuple[int, int]  # left edge and vertical centre of the state pill
    title: Rect  # class headline and its detail line (starts after the pill in landscape)
    right: Rect  # time left / count, right-aligned
    feed_area: Rect  # the feed is fitted, aspect-correct, inside this
    prompt_h: int  # the instruction line under the feed
    panel: Rect
    clock: Rect
    recent: Rect
    status: Rect
    code: Rect  # the students' "Check in with a code" button, between the recent list and the status
    # The centre y of each status line: recognition first, camera last, the Staff button on the one
    # before last. Three lines when the recognition words need the full width (a limited live check).
    status_lines: tuple[int, ...] = ()

    def feed_rect(self, aspect: float | None) -> Rect:
        """The largest rect of the frame's aspect inside feed_area (centred in landscape,
        top-aligned in portrait so the panel stays close)."""
        aspect = aspect or DEFAULT_ASPECT
        area = self.feed_area
        w = min(area.w, round(area.h * aspect))
        h = min(area.h, round(w / aspect))
        rect = Rect(0, 0, w, h)
        rect.centerx = area.centerx
        if self.portrait:
            rect.top = area.top
        else:  # centre the feed and its prompt line together
            rect.top = area.top + (area.h - h) // 2
        return rect

    def prompt_rect(self, feed: Rect) -> Rect:
        return Rect(feed.x, feed.bottom, feed.w, self.prompt_h)


def compute_layout(size: tuple[int, int], theme: Theme, pill_w: int, status_rows: int = 2) -> Layout:
    w, h = size
    if h > w:
        return _portrait(size, theme, pill_w, status_rows)
    return _landscape(size, theme, pill_w, status_rows)


def _landscape(size: tuple[int, int], t: Theme, pill_w: int, rows: int) -> Layout:
    w, h = size
    pad = t.px(20)
    banner = Rect(0, 0, w, t.px(104))
    panel_w = max(round(w * 0.3), t.px(300))
    panel = Rect(w - panel_w, banner.bottom, panel_w, h - banner.bottom)
    prompt_h = t.px(54)
    feed_area = Rect(pad, banner.bottom + pad, panel.x - 2 * pad, h - banner.bottom - 2 * pad - prompt_h)
    right = Rect(panel.x + pad, 0, panel_w - 2 * pad, banner.h)
    title_x = pad + pill_w + t.px(22)
    title = Rect(title_x, 0, right.x - title_x - pad, banner.h)
    return Layout(size, False, pad, banner, (pad, banner.centery), title, right, feed_area, prompt_h,
                  panel, *_panel_parts(panel, pad, t, rows))


def _portrait(size: tuple[int, int], t: Theme, pill_w: int, rows: int) -> Layout:
    w, h = size
    pad = t.px(20)
    row = t.px(84)
    banner = Rect(0, 0, w, row + t.px(100))
    right = Rect(pad + pill_w + pad, 0, w - pill_w - 3 * pad, row)
    title = Rect(pad, row, w - 2 * pad, banner.h - row)
    feed_w = w - 2 * pad
    feed_area = Rect(pad, banner.bottom + pad, feed_w, min(round(feed_w / DEFAULT_ASPECT), round(h * 0.42)))
    prompt_h = t.px(54)
    panel = Rect(0, feed_area.bottom + prompt_h, w, h - feed_area.bottom - prompt_h)
    return Layout(size, True, pad, banner, (pad, row // 2 + t.px(6)), title, right, feed_area, prompt_h,
                  panel, *_panel_parts(panel, pad, t, rows))


def _panel_parts(panel: Rect, pad: int, t: Theme, rows: int) -> tuple:
    inner = panel.inflate(-2 * pad, -2 * pad)
    clock = Rect(inner.x, inner.y, inner.w, t.px(60))
    line_h = t.px(34)
    status_h = t.px(10) + rows * line_h  # an extra line grows upwards, taking from the recent list
    status = Rect(inner.x, inner.bottom - status_h, inner.w, status_h)
    lines = tuple(status.y + t.px(10) + line_h * i + line_h // 2 for i in range(rows))
    gap = t.px(18)
    code = Rect(inner.x, status.y - gap - t.px(58), inner.w, t.px(58))
    recent = Rect(inner.x, clock.bottom + gap, inner.w, code.y - clock.bottom - 2 * gap)
    return clock, recent, status, code, lines
