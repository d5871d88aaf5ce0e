"""Attendance value types shared by the rules, the store and the screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Status(str, Enum):
    """What the door says to the person in front of it."""

    PRESENT = "present"  # stored
    LATE = "late"  # stored
    ALREADY = "already"  # a repeat sighting; nothing new stored
    NOT_ON_ROSTER = "not_on_roster"
    NO_SESSION = "no_session"
    UNKNOWN = "unknown"  # a face that matches nobody enrolled

    @property
    def stored(self) -> bool:
        return self in (Status.PRESENT, Status.LATE)


@dataclass(frozen=True)
class SessionInfo:
    """One meeting of a class: the window in which attendance counts."""

    session_id: str
    class_code: str
    class_name: str
    room: str
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    opens_at: datetime  # aware; starts_at minus the early window
    state: str  # "scheduled" | "active" | "ended"


@dataclass(frozen=True)
class CheckIn:
    """The outcome of one recognised (or unrecognised) face at the door."""

    status: Status
    person_id: str | None = None
    name: str | None = None
    session_id: str | None = None
    class_code: str | None = None
    at: datetime | None = None  # the stored check-in time (the first one for ALREADY)
    latency_ms: float | None = None
    score: float | None = None
