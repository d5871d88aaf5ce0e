"""Helpers for tests that follow messages on their way to the screen."""

from __future__ import annotations

import queue

from kiosk.messages.lanes import Lanes, Outbox


class OutboxSpy(Outbox):
    """An Outbox on real lanes that also keeps a copy of every message sent, in order. The
    latest lane keeps only the newest value, and some tests follow each one."""

    def __init__(self, producer: str = "test", lanes: Lanes | None = None):
        super().__init__(lanes or Lanes(), producer)
        self.seen: queue.Queue = queue.Queue()

    def latest(self, message, key=None) -> None:
        self.seen.put(message)
        super().latest(message, key)

    def deliver(self, message) -> None:
        self.seen.put(message)
        super().deliver(message)

    def sent(self) -> list:
        """Everything sent since the last call."""
        out = []
        while True:
            try:
                out.append(self.seen.get_nowait())
            except queue.Empty:
                return out


class ScreenLanes(Lanes):
    """The real lanes to the screen, with put() for tests: each message goes by its own lane,
    as a worker would send it (Outbox.send)."""

    def __init__(self, lossless_size: int | None = None):
        super().__init__() if lossless_size is None else super().__init__(lossless_size)
        self._test_outbox = self.outbox("test")

    def put(self, message) -> None:
        self._test_outbox.send(message)
