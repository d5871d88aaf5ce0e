"""The value types' own rules: reconciling a session, the calendar maths of a schedule, consent as typed."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from kiosk.model import Consent, Schedule, absentees, overlaps, parse_weekdays, reconcile, session_id

LONDON = ZoneInfo("Europe/London")


def weekly(code, start, end, days="mon,wed", tz="Europe/London"):
    return Schedule(code, time.fromisoformat(start), time.fromisoformat(end), tz, weekdays=parse_weekdays(days))


ROSTER = {"maya": "Maya Chen", "lin": "Lin Miranda", "tom": "Tom Okafor", "ana": "Ana Ruiz"}


@pytest.mark.parametrize(
    "rows, counts, absent",
    [
        ([], (4, 0, 0, 4), ("Ana Ruiz", "Lin Miranda", "Maya Chen", "Tom Okafor")),
        ([("maya", "present"), ("lin", "late")], (4, 1, 1, 2), ("Ana Ruiz", "Tom Okafor")),
        ([("maya", "present"), ("lin", "absent"), ("tom", "absent")], (4, 1, 0, 3),
         ("Ana Ruiz", "Lin Miranda", "Tom Okafor")),
        ([(p, "present") for p in ROSTER], (4, 4, 0, 0), ()),
        ([("ghost", "present"), ("maya", "late")], (4, 0, 1, 3), ("Ana Ruiz", "Lin Miranda", "Tom Okafor")),
    ],
)
def test_reconcile(rows, counts, absent):
    result = reconcile(ROSTER, rows)
    assert result.counts == counts
    assert result.absent == absent


def test_rows_for_people_off_the_roster_are_listed_apart():
    assert reconcile(ROSTER, [("ghost", "present")]).not_on_roster == ("ghost",)


def test_absentees_are_roster_members_with_no_row():
    assert absentees(ROSTER, ["maya", "lin", "ghost"]) == ["ana", "tom"]


def test_session_id_is_stable_across_zones():
    moment = datetime(2026, 11, 25, 9, tzinfo=LONDON)
    assert session_id("CS101", moment) == session_id("CS101", moment.astimezone(ZoneInfo("Asia/Tokyo")))


def test_overlaps():
    assert overlaps(weekly("A", "09:00", "10:00", "mon"), weekly("B", "09:30", "10:30", "mon,tue"))
    assert not overlaps(weekly("A", "09:00", "10:00", "mon"), weekly("B", "10:00", "11:00", "mon"))
    assert not overlaps(weekly("A", "09:00", "10:00", "mon"), weekly("B", "09:00", "10:00", "tue"))


@pytest.mark.parametrize("text", ["", "monday,funday", "xyz", "monkey,tuesday", "Mond", "tu", "sundays", "mon-fri"])
def test_bad_weekdays(text):
    with pytest.raises(ValueError):
        parse_weekdays(text)


@pytest.mark.parametrize("text, days", [
    ("mon,tue,wed,thu,fri,sat,sun", set(range(7))),
    ("Monday,TUESDAY,wednesday,thursday,friday,saturday,sunday", set(range(7))),
    ("tues, weds ,thur", {1, 2, 3}), ("THURS,Fri", {3, 4}), ("mon,,monday", {0}),
])
def test_weekdays_are_taken_in_their_usual_spellings(text, days):
    assert parse_weekdays(text) == days


def test_an_unknown_weekday_is_quoted_as_typed_with_the_forms_that_work():
    with pytest.raises(ValueError, match=r"^unknown weekday 'Monkey'; use mon,tue,wed,thu,fri,sat,sun \(or monday"):
        parse_weekdays("Monkey,tue")


@pytest.mark.parametrize("given_by, guardian, expected", [
    ("", "", None), ("  ", " ", None),  # nobody named: no consent, never "self"
    ("self", "", Consent("self")), (" Mrs Park ", "Mrs Park", Consent("Mrs Park", "Mrs Park")),
    ("", "Mrs Park", Consent("guardian", "Mrs Park")),  # a guardian named alone gave it
])
def test_consent_as_typed(given_by, guardian, expected):
    assert Consent.typed(given_by, guardian) == expected


def test_a_session_s_kiosks_are_the_doors_students_checked_in_at_not_where_marks_were_made():
    from datetime import datetime, timezone

    from kiosk.model import Roll, RollLine, SessionInfo

    at = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
    session = SessionInfo("X@1", "X", "X", "B12", at, at, at, "ended")
    lines = (RollLine("a", "A", "present", at, None, "face", "", "door-1"),
             RollLine("b", "B", "late", at, None, "manual", "prof", "office-pc"),
             RollLine("c", "C", "present", at, None, "code", "", "door-2"))
    assert Roll(session, lines).kiosks == ("door-1", "door-2")
    assert Roll(session, lines[1:2]).kiosks == ()
