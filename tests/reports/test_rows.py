"""The export rows from session rolls: a pure function, the same for SQLite and MongoDB."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from kiosk.model import AWAITING, ENROLLED, Roll, RollLine, SessionInfo
from kiosk.reports.rows import EXPORT_COLUMNS, NOT_MARKED, NOT_YET, day_bounds, export_rows

TZ = ZoneInfo("Europe/London")
START = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)


def session(state: str, code: str = "CS101", start: datetime = START) -> SessionInfo:
    return SessionInfo(f"{code}@x", code, "Intro", "B12", start, start + timedelta(hours=1),
                       start - timedelta(minutes=10), state)


LINES = (RollLine("lin", "Lin Miranda", "late", START + timedelta(minutes=9), None, "manual", "prof"),
         RollLine("maya", "Maya Chen", "present", START + timedelta(minutes=2), 120.5, "face", "", "door-1", "",
                  ENROLLED),
         RollLine("tom", "Tom Okafor", enrolment=ENROLLED),
         RollLine("zoe", "Zoe Park", "absent", START + timedelta(hours=1), method="auto", enrolment=AWAITING))


def test_a_running_session_exports_its_rows_and_everyone_not_yet_seen():
    rows = export_rows([Roll(session("active"), LINES)], TZ)
    assert [(r[0], r[4], r[5]) for r in rows] == [
        ("maya", "present", "2026-11-25T09:02:00+00:00"), ("lin", "late", "2026-11-25T09:09:00+00:00"),
        ("tom", NOT_YET, ""), ("zoe", "absent", "")]  # check-ins in time order, then the rest by name
    assert rows[0] == ["maya", "Maya Chen", "CS101", "2026-11-25T09:00:00+00:00", "present",
                       "2026-11-25T09:02:00+00:00", 120.5, "face", "", "", ENROLLED]


def test_an_ended_session_says_who_was_never_marked_and_a_meeting_not_held_has_no_rows():
    rows = {r[0]: r[4] for r in export_rows([Roll(session("ended"), LINES)], TZ)}
    assert rows == {"maya": "present", "lin": "late", "tom": NOT_MARKED, "zoe": "absent"}
    assert export_rows([Roll(session("scheduled"), (RollLine("tom", "Tom"),))], TZ) == []


def test_an_excused_absence_carries_its_reason():
    excused = RollLine("ana", "Ana Silva", "excused", START, None, "manual", "prof", "door-1", "cli: illness")
    (row,) = export_rows([Roll(session("ended"), (excused,))], TZ)
    assert dict(zip(EXPORT_COLUMNS, row)) == {
        "person_id": "ana", "name": "Ana Silva", "class": "CS101", "session_start": "2026-11-25T09:00:00+00:00",
        "status": "excused", "checked_in_at": "", "latency_ms": "", "method": "manual", "made_by": "prof",
        "reason": "cli: illness", "enrolment": ""}


def test_sessions_come_in_order_of_start_then_class():
    later = Roll(session("ended", "ART", START + timedelta(hours=2)), LINES[:1])
    rows = export_rows([later, Roll(session("ended", "MATH"), LINES[:1]), Roll(session("ended", "BIO"), LINES[:1])],
                       TZ)
    assert [r[2] for r in rows] == ["BIO", "MATH", "ART"]


def test_a_day_is_its_local_midnights_even_when_the_clocks_change():
    start, end = day_bounds(datetime(2026, 3, 29).date(), TZ)  # clocks go forward: a 23-hour day
    assert end.astimezone(timezone.utc) - start.astimezone(timezone.utc) == timedelta(hours=23)
    assert start.hour == 0 and end.hour == 0


def test_an_absence_marked_over_a_check_in_shows_no_time_or_latency():
    overridden = RollLine("maya", "Maya Chen", "absent", START + timedelta(minutes=2), 215.8, "manual", "prof")
    (row,) = export_rows([Roll(session("ended"), (overridden,))], TZ)
    assert (row[4], row[5], row[6]) == ("absent", "", "")


def test_a_hand_mark_made_after_the_session_ended_gives_no_arrival_time():
    next_day = RollLine("lin", "Lin Miranda", "present", START + timedelta(days=1), None, "manual", "prof")
    during = RollLine("tom", "Tom Okafor", "late", START + timedelta(minutes=20), None, "manual", "prof")
    rows = {r[0]: r[5] for r in export_rows([Roll(session("ended"), (next_day, during))], TZ)}
    assert rows == {"lin": "", "tom": "2026-11-25T09:20:00+00:00"}
