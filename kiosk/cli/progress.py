"""A one-line text progress bar on stderr, for enrolment and other batch work. Redrawn in place only
on a terminal: into a log or a pipe, carriage returns would leave a smear of bars, so there it writes
one line when the work is done."""

from __future__ import annotations

import sys

WIDTH = 30


class Progress:
    def __init__(self, total: int, label: str, stream=None):
        self.total = max(total, 1)
        self.label = label
        self.count = 0
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._draw()

    def step(self) -> None:
        self.count += 1
        self._draw()

    def done(self) -> None:
        self.stream.write("\n" if self.live else f"{self.label}: {self.count}/{self.total}\n")
        self.stream.flush()

    def _draw(self) -> None:
        if not self.live:
            return
        filled = WIDTH * self.count // self.total
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.count}/{self.total}")
        self.stream.flush()
