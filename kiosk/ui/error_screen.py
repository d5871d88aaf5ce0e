"""A safe error screen for a kiosk that cannot start: a broken config, or a database
that cannot be opened (damaged, on a full disk, unreadable).

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
from kiosk.ui import theme

log = logging.getLogger(__name__)

# Its words (the live screen's are in kiosk/ui/text.py).
CONFIG_ERROR_TITLE = "The kiosk cannot start"
CONFIG_ERROR_LEAD = "Its configuration has a problem:"
CONFIG_ERROR_HELP = "Ask IT to fix {path}. The kiosk starts by itself once it is fixed."
DATABASE_ERROR_LEAD = "Its database cannot be used:"
# The store's line says the fix for its fault (a restore, a chown): the backups fit only a damaged file.
DATABASE_ERROR_HELP = "Ask IT to do what the line above says. The kiosk starts by itself once it is fixed."

RESTART_EXIT_CODE = 75  # EX_TEMPFAIL: Restart=on-failure starts the kiosk again
RECHECK_S = 5.0


def show_config_error(reason: str, config_path: Path, recheck: Callable[[], str],
                      stop: threading.Event, exit_after: float | None = None,
                      recheck_s: float = RECHECK_S, screenshot: Path | None = None) -> int:
    """Block on the error screen; returns the process exit code. `recheck()` reads the config
    again and returns what is wrong with it now ("" once it is valid)."""
    lines = (CONFIG_ERROR_LEAD, CONFIG_ERROR_HELP.format(path=config_path))
    return show_boot_error(reason, lines, recheck, stop, exit_after, recheck_s, screenshot)


def show_database_error(reason: str, recheck: Callable[[], str], stop: threading.Event,
                        exit_after: float | None = None, recheck_s: float = RECHECK_S,
                        screenshot: Path | None = None) -> int:
    """The database cannot be used at boot: the same screen, with the store's one line (which
    file, and what to do), re-checking until it is fixed (a restore, space freed, its owner set)."""
    lines = (DATABASE_ERROR_LEAD, DATABASE_ERROR_HELP)
    return show_boot_error(reason, lines, recheck, stop, exit_after, recheck_s, screenshot)


def show_boot_error(reason: str, lines: tuple[str, str], recheck: Callable[[], str], stop: threading.Event,
                    exit_after: float | None = None, recheck_s: float = RECHECK_S,
                    screenshot: Path | None = None) -> int:
    """Block on the error screen (`lines`: the lead above the reason, the help below it) until
    `recheck()` finds nothing wrong (""); a different problem found meanwhile replaces the one shown
    (half an edit can move a config error to another line). Returns the process exit code."""
    log.error("on screen: %s %s", CONFIG_ERROR_TITLE, reason)
    notifier = SystemdNotifier()
    notifier.send(f"READY=1\nSTATUS=Cannot start: {reason}")
    screen = _open_display()
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
                standing = recheck()
                if not standing:
                    log.info("the problem is fixed; restarting the kiosk")
                    return RESTART_EXIT_CODE
                if standing != reason:
                    log.error("on screen now: %s", standing)
                    reason = standing
            if _quit_requested():
                return 2
            _draw(screen, look, reason, lines)
            pygame.display.flip()
            if screenshot is not None:
                pygame.image.save(screen, str(screenshot))
            stop.wait(0.2)
        return 2
    finally:
        pygame.display.quit()


def _open_display() -> pygame.Surface:
    pygame.display.init()
    pygame.font.init()
    try:
        screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
    except pygame.error:
        screen = pygame.display.set_mode((1024, 600))
    pygame.mouse.set_visible(False)
    return screen


def _quit_requested() -> bool:
    for event in pygame.event.get():
        if event.type == pygame.KEYDOWN and event.key == pygame.K_q:
            mods = getattr(event, "mod", 0)
            if mods & pygame.KMOD_CTRL and mods & pygame.KMOD_SHIFT:
                return True
    return False


def paragraphs(look: "theme.Theme", reason: str, lines_around: tuple[str, str],
               width: int, height: int) -> list[tuple[list[str], int, tuple, bool]]:
    """(wrapped lines, pixel size, colour, bold) per paragraph: the reason and the help are wrapped,
    never cut (the fix is at their end: a line and column, a chown), and made smaller only when the
    whole does not fit the screen's height."""
    parts = [(CONFIG_ERROR_TITLE, "card_title", theme.AMBER, True),
             (lines_around[0], "card_detail", theme.TEXT, False),
             (reason, "card_detail", theme.TEXT, True),
             (lines_around[1], "row_detail", theme.TEXT_MUTED, False)]
    for ratio in (1.0, 0.85, 0.7, 0.55):
        laid = []
        for words, role, colour, bold in parts:
            px = max(8, round(look.px(theme.SIZE[role]) * ratio))
            laid.append((theme.wrap(look.font(px, bold), words, width), px, colour, bold))
        if _height(look, laid) <= height:
            break
    return laid


def _height(look: "theme.Theme", laid) -> int:
    return sum(len(lines) * look.font(px, bold).get_linesize() for lines, px, _, bold in laid) + \
        look.px(18) * (len(laid) - 1)


def _draw(screen: pygame.Surface, look: "theme.Theme", reason: str, lines_around: tuple[str, str]) -> None:
    screen.fill(theme.BG)
    w, h = screen.get_size()
    x = look.px(60)
    laid = paragraphs(look, reason, lines_around, w - 2 * x, h - 2 * look.px(30))
    y = max(look.px(30), min(h // 3, (h - _height(look, laid)) // 2))
    for lines, px, colour, bold in laid:
        for line in lines:
            surface = look.text(line, px, colour, bold)
            screen.blit(surface, (x, y))
            y += look.font(px, bold).get_linesize()
        y += look.px(18)
