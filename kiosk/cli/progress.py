"""A one-line text progress bar on stderr, for enrolment and other batch work."""

from __future__ import annotations

import sys

WIDTH = 30


class Progress:
    def __init__(self, total: int, label: str, stream=None):
        self.total = max(total, 1)
        self.label = label
        self.count = 0
        self.stream = stream or sys.stderr
        self._draw()

    def step(self) -> None:
        self.count += 1
        self._draw()

    def done(self) -> None:
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self) -> None:
        filled = WIDTH * self.count // self.total
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.count}/{self.total}")
        self.stream.flush()
