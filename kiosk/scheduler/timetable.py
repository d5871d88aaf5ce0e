"""The timetable as pure functions: which class meeting is open at a moment.

Schedules hold wall-clock times in their own IANA timezone, so a 09:00
class stays at 09:00 across DST changes. Meetings are aware datetimes.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

# The value types and the calendar maths of one schedule live in kiosk.model, below the store and
# the scheduler alike; the timetable adds which meeting is open when, and for which room.
from kiosk.model import ClassInfo, Schedule, SessionInfo, meeting


def meetings_around(
    schedules: list[Schedule],
    classes: dict[str, ClassInfo],
    now: datetime,
    early_open: timedelta,
    days_ahead: int = 8,
) -> list[SessionInfo]:
    """All meetings from yesterday to `days_ahead` days on, sorted by start."""
    found = []
    for schedule in schedules:
        info = classes.get(schedule.class_code)
        if info is None:
            continue
        local_today = now.astimezone(ZoneInfo(schedule.timezone)).date()
        for offset in range(-1, days_ahead + 1):
            day = local_today + timedelta(days=offset)
            if schedule.meets_on(day):
                found.append(meeting(schedule, day, info, early_open))
    return sorted(found, key=lambda m: (m.starts_at, m.class_code))


def current_and_next(
    schedules: list[Schedule],
    classes: dict[str, ClassInfo],
    now: datetime,
    early_open: timedelta,
    started_early: frozenset[str] = frozenset(),
) -> tuple[SessionInfo | None, SessionInfo | None]:
    """The meeting whose window (opens_at .. ends_at) holds `now`, and the next one.

    Pass one room's classes (room_scope): then when two windows overlap (the
    passing period between back-to-back classes in that room), the
    later-starting meeting wins: a student arriving then is on their way in,
    not out. A meeting an instructor started early (its id in `started_early`) is open from then on.
    """
    meetings = meetings_around(schedules, classes, now, early_open)
    now = now.astimezone(timezone.utc)  # compare instants: wall times repeat when clocks go back
    open_now = [m for m in meetings
                if (m.opens_at <= now or m.session_id in started_early) and now < m.ends_at]
    current = max(open_now, key=lambda m: m.starts_at) if open_now else None
    later = [m for m in meetings if m.opens_at > now and m.session_id not in started_early]
    upcoming = later[0] if later else None
    return current, upcoming
