"""The kiosk's screen: the only package that draws, and the only one with words.

Start at app.py (the pygame window, the main loop and the state stack) and
states.py (the stack, Tuxemon style, and the live screen: update changes state,
draw never does). model.py turns the workers' messages into what the live screen
shows; widgets.py, feed.py and cards.py draw it. staff_layer.py adds the Staff
button, pin_overlay.py and overlay_views.py the instructor's PIN overlay, and
enrol/ the guided enrolment screens. text.py (and enrol/phrases.py) hold every
word shown; theme.py and layout.py the colours, sizes and places; sound.py the
short sounds; error_screen.py the screen of a kiosk that cannot start.
"""

import sys


def _import_pygame() -> None:
    """Import pygame once, without setuptools' pkg_resources: pygame's pkgdata imports it only
    to find pygame's own files and falls back to reading them from its folder without it. That
    import costs 15 MB and 0.15 s in a bare interpreter, a few MB in the kiosk (BENCHMARKS.md,
    "Memory at the door"). It is
    blocked for this one import only, so anything later that wants pkg_resources still gets it."""
    if "pygame" in sys.modules or "pkg_resources" in sys.modules:
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment] - None makes `import` fail
    try:
        import pygame  # noqa: F401
    finally:
        del sys.modules["pkg_resources"]


_import_pygame()
