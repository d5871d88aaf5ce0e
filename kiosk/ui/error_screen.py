"""A safe error screen for a kiosk that cannot start (today: a broken config).

Under systemd, exiting on a bad config would only make the unit restart,
fail and restart again. Instead the kiosk shows the reason on screen,
keeps the watchdog fed, re-reads the config every few seconds, and exits
with RESTART_EXIT_CODE once it is valid, so systemd starts the real kiosk.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

import pygame

from kiosk.systemd_notify import SystemdNotifier
from kiosk.ui import text, theme

log = logging.getLogger(__name__)

RESTART_EXIT_CODE = 75  # EX_TEMPFAIL: Restart=on-failure starts the kiosk again
RECHECK_S = 5.0


def show_config_error(reason: str, config_path: Path, config_ok: Callable[[], bool],
                      stop: threading.Event, exit_after: float | None = None,
                      recheck_s: float = RECHECK_S, screenshot: Path | None = None) -> int:
    """Block on the error screen; returns the process exit code."""
    notifier = SystemdNotifier()
    notifier.send(f"READY=1\nSTATUS=Config error: {reason}")
    pygame.display.init()
    pygame.font.init()
    try:
        screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
    except pygame.error:
        screen = pygame.display.set_mode((1024, 600))
    pygame.mouse.set_visible(False)
    look = theme.Theme(screen.get_size())
    started = last_check = time.monotonic()
    try:
        while not stop.is_set():
            now = time.monotonic()
            if exit_after is not None and now - started >= exit_after:
                return 2
            if now - last_check >= recheck_s:
                last_check = now
                notifier.send("WATCHDOG=1")
                if config_ok():
                    log.info("config is valid again; restarting the kiosk")
                    return RESTART_EXIT_CODE
            if _quit_requested():
                return 2
            _draw(screen, look, reason, config_path)
            pygame.display.flip()
            if screenshot is not None:
                pygame.image.save(screen, str(screenshot))
            stop.wait(0.2)
        return 2
    finally:
        pygame.display.quit()


def _quit_requested() -> bool:
    for event in pygame.event.get():
        if event.type == pygame.KEYDOWN and event.key == pygame.K_q:
            mods = getattr(event, "mod", 0)
            if mods & pygame.KMOD_CTRL and mods & pygame.KMOD_SHIFT:
                return True
    return False


def _draw(screen: pygame.Surface, look: "theme.Theme", reason: str, config_path: Path) -> None:
    screen.fill(theme.BG)
    w, h = screen.get_size()
    x, y = look.px(60), h // 3
    lines = [
        (text.CONFIG_ERROR_TITLE, "card_title", theme.AMBER, True),
        (text.CONFIG_ERROR_LEAD, "card_detail", theme.TEXT, False),
        (reason, "card_detail", theme.TEXT, True),
        (text.CONFIG_ERROR_HELP.format(path=config_path), "row_detail", theme.TEXT_MUTED, False),
    ]
    for line, role, colour, bold in lines:
        surface = look.text_fit(line, role, colour, w - 2 * x, bold=bold)
        screen.blit(surface, (x, y))
        y += surface.get_height() + look.px(18)
