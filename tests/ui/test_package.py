"""kiosk.ui imports pygame once, without setuptools' pkg_resources (BENCHMARKS.md, "Memory at
the door"), and leaves pkg_resources importable for anything that wants it later."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CODE = """
import os, sys
os.environ["SDL_VIDEODRIVER"] = "dummy"
import kiosk.ui
import pygame
print("pkg_resources" in sys.modules)
pygame.font.init()
print(pygame.font.Font(None, 24).render("Checked in", True, (0, 0, 0)).get_width() > 0)
import pkg_resources  # noqa: F401 - still there for a later user
print("later")
"""


def test_pygame_comes_without_pkg_resources_and_still_draws_text():
    done = subprocess.run([sys.executable, "-c", CODE], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={"PYGAME_HIDE_SUPPORT_PROMPT": "1", "PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == ["False", "True", "later"], done.stderr[-500:]
