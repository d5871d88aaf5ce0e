"""The fullscreen kiosk window: pygame display, the main loop, the state stack.

Worker threads never touch pygame: they send kiosk/messages/ objects by the
two lanes (kiosk/messages/lanes.py) and publish the newest camera Frame
through `latest_frame`. Each tick the loop takes what the lanes hold without
blocking, shows a frame (the one the face boxes were found in, while it is
fresh), and draws the states. Quit is Ctrl+Shift+Q (Esc and the window's close button
also quit in windowed mode only), and quitting sets the shared stop event.

Fullscreen uses the display's native size (no mode switch); cfg.width and
cfg.height size the window in windowed mode. SDL's own SIGINT/SIGTERM
handlers are turned off so the process's signal handling stays the app's.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

import pygame

from kiosk.config import UiSection
from kiosk.messages.lanes import Lanes
from kiosk.model import Frame
from kiosk.ui.states import LiveState, State, StateStack
from kiosk.ui.stats import FrameStats, UiStats
from kiosk.ui.text import QUIT_KEYS_HELP

log = logging.getLogger(__name__)

__all__ = ["KioskApp", "UiStats", "QUIT_KEYS_HELP", "is_quit_keys"]

MAX_EVENTS_PER_TICK = 500  # lossless messages per tick: a burst must not starve drawing


def is_quit_keys(event: pygame.event.Event) -> bool:
    """Ctrl+Shift+Q, the only way out of fullscreen from the keyboard."""
    if event.type != pygame.KEYDOWN or event.key != pygame.K_q:
        return False
    mods = getattr(event, "mod", 0)
    return bool(mods & pygame.KMOD_CTRL) and bool(mods & pygame.KMOD_SHIFT)


class KioskApp:
    def __init__(self, cfg: UiSection, latest_frame: Callable[[], Frame | None], inbox: Lanes,
                 stop: threading.Event, clock: Callable[[], datetime], windowed: bool = False,
                 kiosk_name: str = "", layers: Sequence[Callable[[LiveState], State]] = ()):
        self.cfg = cfg
        self.latest_frame = latest_frame
        self.inbox = inbox
        self.stop = stop
        self.clock = clock
        self.fullscreen = cfg.fullscreen and not windowed
        self.kiosk_name = kiosk_name
        self.layers = layers  # factories for transparent states over the live screen (overlay launcher, sounds)
        self.stack = StateStack()
        self.live: LiveState | None = None
        self.screen: pygame.Surface | None = None
        self._last_image: pygame.Surface | None = None  # kept after the display closes
        self.on_frame: Callable[[], None] = lambda: None  # after each shown frame (systemd watchdog)
        self._frames = FrameStats()
        # Frames flipped in the last whole second, for other threads (the sync heartbeat).
        # Written only by the loop; one float attribute assignment is atomic. None: not running.
        self.current_fps: float | None = None
        self._published_windows = 0

    # -- lifecycle ---------------------------------------------------------------

    def open(self) -> pygame.Surface:
        """Create the window (or fullscreen at the display's native size) and the live screen."""
        os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")  # SIGTERM/SIGINT stay with the app
        pygame.display.init()
        pygame.font.init()
        if self.fullscreen:
            self.screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
            pygame.mouse.set_visible(False)
        else:
            self.screen = pygame.display.set_mode((self.cfg.width, self.cfg.height))
        pygame.display.set_caption(f"Attendance kiosk {self.kiosk_name}".strip())
        size = self.screen.get_size()
        log.info("display %s %dx%d (%s)", pygame.display.get_driver(), *size,
                 "fullscreen" if self.fullscreen else "windowed")
        self.live = LiveState(self.cfg, size, self.clock, self.kiosk_name)
        self.stack.push(self.live)
        for make in self.layers:
            self.stack.push(make(self.live))
        return self.screen

    def close(self) -> None:
        if self.screen is not None:
            self._last_image = self.screen.copy()
            self.screen = None
        pygame.display.quit()

    def run(self, exit_after: float | None = None) -> UiStats:
        """Loop until stop is set, the quit keys, or exit_after seconds (which leaves stop alone)."""
        if self.screen is None:
            self.open()
        ticker = pygame.time.Clock()
        started = time.monotonic()
        self._frames = FrameStats()
        self._published_windows = 0
        try:
            while not self.stop.is_set():
                dt = ticker.tick(self.cfg.fps) / 1000.0
                work_start = time.perf_counter()
                if self._pump_input():
                    log.info("quit requested at the kiosk")
                    self.stop.set()
                    break
                self.tick(dt)
                pygame.display.flip()
                self._frames.record(time.perf_counter(), work_start)
                self._publish_fps()
                self.on_frame()
                if exit_after is not None and time.monotonic() - started >= exit_after:
                    break
        finally:
            self.current_fps = None
            stats = self._frames.summary()
            self.close()
        log.info("ui: %d frames, median %.1f fps, min %.1f fps, %d camera frames dropped",
                 stats.frames_shown, stats.ui_fps_median, stats.ui_fps_min, stats.dropped_frames)
        return stats

    def _publish_fps(self) -> None:
        """Once per second, when FrameStats closes a one-second window."""
        frames = self._frames
        if frames.windows_closed != self._published_windows:
            self._published_windows = frames.windows_closed
            self.current_fps = float(frames.fps_windows[-1])

    # -- one tick ------------------------------------------------------------------

    def tick(self, dt: float) -> None:
        """Take the workers' messages, pick the frame to show, advance and draw (no flip)."""
        for message in self.inbox.take(MAX_EVENTS_PER_TICK):
            self.stack.handle_event(message)
        shown = self.live.set_frame(self.latest_frame())
        if shown is not None:
            self._frames.saw_frame(shown.index)
        self.stack.update(dt)
        self.stack.draw(self.screen)

    def _pump_input(self) -> bool:
        """Handle pygame input; True means quit."""
        for event in pygame.event.get():
            if is_quit_keys(event):
                return True
            if not self.fullscreen and (
                event.type == pygame.QUIT or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE
                                              and not getattr(self.stack.top, "takes_escape", False))
            ):  # an overlay that uses Esc for "back" (the PIN pad) keeps it
                return True
            if event.type == pygame.QUIT:
                log.info("ignoring window close in fullscreen; use %s", QUIT_KEYS_HELP)
                continue
            self.stack.handle_input(event)
        return False

    # -- output ---------------------------------------------------------------------

    def save_screenshot(self, path: str | Path) -> Path:
        """Write what is on screen (or was, after run() returned) as PNG."""
        image = self.screen if self.screen is not None else self._last_image
        if image is None:
            raise RuntimeError("nothing drawn yet")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(image, str(path))
        return path
