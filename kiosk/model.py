"""The kiosk's value types, below every stage that uses them: a camera frame,
attendance outcomes, class meetings and their schedules, consent, a session's
roll (who was expected and what is recorded for each), and its reconciliation.

Plain frozen dataclasses and pure functions over them. No module here imports
another part of the kiosk, so the store, the scheduler, the workers and the
screen can all share them without importing one another.

Schedules hold wall-clock times in their own IANA timezone, so a 09:00 class
stays at 09:00 across DST changes. Meetings are aware datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

import numpy as np

# -- a camera frame -------------------------------------------------------------------

@dataclass(frozen=True)
class Frame:
    """One captured image. `captured_at` is time.monotonic() at capture,
    the clock that check-in latency is measured on."""

    image: np.ndarray
    captured_at: float
    index: int


# -- attendance outcomes ------------------------------------------------------------

class Status(str, Enum):
    """What the door says to the person in front of it."""

    PRESENT = "present"  # stored
    LATE = "late"  # stored
    ALREADY = "already"  # a repeat sighting; nothing new stored
    NOT_ON_ROSTER = "not_on_roster"
    NO_SESSION = "no_session"
    STRANGER = "stranger"  # a face that matches nobody enrolled ("Not recognised")

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
    method: str = "face"  # face | code (a personal check-in code, typed or shown as a QR card)
    queued: bool = False  # decided, but the database failed: kept in memory to save later, not shown as stored


# -- schedules and their meetings (the calendar maths of one schedule) -------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Every spelling a weekday is taken in, whole words only: matching a prefix took "monkey" for Monday.
WEEKDAY_WORDS = {**{w: d for d, w in enumerate(WEEKDAYS)}, **{w: d for d, w in enumerate(FULL_WEEKDAYS)},
                 "tues": 1, "weds": 2, "thur": 3, "thurs": 3}


@dataclass(frozen=True)
class Schedule:
    """A class's meeting time: one date, or a set of weekdays (0 = Monday)."""

    class_code: str
    start: time
    end: time
    timezone: str
    on_date: date | None = None
    weekdays: frozenset[int] | None = None
    id: int | None = None
    cancelled: frozenset[date] = frozenset()  # local dates this meeting does not happen (holidays)

    def meets_on(self, day: date) -> bool:
        if day in self.cancelled:
            return False
        if self.on_date is not None:
            return day == self.on_date
        return self.weekdays is not None and day.weekday() in self.weekdays


@dataclass(frozen=True)
class ClassInfo:
    code: str
    name: str
    room: str = ""


def room_name(text: str) -> str:
    """A room as it is stored and compared everywhere: trimmed, inner spaces single, upper case,
    so " b12 " and "B12" are one door. '' is no room. Applied once, where a room enters (config,
    command line, CSV, web, sync pull); the store applies it too, as the last gate."""
    return " ".join(str(text).split()).upper()


def room_scope(classes: dict[str, ClassInfo], room: str) -> dict[str, ClassInfo]:
    """The classes a kiosk in `room` serves: only that room's. Rooms are compared in their one
    form (kiosk.model.room_name), which the config and the store both keep.

    A kiosk with no room set serves every class while the timetable has at
    most one room, and none once it has several: it cannot know which door it
    is, and serving them all would let a class in another room end this one.
    """
    room = room_name(room)
    if room:
        return {code: info for code, info in classes.items() if room_name(info.room) == room}
    return dict(classes) if len(rooms(classes)) <= 1 else {}


def rooms(classes: dict[str, ClassInfo]) -> set[str]:
    """The distinct rooms the timetable names (a class with no room counts as none)."""
    return {room_name(info.room) for info in classes.values() if room_name(info.room)}


def room_names(classes: dict[str, ClassInfo]) -> str:
    """The timetable's rooms, for messages ("B12, C3", or "none")."""
    return ", ".join(sorted(rooms(classes))) or "none"


def parse_weekdays(text: str) -> frozenset[int]:
    """'mon,Wednesday' -> {0, 2}, in any case; ValueError quoting the word as it was typed."""
    days = set()
    for word in (w.strip() for w in text.split(",") if w.strip()):
        if word.lower() not in WEEKDAY_WORDS:
            raise ValueError(f"unknown weekday {word!r}; use {','.join(WEEKDAYS)} "
                             "(or monday ... sunday, tues, weds, thur, thurs)")
        days.add(WEEKDAY_WORDS[word.lower()])
    if not days:
        raise ValueError("no weekdays given")
    return frozenset(days)


def format_weekdays(days: frozenset[int]) -> str:
    return ",".join(WEEKDAYS[d] for d in sorted(days))


def session_id(class_code: str, starts_at: datetime) -> str:
    """Stable across kiosks: the same class meeting gets the same id everywhere."""
    utc = starts_at.astimezone(timezone.utc)
    return f"{class_code}@{utc:%Y-%m-%dT%H:%MZ}"


def meeting(schedule: Schedule, day: date, info: ClassInfo, early_open: timedelta) -> SessionInfo:
    tz = ZoneInfo(schedule.timezone)
    # Round-trip through UTC so a wall time inside a DST gap lands on a real instant.
    starts = datetime.combine(day, schedule.start, tz).astimezone(timezone.utc).astimezone(tz)
    ends = datetime.combine(day, schedule.end, tz).astimezone(timezone.utc).astimezone(tz)
    return SessionInfo(
        session_id=session_id(schedule.class_code, starts),
        class_code=schedule.class_code,
        class_name=info.name,
        room=info.room,
        starts_at=starts,
        ends_at=ends,
        opens_at=starts - early_open,
        state="scheduled",
    )


def overlaps(a: Schedule, b: Schedule, horizon_days: int = 14) -> bool:
    """Whether two schedules ever meet at overlapping times (checked day by day)."""
    start = a.on_date or b.on_date or date.today()
    info = ClassInfo("", "")
    for offset in range(-horizon_days, horizon_days + 1):
        day = start + timedelta(days=offset)
        if a.meets_on(day) and b.meets_on(day):
            ma = meeting(a, day, info, timedelta(0))
            mb = meeting(b, day, info, timedelta(0))
            if ma.starts_at < mb.ends_at and mb.starts_at < ma.ends_at:
                return True
    return False


# -- a session's roll: every roster member with what is recorded -----------------------

ENROLLED = "enrolled"  # a face is enrolled
AWAITING = "awaiting enrolment"  # a student on a roster with no face yet: marked by hand until photo day
OPTED_OUT = "opted out"  # never recognised by face: checks in with a personal code, or is marked by hand
STATUSES = ("present", "late", "absent", "excused")  # what a stored attendance row may say
DOOR_METHODS = ("face", "code")  # how a student checks in at a kiosk's door (the rest are marks)
# An embedding whose source starts so is a door reference: a face the door saw, confirmed by staff
# (kiosk/vision/references.py), kept, listed, erased and synced like an enrolment photo's vector.
DOOR_SOURCE = "door:"


def enrolment_state(role: str, has_face: bool, opted_out: bool = False) -> str:
    """Whether a person can be recognised: opted out of face recognition, a face enrolled, a
    student still awaiting one, or '' (staff)."""
    if opted_out:
        return OPTED_OUT
    if has_face:
        return ENROLLED
    return AWAITING if role == "student" else ""


@dataclass(frozen=True)
class RollLine:
    """One person in one session's roll: a roster member, or someone with a stored row."""

    person_id: str
    name: str  # '' when the person is no longer known (erased, removed)
    status: str = ""  # one of STATUSES, or '' (no row yet)
    checked_in_at: datetime | None = None  # when the row was written (an absent row too)
    latency_ms: float | None = None
    method: str = ""  # face | manual | auto (absent at the end) | ''
    made_by: str = ""
    kiosk_id: str = ""
    reason: str = ""  # the reason given with the latest mark by hand
    enrolment: str = ""  # ENROLLED | AWAITING | '' (staff, or no longer known)
    failed_live_checks: int | None = 0  # None: not known here (not synced centrally)

    @property
    def shown_name(self) -> str:
        return self.name or self.person_id

    @property
    def seen_at(self) -> datetime | None:
        """The check-in time, for someone checked in (present or late)."""
        return self.checked_in_at if self.status in ("present", "late") else None


@dataclass(frozen=True)
class Roll:
    """One session (held, or only scheduled) with its roll, sorted by name."""

    session: SessionInfo
    lines: tuple[RollLine, ...]
    unnamed_failed_live_checks: int | None = 0  # faces nobody was recognised as; None: not known

    @property
    def kiosks(self) -> tuple[str, ...]:
        """The doors students checked in at (by face or code). A hand mark carries the id of the
        machine it was made on, which for the web view or the CLI is no door."""
        return tuple(sorted({line.kiosk_id for line in self.lines if line.kiosk_id and line.method in DOOR_METHODS}))


def roll_order(line: RollLine) -> tuple[str, str]:
    return line.shown_name.casefold(), line.person_id


# -- who was expected, who came, who did not ------------------------------------------

@dataclass(frozen=True)
class Reconciliation:
    """One session's attendance. Names are sorted; `absent` holds everyone
    on the roster not present or late (whether or not an absent row exists yet)."""

    expected: int
    present: tuple[str, ...]
    late: tuple[str, ...]
    absent: tuple[str, ...]
    not_on_roster: tuple[str, ...] = ()  # rows for people since removed from the roster
    failed_live_checks: int = 0  # spoof events recorded during the session
    awaiting: tuple[str, ...] = ()  # roster members with no face enrolled yet: only a mark by hand counts them

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return self.expected, len(self.present), len(self.late), len(self.absent)


def reconcile(roster: Mapping[str, str], rows: Iterable[tuple[str, str]]) -> Reconciliation:
    """`roster`: person id -> name; `rows`: (person id, status) stored for the session."""
    status = dict(rows)
    present = _names(roster, [p for p in roster if status.get(p) == "present"])
    late = _names(roster, [p for p in roster if status.get(p) == "late"])
    absent = _names(roster, [p for p in roster if status.get(p) not in ("present", "late")])
    stray = tuple(sorted((p for p, s in status.items() if p not in roster and s != "absent"), key=str.casefold))
    return Reconciliation(len(roster), present, late, absent, stray)


def _names(roster: Mapping[str, str], ids: list[str]) -> tuple[str, ...]:
    return tuple(sorted((roster[p] or p for p in ids), key=str.casefold))


def absentees(roster: Iterable[str], seen: Iterable[str]) -> list[str]:
    """Roster members with no row at all: they get an 'absent' row when the session ends."""
    have = set(seen)
    return sorted(p for p in set(roster) if p not in have)


# -- consent to enrolment -----------------------------------------------------------

@dataclass(frozen=True)
class Consent:
    given_by: str  # "self" or the name of whoever consented
    guardian: str = ""  # for a minor: the parent or guardian who consented

    @classmethod
    def typed(cls, given_by: str, guardian: str = "") -> Consent | None:
        """Consent as staff type it (`enroll --consent-by/--guardian`, the console's forms): a
        guardian named alone gave it; neither field is no consent at all, never "self"."""
        given_by, guardian = given_by.strip(), guardian.strip()
        return cls(given_by or "guardian", guardian) if given_by or guardian else None
