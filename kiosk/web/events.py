"""Live updates: one poller reads the source's change feed and fans it out to every
open event stream (server-sent events), with no queue per browser.

Each stream remembers the last sequence number it sent and reads the shared ring
from there, so a slow browser holds up no one, and a reconnecting one (the
browser sends Last-Event-ID) gets what it missed. One that fell further behind
than the ring, or that reconnects to a restarted server, is told to reload.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import deque
from typing import AsyncIterator, Callable

import anyio.to_thread

from kiosk.web.model import Change
from kiosk.web.source import AttendanceSource

log = logging.getLogger(__name__)

RING = 5000  # changes kept for streams that fall behind or reconnect
KEEPALIVE_S = 15.0  # a comment line this often keeps proxies from closing an idle stream
RETRY_MS = 2000  # how soon a browser reconnects a dropped stream


class EventHub:
    """The changes seen so far, numbered; only the event loop's thread touches it."""

    def __init__(self, size: int = RING):
        self.run = secrets.token_hex(4)  # ids from another run of the server mean nothing here
        self.seq = 0
        self.ring: deque[tuple[int, Change]] = deque(maxlen=size)
        self._new: asyncio.Event | None = None
        self.published = 0

    def publish(self, changes: list[Change]) -> None:
        for change in changes:
            self.seq += 1
            self.ring.append((self.seq, change))
        self.published += len(changes)
        if changes and self._new is not None:
            self._new.set()
            self._new = None

    def after(self, seq: int) -> list[tuple[int, Change]] | None:
        """Changes numbered above `seq`; None when some of them already left the ring."""
        if seq >= self.seq:
            return []
        if not self.ring or self.ring[0][0] > seq + 1:
            return None
        return [item for item in self.ring if item[0] > seq]

    async def wait(self, seq: int, timeout: float) -> None:
        """Until a change above `seq` is published, or `timeout` seconds."""
        if self.seq > seq:
            return
        if self._new is None:
            self._new = asyncio.Event()
        try:
            await asyncio.wait_for(self._new.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def resume_point(self, last_event_id: str | None) -> int | None:
        """Where a reconnecting browser left off (None: unknown, it should reload)."""
        if not last_event_id:
            return self.seq
        run, _, number = last_event_id.partition(".")
        if run != self.run or not number.isdigit():
            return None
        return min(int(number), self.seq)


async def poll_changes(source: AttendanceSource, hub: EventHub, interval_s: float) -> None:
    """Runs for the life of the server: blocking reads go to a worker thread. The first read
    (where the feed stands now) retries like every other: a database that cannot be read when
    the server starts pauses live updates, and they start once it can."""
    cursor, started, failing = None, False, False
    while True:
        try:
            changes, cursor = await anyio.to_thread.run_sync(source.changes, cursor)
        except Exception as err:  # a locked file or an unreachable server: try again next tick
            if not failing:
                log.warning("live updates paused: %s", err)
            failing = True
            await asyncio.sleep(interval_s)
            continue
        if failing:
            log.info("live updates resumed")
            failing = False
        if started:
            hub.publish(changes)
        started = True  # the first read only finds where the feed stands
        await asyncio.sleep(interval_s)


async def event_stream(hub: EventHub, start: int | None, visible: Callable[[str], bool],
                       signed_in: Callable[[], bool]) -> AsyncIterator[str]:
    """The text/event-stream body for one browser."""
    yield f"retry: {RETRY_MS}\n\n"
    seq = hub.seq if start is None else start
    if start is None:
        yield _frame("reset", {"reason": "restarted"}, None)
    while signed_in():
        items = hub.after(seq)
        if items is None:
            yield _frame("reset", {"reason": "fell behind"}, None)
            seq = hub.seq
            continue
        for number, change in items:
            seq = number
            if visible(change.class_code):
                yield _frame("attendance", change.as_dict(), f"{hub.run}.{number}")
        if not items:
            before = hub.seq
            await hub.wait(seq, KEEPALIVE_S)
            if hub.seq == before:
                yield ": keep-alive\n\n"
    yield _frame("signed_out", {}, None)


def _frame(event: str, data: dict, event_id: str | None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
