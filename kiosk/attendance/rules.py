"""Attendance rules as pure functions: no camera, no database, no clock.

Every input, the time included, is passed in, so each branch is tested
with a table of cases.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.attendance.model import SessionInfo, Status


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
    return Status.PRESENT if now <= session.starts_at + grace else Status.LATE


def in_window(now: datetime, session: SessionInfo) -> bool:
    """Attendance counts from the early opening up to (not including) the end."""
    return session.opens_at <= now < session.ends_at
