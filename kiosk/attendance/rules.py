"""Attendance rules as pure functions: no camera, no database, no clock.

Every input, the time included, is passed in, so each branch is tested
with a table of cases.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kiosk.model import SessionInfo, Status


def decide(
    now: datetime,
    session: SessionInfo | None,
    person_id: str,
    roster: frozenset[str],
    already_at: datetime | None,
    grace: timedelta,
) -> Status:
    """What a recognised person's sighting means right now.

    - outside every open window: NO_SESSION (nothing is stored)
    - not on the class's roster: NOT_ON_ROSTER (nothing is stored)
    - already checked in to this session: ALREADY (the first record stands)
    - until start + grace: PRESENT, after that: LATE
    """
    if session is None or session.state == "ended" or not in_window(now, session):
        return Status.NO_SESSION
    if person_id not in roster:
        return Status.NOT_ON_ROSTER
    if already_at is not None:
        return Status.ALREADY
    return Status.PRESENT if _utc(now) <= _utc(session.starts_at) + grace else Status.LATE


def in_window(now: datetime, session: SessionInfo) -> bool:
    """Attendance counts from the early opening up to (not including) the end."""
    return _utc(session.opens_at) <= _utc(now) < _utc(session.ends_at)


def _utc(moment: datetime) -> datetime:
    # Two datetimes sharing one ZoneInfo compare by wall time, which is wrong in
    # the repeated hour when clocks go back; instants in UTC always compare right.
    return moment.astimezone(timezone.utc)
