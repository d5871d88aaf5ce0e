"""The wall clock, checked against the monotonic one: pure rules, with both clocks passed in.

Sessions follow the timetable, which is wall-clock time, but the wall clock can jump: an NTP
correction after a cold boot with a flat clock battery (+2.5 h), a clock set back a day by hand.
So the scheduler ends a session only when the wall clock AND the time counted by the
monotonic clock since the session was first seen agree that its end (or the next class's
opening) has passed; a jump alone never ends one, nor marks anyone absent. And a wall clock
behind the newest moment the store had written before this run (plus the time counted
since) is doubted: no session opens or ends on it, and the screen says so. While the wall clock
disagrees with the monotonic count since a running session was first seen, the door keeps serving
that session, timed by that count (`holds`, kiosk.clock.DoorClock), and says the clock looks wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kiosk.clock import BEHIND_TOLERANCE

log = logging.getLogger(__name__)

JUMP_S = 60.0  # the wall clock moving this much more (or less) than the monotonic one is a jump


@dataclass
class ClockGuard:
    newest_write: datetime | None  # read from the store when the scheduler starts
    trusted: tuple[datetime, float] | None = None  # (wall, monotonic) the time is known to have reached
    last: tuple[datetime, float] | None = None  # (wall, monotonic) at the last tick
    anchors: dict[str, tuple[datetime, float]] = field(default_factory=dict)  # session -> first seen

    def observe(self, now: datetime, mono: float) -> float:
        """Once per tick: the jump since the last tick in seconds (0 when none), logged as a warning."""
        if self.trusted is None:  # the store's newest write; on an empty store, the first reading
            self.trusted = (self.newest_write or now, mono)
        jump = 0.0
        if self.last is not None:
            expected = self.last[0] + timedelta(seconds=mono - self.last[1])
            jump = (now - expected).total_seconds()
            if abs(jump) < JUMP_S:
                jump = 0.0
            else:
                log.warning("the wall clock jumped by %+.0f s: sessions end only once the monotonic clock "
                            "agrees that their end has passed", jump)
        self.last = (now, mono)
        return jump

    def trusted_now(self, mono: float) -> datetime | None:
        """The time known to have been reached, carried forward by the monotonic count."""
        return None if self.trusted is None else self.trusted[0] + timedelta(seconds=mono - self.trusted[1])

    def doubtful(self, now: datetime, mono: float) -> bool:
        """The wall clock is behind what is known to have happened already (a write, a confirmed end)."""
        trusted = self.trusted_now(mono)
        return trusted is not None and now < trusted - BEHIND_TOLERANCE

    def seen(self, session_id: str, now: datetime, mono: float) -> None:
        """A session is active: its anchor for the monotonic estimate of the time."""
        self.anchors.setdefault(session_id, (now, mono))

    def end_confirmed(self, session_id: str, due: datetime, now: datetime, mono: float) -> bool:
        """`due` (the session's end, or the next class's opening) has passed by the wall clock and by
        the monotonic count since the session was first seen. An end confirmed by an anchor from an
        earlier tick also vouches for the wall clock: time is known to have reached `now`."""
        known = session_id in self.anchors
        wall, at = self.anchors.setdefault(session_id, (now, mono))
        confirmed = now >= due and wall + timedelta(seconds=mono - at) >= due
        if confirmed and known and (self.trusted_now(mono) is None or now > self.trusted_now(mono)):
            self.trusted = (now, mono)
        return confirmed

    def estimate(self, session_id: str, mono: float) -> datetime | None:
        """The time by the monotonic count since the session was first seen (None: not seen)."""
        anchor = self.anchors.get(session_id)
        return None if anchor is None else anchor[0] + timedelta(seconds=mono - anchor[1])

    def holds(self, session_id: str, ends_at: datetime, now: datetime, mono: float) -> bool:
        """The wall clock disagrees (by a jump) with the monotonic count since this active session was
        first seen, and by that count the session is still on: the door keeps it, by that count."""
        estimate = self.estimate(session_id, mono)
        return estimate is not None and abs((now - estimate).total_seconds()) >= JUMP_S and estimate < ends_at

    def forget(self, session_id: str) -> None:
        self.anchors.pop(session_id, None)
