"""Clocks: the wall clock is injected everywhere so rules and the scheduler
can be tested at any moment, including DST changes."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock(tz_name: str = "") -> Clock:
    """Aware local time in the configured zone (the machine's zone if empty)."""
    tz = ZoneInfo(local_zone_name(tz_name))
    return lambda: datetime.now(tz)


def local_zone_name(tz_name: str = "") -> str:
    """An IANA name for schedules: the configured one, else the machine's, else UTC."""
    if tz_name:
        return tz_name
    try:
        parts = Path("/etc/localtime").resolve().parts
    except OSError:
        return "UTC"
    if "zoneinfo" in parts:
        return "/".join(parts[parts.index("zoneinfo") + 1 :])
    return "UTC"


def system_uptime() -> tuple[str, float]:
    """(this boot's id, seconds since boot): one count for every process on the machine, which
    no NTP correction or clock set by hand moves (CLOCK_BOOTTIME)."""
    return _boot_id(), time.clock_gettime(time.CLOCK_BOOTTIME)


def _boot_id() -> str:
    global _BOOT
    if _BOOT is None:
        try:
            _BOOT = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        except OSError:
            _BOOT = "unknown"
    return _BOOT


_BOOT: str | None = None


class FixedClock:
    """A clock for tests and simulations that moves only when told. `advance` moves time itself
    (the wall clock and the monotonic one together); `jump` moves only the wall clock, as an
    NTP correction or a clock set by hand does."""

    def __init__(self, start: datetime):
        self.now = start
        self.elapsed = 0.0  # what time.monotonic() would have counted

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.elapsed

    def advance(self, **delta: float) -> None:
        step = timedelta(**delta)
        self.now = self.now + step
        self.elapsed += step.total_seconds()

    def jump(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


class DoorClock:
    """The time the door goes by (check-ins, the screen, the staff overlay): the wall clock, except
    while the scheduler doubts it and keeps the session that was on (kiosk/scheduler/thread.py).
    Then it is the time the monotonic count carries forward from when that session was first seen.
    Only the scheduler reads `wall` and calls `trust` / `follow_wall`; the anchor is one attribute,
    swapped whole, so the other threads read either the old or the new one."""

    def __init__(self, wall: Clock, monotonic: Callable[[], float] | None = None):
        self.wall = wall
        self.monotonic = monotonic or getattr(wall, "monotonic", time.monotonic)  # a test clock brings its own
        self._anchor: tuple[datetime, float] | None = None  # (wall, monotonic) known to be right

    def __call__(self) -> datetime:
        anchor = self._anchor
        if anchor is None:
            return self.wall()
        return anchor[0] + timedelta(seconds=self.monotonic() - anchor[1])

    def trust(self, anchor: tuple[datetime, float] | None) -> None:
        """Go by the monotonic count from `anchor` (None: by the wall clock again)."""
        self._anchor = anchor

    @property
    def doubted(self) -> bool:
        return self._anchor is not None


# -- is the clock believable? ---------------------------------------------------------------

BEHIND_TOLERANCE = timedelta(minutes=5)  # a write this far in the "future" means the clock went back


def clock_doubts(now: datetime, newest_write: datetime | None, ntp_synced: bool | None) -> list[str]:
    """Why the wall clock may be wrong (empty: no reason to doubt it). Pure: doctor and the
    scheduler pass in the newest stored write and the NTP status they read."""
    doubts = []
    if newest_write is not None and now < newest_write - BEHIND_TOLERANCE:
        behind = newest_write - now
        doubts.append(f"the clock is {_span(behind)} behind the newest stored write ({newest_write:%Y-%m-%d %H:%M} "
                      "UTC): it was set back, or the battery-backed clock lost its time")
    if ntp_synced is False:
        doubts.append("the clock is not synchronised (NTP): check the network time service (timedatectl)")
    return doubts


def _span(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} h"
