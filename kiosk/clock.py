"""Clocks: the wall clock is injected everywhere so rules and the scheduler
can be tested at any moment, including DST changes."""

from __future__ import annotations

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


class FixedClock:
    """A clock for tests and simulations that moves only when told."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)
