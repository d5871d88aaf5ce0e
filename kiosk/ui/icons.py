"""Small vector icons drawn with pygame shapes (nothing downloaded).

Each icon is drawn three times too large and smooth-scaled down, which
anti-aliases the edges; the result is cached by the theme, so the cost is
paid once per icon, size and colour.
"""

from __future__ import annotations

import math

import pygame

from kiosk.ui.theme import Colour, Theme

SUPERSAMPLE = 3
NAMES = ("check", "clock", "info", "question", "warning", "no_entry", "face", "camera_off", "cross",
         "dot", "ring", "stop")


def icon(theme: Theme, name: str, diameter: int, fg: Colour, disc: Colour | None = None) -> pygame.Surface:
    """A diameter x diameter transparent surface: optional filled disc, glyph on top."""
    key = ("icon", name, diameter, fg, disc)
    return theme.shape(key, lambda: _render(theme, name, diameter, fg, disc))


def _render(theme: Theme, name: str, diameter: int, fg: Colour, disc: Colour | None) -> pygame.Surface:
    big = diameter * SUPERSAMPLE
    surf = pygame.Surface((big, big), pygame.SRCALPHA)
    r = big / 2
    if disc is not None:
        pygame.draw.circle(surf, disc, (r, r), r)
    # Glyphs are drawn in a unit circle; inside a disc they sit a little smaller.
    unit = r * (0.62 if disc is not None else 0.95)
    _GLYPHS[name](surf, theme, (r, r), unit, fg)
    return pygame.transform.smoothscale(surf, (diameter, diameter))


def _pt(c, u, x, y):
    return (c[0] + x * u, c[1] + y * u)


def _stroke(surf, colour, points, width):
    """A polyline with round joints and caps."""
    w = max(2, round(width))
    pygame.draw.lines(surf, colour, False, points, w)
    for p in points:
        pygame.draw.circle(surf, colour, p, w / 2)


def _check(s, theme, c, u, col):
    _stroke(s, col, [_pt(c, u, -0.62, 0.02), _pt(c, u, -0.2, 0.44), _pt(c, u, 0.64, -0.42)], 0.24 * u)


def _clock(s, theme, c, u, col):
    pygame.draw.circle(s, col, c, 0.9 * u, max(2, round(0.16 * u)))
    _stroke(s, col, [_pt(c, u, 0, -0.52), c, _pt(c, u, 0.38, 0.18)], 0.16 * u)


def _info(s, theme, c, u, col):
    pygame.draw.circle(s, col, _pt(c, u, 0, -0.62), 0.15 * u)
    _stroke(s, col, [_pt(c, u, 0, -0.22), _pt(c, u, 0, 0.7)], 0.26 * u)


def _warning(s, theme, c, u, col):
    _stroke(s, col, [_pt(c, u, 0, -0.7), _pt(c, u, 0, 0.22)], 0.26 * u)
    pygame.draw.circle(s, col, _pt(c, u, 0, 0.62), 0.15 * u)


def _question(s, theme, c, u, col):
    glyph = theme.font(max(8, round(2.0 * u)), True).render("?", True, col)
    s.blit(glyph, glyph.get_rect(center=(c[0], c[1] + 0.04 * u)))


def _no_entry(s, theme, c, u, col):
    _stroke(s, col, [_pt(c, u, -0.6, 0), _pt(c, u, 0.6, 0)], 0.28 * u)


def _cross(s, theme, c, u, col):
    _stroke(s, col, [_pt(c, u, -0.5, -0.5), _pt(c, u, 0.5, 0.5)], 0.24 * u)
    _stroke(s, col, [_pt(c, u, 0.5, -0.5), _pt(c, u, -0.5, 0.5)], 0.24 * u)


def _face(s, theme, c, u, col):
    pygame.draw.circle(s, col, c, 0.9 * u, max(2, round(0.13 * u)))
    pygame.draw.circle(s, col, _pt(c, u, -0.32, -0.2), 0.12 * u)
    pygame.draw.circle(s, col, _pt(c, u, 0.32, -0.2), 0.12 * u)
    arc = [_pt(c, u, 0.42 * math.cos(a), 0.12 + 0.3 * math.sin(a))
           for a in (math.pi * (0.15 + 0.7 * i / 12) for i in range(13))]
    _stroke(s, col, arc, 0.12 * u)


def _camera_off(s, theme, c, u, col):
    w = max(2, round(0.13 * u))
    body = pygame.Rect(0, 0, 1.5 * u, 1.0 * u)
    body.center = (round(c[0] - 0.12 * u), round(c[1] + 0.08 * u))
    pygame.draw.rect(s, col, body, w, border_radius=round(0.18 * u))
    pygame.draw.polygon(s, col, [_pt(c, u, 0.62, -0.12), _pt(c, u, 0.95, -0.35), _pt(c, u, 0.95, 0.5),
                                 _pt(c, u, 0.62, 0.28)])
    pygame.draw.circle(s, col, (body.centerx, body.centery), 0.24 * u, w)
    _stroke(s, col, [_pt(c, u, -0.85, -0.75), _pt(c, u, 0.8, 0.85)], 0.16 * u)


def _dot(s, theme, c, u, col):
    pygame.draw.circle(s, col, c, 0.9 * u)


def _stop(s, theme, c, u, col):
    side = 1.3 * u
    pygame.draw.rect(s, col, pygame.Rect(c[0] - side / 2, c[1] - side / 2, side, side), border_radius=round(0.2 * u))


def _ring(s, theme, c, u, col):
    pygame.draw.circle(s, col, c, 0.85 * u, max(2, round(0.28 * u)))


def _keypad(s, theme, c, u, col):
    """Nine keys: a code typed on the keypad."""
    for row in (-0.6, 0, 0.6):
        for column in (-0.6, 0, 0.6):
            pygame.draw.circle(s, col, _pt(c, u, column, row), 0.2 * u)


_GLYPHS = {
    "keypad": _keypad, "check": _check, "clock": _clock, "info": _info, "question": _question, "warning": _warning,
    "no_entry": _no_entry, "face": _face, "camera_off": _camera_off, "cross": _cross,
    "dot": _dot, "ring": _ring, "stop": _stop,
}
