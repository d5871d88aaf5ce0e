"""The one manual-mark routine the door, the web and the command line call: its rules, with a
real SQLite file."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.errors import StoreError
from kiosk.model import Schedule
from kiosk.scheduler.timetable import current_and_next
from kiosk.staff.marks import (
    BAD_STATUS, NOT_YOURS, REASON_NEEDED, REASON_TOO_LONG, UNKNOWN_SESSION, Mark, MarkRefused, mark_by_hand,
)
from kiosk.store import staff
from kiosk.store.audit import audit_entries
from kiosk.store.roll import session_roll
from kiosk.store.sqlite_store import Person, SqliteStore

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 9, 3, tzinfo=TZ)
PROF, OTHER, BOSS = Person("prof", "Prof Ada", "instructor"), Person("bo", "Prof Bo", "instructor"), \
    Person("boss", "Ms Boss", "admin")


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    s.add_person(Person("maya", "Maya Chen", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    s.add_person(Person("lin", "Lin Miranda", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    for person in (PROF, OTHER, BOSS):
        staff.add_staff(s, person.id, person.name, person.role)
    s.add_class("CS101", "Intro", ["maya"], room="B12", instructor_id="prof")
    s.add_schedule(Schedule("CS101", time(9), time(10), "Europe/London", weekdays=frozenset({2})))
    current, _ = current_and_next(s.schedules(), s.classes(), NOW, timedelta(minutes=10))
    s.activate_session(current)
    s.session_id = current.session_id
    yield s
    s.close()


def test_the_instructor_marks_a_student_and_the_reason_is_audited(store):
    marked = mark_by_hand(store, Mark(store.session_id, "maya", "late", "  bus   late "), PROF, "door-1", NOW,
                          where="web")
    assert marked.summary() == "Maya Chen marked late" and marked.class_code == "CS101"
    line = session_roll(store, store.session_id).lines[0]
    assert (line.status, line.method, line.made_by, line.reason) == ("late", "manual", "prof", "web: bus late")
    again = mark_by_hand(store, Mark(store.session_id, "maya", "absent", "left ill"), BOSS, "door-1", NOW)
    assert again.summary() == "Maya Chen marked absent (was late)"
    assert audit_entries(store, "manual_mark")[0].detail == "late -> absent: left ill"  # the door adds no channel


@pytest.mark.parametrize("actor, mark, reason", [
    (OTHER, Mark("", "maya", "late"), NOT_YOURS),
    (PROF, Mark("", "maya", "gone"), BAD_STATUS),
    (PROF, Mark("", "maya", "excused"), REASON_NEEDED),
    (PROF, Mark("", "maya", "absent", "x" * 201), REASON_TOO_LONG),
    (PROF, Mark("CS101@2020-01-01T09:00Z", "maya", "late"), UNKNOWN_SESSION),
])
def test_the_rules_refuse_with_a_reason_and_store_nothing(store, actor, mark, reason):
    mark = Mark(mark.session_id or store.session_id, mark.person_id, mark.status, mark.reason)
    with pytest.raises(MarkRefused) as refused:
        mark_by_hand(store, mark, actor, "door-1", NOW)
    assert refused.value.reason == reason and str(refused.value) and "\n" not in str(refused.value)
    assert audit_entries(store, "manual_mark") == []


def test_undoing_a_check_in_needs_a_reason_marking_an_absence_does_not(store):
    mark_by_hand(store, Mark(store.session_id, "maya", "absent"), PROF, "door-1", NOW)  # never seen: no why needed
    mark_by_hand(store, Mark(store.session_id, "maya", "present"), PROF, "door-1", NOW)
    with pytest.raises(MarkRefused, match="say why Maya Chen is absent: they were checked in"):
        mark_by_hand(store, Mark(store.session_id, "maya", "absent"), PROF, "door-1", NOW)


def test_someone_not_on_the_roster_is_refused_by_the_store(store):
    with pytest.raises(StoreError, match="not on CS101's list"):
        mark_by_hand(store, Mark(store.session_id, "lin", "present"), BOSS, "door-1", NOW)
