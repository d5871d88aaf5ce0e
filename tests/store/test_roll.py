"""A session's roll from a real SQLite file: every roster member with what is recorded, for
held sessions and for meetings not held yet, with reasons, failed live checks and enrolment."""

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.model import AWAITING, ENROLLED, Schedule, SessionInfo
from kiosk.scheduler.timetable import current_and_next
from kiosk.store import rosters, staff
from kiosk.reports.rows import NOT_MARKED, stored_export_rows
from kiosk.store.privacy import erase_person
from kiosk.store.roll import held_sessions, session_roll, session_rolls
from kiosk.store.sessions import Actor, end_session_complete, hold_for_register, mark_manual
from kiosk.store.spoof_events import SpoofEvent, record_spoof_event
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 9, 3, tzinfo=TZ)


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    for pid, name in (("maya", "Maya Chen"), ("lin", "Lin Miranda"), ("tom", "Tom Okafor")):
        s.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    staff.add_staff(s, "prof", "Prof Ada")
    s.add_class("CS101", "Intro", ["maya", "lin", "tom"], room="B12", instructor_id="prof")
    rosters.import_roster(s, "CS101", [rosters.RosterEntry(2, "zoe", "Zoe Park")])  # no face yet
    s.add_schedule(Schedule("CS101", time(9), time(10), "Europe/London", weekdays=frozenset({2})))
    yield s
    s.close()


@pytest.fixture
def held(store) -> SessionInfo:
    current, _ = current_and_next(store.schedules(), store.classes(), NOW, timedelta(minutes=10))
    store.activate_session(current)
    return current


def test_a_running_session_lists_everyone_with_what_is_recorded(store, held):
    store.record_attendance(AttendanceRow(held.session_id, "maya", "present", NOW, 120.5, 0.7, "face", "door-1"))
    mark_manual(store, held.session_id, "lin", "late", Actor("prof", "door-1"), NOW + timedelta(minutes=9),
                reason="web: bus")
    record_spoof_event(store, SpoofEvent(NOW, held.session_id, "tom", "Tom Okafor", 0.5, 0.1, {}))
    record_spoof_event(store, SpoofEvent(NOW, held.session_id, None, None, None, 0.1, {}))
    roll = session_roll(store, held.session_id)
    assert roll.session.state == "active" and roll.kiosks == ("door-1",)
    lines = {line.person_id: line for line in roll.lines}
    assert [line.person_id for line in roll.lines] == ["lin", "maya", "tom", "zoe"]  # by name
    assert (lines["maya"].status, lines["maya"].latency_ms, lines["maya"].method) == ("present", 120.5, "face")
    assert (lines["lin"].status, lines["lin"].method, lines["lin"].made_by, lines["lin"].reason) == \
        ("late", "manual", "prof", "web: bus")
    assert lines["tom"].status == "" and lines["tom"].failed_live_checks == 1 and roll.unnamed_failed_live_checks == 1
    assert lines["zoe"].enrolment == AWAITING and lines["maya"].enrolment == ENROLLED
    assert lines["maya"].seen_at == NOW and lines["tom"].seen_at is None


def test_an_ended_session_keeps_rows_of_people_since_removed(store, held):
    store.record_attendance(AttendanceRow(held.session_id, "tom", "present", NOW, 90.0, 0.7))
    end_session_complete(store, held.session_id, Actor("schedule"), NOW + timedelta(hours=1))
    rosters.remove_students(store, "CS101", ["tom"])
    roll = session_roll(store, held.session_id)
    statuses = {line.person_id: line.status for line in roll.lines}
    assert roll.session.state == "ended"
    assert statuses == {"maya": "absent", "lin": "absent", "tom": "present", "zoe": "absent"}
    assert next(line for line in roll.lines if line.person_id == "maya").seen_at is None  # absent: not seen


def test_a_meeting_not_held_yet_lists_its_roster_with_no_status(store):
    _, upcoming = current_and_next(store.schedules(), store.classes(), NOW - timedelta(hours=3), timedelta(minutes=10))
    (roll,) = session_rolls(store, [upcoming])
    assert roll.session.state == "scheduled" and {line.status for line in roll.lines} == {""}
    assert session_roll(store, upcoming.session_id) is None  # never held here
    assert held_sessions(store) == []


def test_held_sessions_narrow_by_time_and_class(store, held):
    assert [s.session_id for s in held_sessions(store, NOW - timedelta(hours=1), NOW)] == [held.session_id]
    assert held_sessions(store, NOW, NOW + timedelta(hours=1)) == []
    assert held_sessions(store, class_code="OTHER") == [] and len(held_sessions(store, class_code="CS101")) == 1


@pytest.fixture
def roster_clock(monkeypatch):
    """The time roster rows are written at (kiosk.store.writes reads the real clock)."""
    clock = [NOW - timedelta(days=7)]
    monkeypatch.setattr("kiosk.store.writes.utc_now", lambda: clock[0].astimezone(timezone.utc).isoformat())
    return clock


def test_a_past_register_keeps_people_who_left_the_roster_or_whose_class_was_removed(data_dir, roster_clock):
    store = SqliteStore.in_dir(data_dir)
    for pid, name in (("maya", "Maya Chen"), ("lin", "Lin Miranda"), ("tom", "Tom Okafor")):
        store.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("ART1", "Art", ["maya", "lin", "tom"], room="B12")
    store.add_schedule(Schedule("ART1", time(9), time(10), "Europe/London", weekdays=frozenset({2})))
    meeting, _ = current_and_next(store.schedules(), store.classes(), NOW, timedelta(minutes=10))
    held = hold_for_register(store, meeting, Actor("prof"), NOW + timedelta(hours=2))  # ended, nobody marked
    roster_clock[0] = NOW + timedelta(hours=3)
    rosters.remove_students(store, "ART1", ["tom"])
    assert [line.person_id for line in session_roll(store, held.session_id).lines] == ["lin", "maya", "tom"]
    rosters.remove_class(store, "ART1")
    rows = stored_export_rows(store, NOW.date(), None, TZ)
    assert sorted((r[0], r[1], r[4]) for r in rows) == [
        ("lin", "Lin Miranda", NOT_MARKED), ("maya", "Maya Chen", NOT_MARKED), ("tom", "Tom Okafor", NOT_MARKED)]
    store.add_class("ART1", "Art again", ["maya"], room="B12")  # re-created later: the old register is unchanged
    assert len(session_roll(store, held.session_id).lines) == 3
    store.close()


def test_people_who_left_before_a_session_opened_are_not_on_its_roll(data_dir, roster_clock):
    store = SqliteStore.in_dir(data_dir)
    for pid in ("maya", "tom"):
        store.add_person(Person(pid, pid.title(), "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("ART1", "Art", ["maya", "tom"], room="B12")
    rosters.remove_students(store, "ART1", ["tom"])  # a week before the meeting
    store.add_schedule(Schedule("ART1", time(9), time(10), "Europe/London", weekdays=frozenset({2})))
    meeting, _ = current_and_next(store.schedules(), store.classes(), NOW, timedelta(minutes=10))
    held = hold_for_register(store, meeting, Actor("prof"), NOW + timedelta(hours=2))
    assert [line.person_id for line in session_roll(store, held.session_id).lines] == ["maya"]
    store.close()


def test_erasing_a_person_erases_their_roster_history(data_dir, roster_clock):
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("tom", "Tom", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("ART1", "Art", ["tom"], room="B12")
    rosters.remove_class(store, "ART1")
    assert erase_person(store, "tom", "admin")["roster_history"] == 1
    assert store.conn.execute("SELECT count(*) FROM roster_history").fetchone()[0] == 0
    store.close()


def test_latest_check_ins_are_the_newest_present_and_late_rows_hand_marks_included(store, held):
    from kiosk.model import Status
    from kiosk.store.roll import latest_check_ins

    store.record_attendance(AttendanceRow(held.session_id, "maya", "present", NOW, 120.5, 0.7, "face", "door-1"))
    mark_manual(store, held.session_id, "lin", "late", Actor("prof", "door-1"), NOW + timedelta(minutes=9))
    mark_manual(store, held.session_id, "tom", "absent", Actor("prof", "door-1"), NOW + timedelta(minutes=10))
    latest = latest_check_ins(store, held.session_id, 5)
    assert [(c.person_id, c.name, c.status, c.method) for c in latest] == [
        ("lin", "Lin Miranda", Status.LATE, "manual"), ("maya", "Maya Chen", Status.PRESENT, "face")]
    assert len(latest_check_ins(store, held.session_id, 1)) == 1 and latest_check_ins(store, held.session_id, 0) == ()
