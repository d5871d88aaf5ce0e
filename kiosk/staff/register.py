"""The register without a kiosk: marking a class's meeting that no kiosk holds (the room has
none, or its kiosk is down), from the command line or the web view.

A meeting is found in the timetable (its schedules, with cancelled dates left out); if no
kiosk opened it, the register opens it (kiosk/store/sessions.py: hold_for_register), so a
meeting that is not in the timetable is an error. The mark itself is the one manual-mark
routine (kiosk/staff/marks.py), with its rules and its audit row.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.model import SessionInfo
from kiosk.scheduler.timetable import meetings_around
from kiosk.staff.marks import Mark, Marked, MarkRefused, mark_by_hand, vet
from kiosk.store.sessions import Actor, hold_for_register, session_info
from kiosk.store.sqlite_store import Person, SqliteStore

NOT_MEETING = "not_meeting"  # MarkRefused.reason: the class does not meet then
NOT_OPEN_YET = "not_open_yet"
TOO_OLD = "too_old"
# How far back a register nobody kept can still be opened: a forgotten one from last month, yes; a
# meeting from years back (a mistyped year opened a 1999 register, which fed the class's figures) is
# history, not a register to start now.
REGISTER_DAYS_BACK = 62


def meetings_on(store: SqliteStore, class_code: str, day: date, tz: ZoneInfo, early_open: timedelta) -> list[SessionInfo]:
    """The class's meetings on a local date, by the timetable (cancelled dates left out)."""
    noon = datetime.combine(day, time(12), tz)
    found = meetings_around(store.schedules(), store.classes(), noon, early_open, days_ahead=1)
    return [m for m in found if m.class_code == class_code and m.starts_at.astimezone(tz).date() == day]


def meeting_of(store: SqliteStore, class_code: str, day: date, tz: ZoneInfo, early_open: timedelta,
               start: time | None = None) -> SessionInfo:
    """The one meeting meant: MarkRefused when the class does not meet then, or meets more than once
    that day and `start` does not say which."""
    found = meetings_on(store, class_code, day, tz, early_open)
    if start is not None:
        found = [m for m in found if m.starts_at.astimezone(tz).time().replace(second=0) == start]
    if not found:
        when = f"{day} ({day:%A})" + (f" at {start:%H:%M}" if start else "")
        raise MarkRefused(NOT_MEETING, f"{class_code} does not meet on {when}; see 'schedule list' "
                                       "(a cancelled meeting does not meet)")
    if len(found) > 1:
        starts = ", ".join(f"{m.starts_at.astimezone(tz):%H:%M}" for m in found)
        raise MarkRefused(NOT_MEETING, f"{class_code} meets {len(found)} times on {day} ({starts}): "
                                       "say which with its start time")
    return found[0]


def mark_meeting(store: SqliteStore, meeting: SessionInfo, mark: Mark, actor: Person, kiosk_id: str,
                 now: datetime, where: str) -> tuple[Marked, bool]:
    """Mark one student for a meeting, opening the register if no kiosk held it; returns the
    mark and whether the register was opened now."""
    held = session_info(store, meeting.session_id)
    if held is None:
        vet(store, meeting.class_code, mark, actor, None)  # nothing is opened for a mark the rules refuse
        if now < meeting.opens_at:
            raise MarkRefused(NOT_OPEN_YET, f"{meeting.class_code} opens at {meeting.opens_at:%H:%M} on "
                                            f"{meeting.opens_at:%Y-%m-%d}: mark it from then on")
        if now - meeting.ends_at > timedelta(days=REGISTER_DAYS_BACK):
            raise MarkRefused(TOO_OLD, f"{meeting.class_code} met on {meeting.starts_at:%Y-%m-%d}, more than "
                                       f"{REGISTER_DAYS_BACK} days ago: a register is opened only for a meeting "
                                       "since then")
        hold_for_register(store, meeting, Actor(actor.id, kiosk_id), now)
    marked = mark_by_hand(store, Mark(meeting.session_id, mark.person_id, mark.status, mark.reason), actor,
                          kiosk_id, now, where=where)
    return marked, held is None


def meeting_by_id(store: SqliteStore, session_id: str, tz: ZoneInfo, early_open: timedelta) -> SessionInfo | None:
    """A held session, or a meeting of the timetable with that id (CODE@YYYY-MM-DDTHH:MMZ)."""
    held = session_info(store, session_id)
    if held is not None:
        return held
    code, _, when = session_id.partition("@")
    try:
        day = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(tz).date()
    except ValueError:
        return None
    return next((m for m in meetings_on(store, code, day, tz, early_open) if m.session_id == session_id), None)
