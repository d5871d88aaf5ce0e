"""Which meeting is open: one-off and weekly schedules, back-to-back, DST."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kiosk.model import ClassInfo, Schedule, parse_weekdays, room_scope, rooms, session_id
from kiosk.scheduler.timetable import current_and_next

LONDON = ZoneInfo("Europe/London")
CLASSES = {"CS101": ClassInfo("CS101", "Intro"), "MA201": ClassInfo("MA201", "Calculus")}
EARLY = timedelta(minutes=10)


def weekly(code, start, end, days="mon,wed", tz="Europe/London"):
    return Schedule(code, time.fromisoformat(start), time.fromisoformat(end), tz, weekdays=parse_weekdays(days))


def test_one_off_meeting_window():
    s = Schedule("CS101", time(9), time(10), "Europe/London", on_date=date(2026, 11, 25))
    assert current_and_next([s], CLASSES, datetime(2026, 11, 25, 8, 49, tzinfo=LONDON), EARLY)[0] is None
    current, _ = current_and_next([s], CLASSES, datetime(2026, 11, 25, 8, 50, tzinfo=LONDON), EARLY)
    assert current.class_code == "CS101" and current.starts_at == datetime(2026, 11, 25, 9, tzinfo=LONDON)
    assert current_and_next([s], CLASSES, datetime(2026, 11, 25, 10, tzinfo=LONDON), EARLY)[0] is None


def test_weekly_meets_only_on_its_days_and_next_is_found():
    s = weekly("CS101", "09:00", "10:00", "mon,wed")
    tuesday = datetime(2026, 11, 24, 9, 30, tzinfo=LONDON)
    current, upcoming = current_and_next([s], CLASSES, tuesday, EARLY)
    assert current is None
    assert upcoming.starts_at == datetime(2026, 11, 25, 9, tzinfo=LONDON)


def test_back_to_back_passing_period_goes_to_the_next_class():
    first = weekly("CS101", "09:00", "10:00", "wed")
    second = weekly("MA201", "10:00", "11:00", "wed")
    passing = datetime(2026, 11, 25, 9, 55, tzinfo=LONDON)
    current, _ = current_and_next([first, second], CLASSES, passing, EARLY)
    assert current.class_code == "MA201"


def test_dst_keeps_wall_clock_time():
    s = weekly("CS101", "09:00", "10:00", "sun")
    before = current_and_next([s], CLASSES, datetime(2026, 10, 25, 0, 30, tzinfo=LONDON), EARLY)[1]
    after = current_and_next([s], CLASSES, datetime(2026, 11, 1, 0, 30, tzinfo=LONDON), EARLY)[1]
    assert before.starts_at.astimezone(timezone.utc).hour == 9  # GMT after the change that night
    assert after.starts_at.astimezone(timezone.utc).hour == 9
    summer = current_and_next([s], CLASSES, datetime(2026, 10, 18, 0, 30, tzinfo=LONDON), EARLY)[1]
    assert summer.starts_at.astimezone(timezone.utc).hour == 8  # BST


def test_meeting_inside_dst_gap_lands_on_a_real_instant():
    s = Schedule("CS101", time(1, 30), time(3), "Europe/London", on_date=date(2026, 3, 29))
    _, upcoming = current_and_next([s], CLASSES, datetime(2026, 3, 28, 12, tzinfo=LONDON), EARLY)
    assert upcoming.starts_at < upcoming.ends_at


def test_a_cancelled_meeting_is_skipped_and_the_next_one_found():
    s = weekly("CS101", "09:00", "10:00", "wed")
    holiday = Schedule(**{**s.__dict__, "cancelled": frozenset({date(2026, 11, 25)})})
    during = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)
    assert current_and_next([s], CLASSES, during, EARLY)[0] is not None
    current, upcoming = current_and_next([holiday], CLASSES, during, EARLY)
    assert current is None and upcoming.starts_at == datetime(2026, 12, 2, 9, tzinfo=LONDON)


def test_a_meeting_started_early_is_open_and_not_upcoming():
    s = weekly("CS101", "09:00", "10:00", "wed")
    early = datetime(2026, 11, 25, 8, 30, tzinfo=LONDON)
    assert current_and_next([s], CLASSES, early, EARLY)[0] is None
    sid = session_id("CS101", datetime(2026, 11, 25, 9, tzinfo=LONDON))
    current, upcoming = current_and_next([s], CLASSES, early, EARLY, frozenset({sid}))
    assert current.session_id == sid
    assert upcoming.starts_at.date() == date(2026, 12, 2)  # the week after, not today again


# -- one kiosk, one room ----------------------------------------------------------------

TWO_ROOMS = {"B12MATH": ClassInfo("B12MATH", "Maths", "B12"), "C3ART": ClassInfo("C3ART", "Art", "C3"),
             "B12HIST": ClassInfo("B12HIST", "History", "b12 ")}


@pytest.mark.parametrize("room, at, current, upcoming", [
    # B12MATH 09:00-10:30 in B12, C3ART 09:20-10:30 in C3, B12HIST 10:30-11:30 back to back in B12.
    ("B12", "09:05", "B12MATH", "B12HIST"),
    ("B12", "09:15", "B12MATH", "B12HIST"),  # C3ART's window opened at 09:10: not this door's class
    ("B12", "10:25", "B12HIST", None),  # the passing period still goes to the next class of this room
    ("C3", "09:05", None, "C3ART"),
    ("C3", "09:15", "C3ART", None),
    ("C3", "10:25", "C3ART", None),  # B12HIST's window opens, C3 keeps its own class
    ("c3", "09:15", "C3ART", None),  # a room matches without case or spaces
    ("A1", "09:15", None, None),  # a room with no classes serves nothing
    ("", "09:15", None, None),  # no room set while the timetable has two: serves none rather than all
])
def test_each_room_sees_only_its_own_meetings(room, at, current, upcoming):
    schedules = [weekly("B12MATH", "09:00", "10:30", "wed"), weekly("C3ART", "09:20", "10:30", "wed"),
                 weekly("B12HIST", "10:30", "11:30", "wed")]
    now = datetime.combine(date(2026, 11, 25), time.fromisoformat(at), LONDON)
    found, following = current_and_next(schedules, room_scope(TWO_ROOMS, room), now, EARLY)
    assert (found.class_code if found else None) == current
    later_today = following.class_code if following and following.starts_at.date() == now.date() else None
    assert later_today == upcoming


def test_a_kiosk_with_no_room_serves_a_one_room_timetable():
    one_room = {"CS101": ClassInfo("CS101", "Intro", "B12"), "MA201": ClassInfo("MA201", "Calculus", "")}
    assert room_scope(one_room, "") == one_room
    assert room_scope(CLASSES, "") == CLASSES  # no rooms at all
    assert rooms(TWO_ROOMS) == {"B12", "C3"}  # in their one form (kiosk.model.room_name)
    assert set(room_scope(TWO_ROOMS, "B12")) == {"B12MATH", "B12HIST"}
