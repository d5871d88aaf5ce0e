"""How messages travel between the threads: two lanes to the screen, bounded queues back.

- ``Outbox.latest(message)`` is lossy and keyed: faces seen, guidance, camera,
  recognition and sync state, hints. A newer value with the same key replaces
  the one the screen has not read yet; nothing else is ever lost that way.
- ``Outbox.deliver(message)`` is lossless: check-ins, refusals, PIN verdicts,
  action results, session ends, a finished capture. The lane is bounded; when it
  is full the producer keeps the message (in order, behind any it already keeps)
  and hands it over on its next ``flush()``, which it calls every loop turn. A
  worker never blocks on the screen, and the wait is counted and logged here.
- ``Commands`` are the screen's bounded queues to the workers; ``submit`` never
  blocks the screen, and a refused command is counted and logged here.

kiosk/runtime.py creates one Lanes, gives every producer its own Outbox and the
screen the Lanes to `take` from.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from typing import Hashable

log = logging.getLogger(__name__)

LOSSLESS_SIZE = 256  # messages waiting for the screen; a burst beyond this waits in its producer
COMMAND_QUEUE_SIZE = 64  # commands waiting for a worker; people press buttons far slower than this
WAIT_LOG_S = 5.0  # while a producer keeps waiting, say so this often


def is_lossless(message: object) -> bool:
    return bool(getattr(type(message), "LOSSLESS", False))


class Lanes:
    """Both lanes to the screen. Producers write through their Outbox; the screen calls take()."""

    def __init__(self, lossless_size: int = LOSSLESS_SIZE):
        self._lossless: queue.Queue = queue.Queue(maxsize=lossless_size)
        self._latest: dict[Hashable, object] = {}
        self._lock = threading.Lock()
        self._counts = {"delivered": 0, "waits": 0, "replaced": 0, "max_backlog": 0}

    def outbox(self, producer: str) -> Outbox:
        return Outbox(self, producer)

    def take(self, limit: int) -> list[object]:
        """For the screen's thread: up to `limit` lossless messages in the order sent, then
        the newest value of each key."""
        taken = []
        while len(taken) < limit:
            try:
                taken.append(self._lossless.get_nowait())
            except queue.Empty:
                break
        with self._lock:
            latest, self._latest = list(self._latest.values()), {}
        return taken + latest

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {f"lane_{k}": v for k, v in self._counts.items()}

    # -- for Outbox ----------------------------------------------------------------

    def _put_latest(self, key: Hashable, message: object) -> None:
        with self._lock:
            if key in self._latest:
                self._counts["replaced"] += 1
            self._latest[key] = message

    def _offer(self, message: object) -> bool:
        try:
            self._lossless.put_nowait(message)
        except queue.Full:
            return False
        with self._lock:
            self._counts["delivered"] += 1
        return True

    def _full(self, producer: str, backlog: int, first: bool, say: bool) -> None:
        with self._lock:
            self._counts["waits"] += first
            self._counts["max_backlog"] = max(self._counts["max_backlog"], backlog)
        if say:
            log.warning("screen lane full: %s keeps %d message(s) and retries", producer, backlog)

    def _caught_up(self, producer: str, waited_s: float) -> None:
        log.info("screen lane: %s delivered what it kept after %.1f s", producer, waited_s)


class Outbox:
    """One producer's way to the screen. Only that producer's thread uses it."""

    def __init__(self, lanes: Lanes, producer: str):
        self.lanes = lanes
        self.producer = producer
        self._kept: deque = deque()
        self._waiting_since: float | None = None
        self._last_said = 0.0

    def latest(self, message: object, key: Hashable | None = None) -> None:
        """Replace the screen's unread value for `key` (default: the message's type)."""
        if is_lossless(message):
            raise TypeError(f"{type(message).__name__} is lossless: deliver() it")
        self.lanes._put_latest(type(message) if key is None else key, message)

    def deliver(self, message: object) -> None:
        """Send a message that must arrive; never blocks (see flush)."""
        if not is_lossless(message):
            raise TypeError(f"{type(message).__name__} is a latest value: send it with latest()")
        self._kept.append(message)
        self.flush()

    def send(self, message: object) -> None:
        """By the message's own lane: deliver() a lossless one, latest() the rest."""
        if is_lossless(message):
            self.deliver(message)
        else:
            self.latest(message)

    def flush(self) -> int:
        """Hand over what is kept, oldest first, as far as the lane takes it; returns how many
        are still kept. Call it on every loop turn."""
        while self._kept:
            if not self.lanes._offer(self._kept[0]):
                self._note_full()
                return len(self._kept)
            self._kept.popleft()
        if self._waiting_since is not None:
            self.lanes._caught_up(self.producer, time.monotonic() - self._waiting_since)
            self._waiting_since = None
        return 0

    @property
    def kept(self) -> int:
        return len(self._kept)

    def _note_full(self) -> None:
        now = time.monotonic()
        first = self._waiting_since is None
        if first:
            self._waiting_since = now
        say = first or now - self._last_said >= WAIT_LOG_S
        if say:
            self._last_said = now
        self.lanes._full(self.producer, len(self._kept), first, say)


class Commands:
    """A bounded queue of commands from the screen to one worker."""

    def __init__(self, worker: str, size: int = COMMAND_QUEUE_SIZE):
        self.worker = worker
        self._queue: queue.Queue = queue.Queue(maxsize=size)
        self.refused = 0

    def submit(self, command: object) -> bool:
        """From the screen's thread; never blocks. False (counted, logged) if the worker is that far behind."""
        try:
            self._queue.put_nowait(command)
            return True
        except queue.Full:
            self.refused += 1
            log.warning("%s worker is %d commands behind; %s refused", self.worker, self._queue.maxsize,
                        type(command).__name__)
            return False

    def get(self, timeout: float) -> object | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self) -> list[object]:
        taken = []
        while True:
            try:
                taken.append(self._queue.get_nowait())
            except queue.Empty:
                return taken
