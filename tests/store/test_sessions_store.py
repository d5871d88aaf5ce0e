"""PINs, audit, manual marks, session end, roster import, cancellations: in a real SQLite file."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.errors import AlreadyHeld, StoreError
from kiosk.model import Schedule
from kiosk.scheduler.timetable import current_and_next
from kiosk.store import rosters, staff
from kiosk.store.audit import audit_entries
from kiosk.store.cancellations import cancel_date, change_dates, restore_date
from kiosk.store.pins import hash_pin, pin_holders, pin_problem, set_pin, verify_pin
from kiosk.store.sessions import Actor, end_session_complete, mark_manual, session_reconciliation
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 9, 3, tzinfo=TZ)
PROF = Actor("prof", "door-1")


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    for pid, name in (("maya", "Maya Chen"), ("lin", "Lin Miranda"), ("tom", "Tom Okafor")):
        s.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    staff.add_staff(s, "prof", "Prof Ada")
    s.add_class("CS101", "Intro", ["maya", "lin"], room="B12", instructor_id="prof")
    s.add_schedule(Schedule("CS101", time(9), time(10), "Europe/London", weekdays=frozenset({2})))
    yield s
    s.close()


@pytest.fixture
def session_id(store):
    current, _ = current_and_next(store.schedules(), store.classes(), NOW, timedelta(minutes=10))
    store.activate_session(current)
    return current.session_id


def test_pin_hash_is_salted_scrypt_and_verifies():
    first, second = hash_pin("4829"), hash_pin("4829")
    assert first.startswith("scrypt$") and first != second and "4829" not in first
    assert verify_pin("4829", first) and not verify_pin("4828", first)
    assert not verify_pin("4829", "garbage")


@pytest.mark.parametrize("pin, ok", [
    ("0000", False), ("1234", False), ("4321", False), ("7890", False), ("1212", False), ("2580", False),
    ("12", False), ("12ab", False), ("4829", True), ("905173", True),
])
def test_trivial_pins_are_refused(pin, ok):
    assert (pin_problem(pin) is None) is ok


def test_set_pin_only_for_staff_and_holders_are_instructor_plus_admins(store):
    staff.add_staff(store, "root", "Admin", role="admin")
    set_pin(store, "prof", "4829")
    set_pin(store, "root", "905173")
    with pytest.raises(StoreError, match="only instructors and admins"):
        set_pin(store, "maya", "4829")
    with pytest.raises(StoreError, match="too easy"):
        set_pin(store, "prof", "1111")
    assert [p.id for p, _ in pin_holders(store, ["prof"])] == ["root", "prof"]
    assert [p.id for p, _ in pin_holders(store, [])] == ["root"]
    # Stored as a salted hash only: no column holds the PIN itself (a hex digest may contain the
    # digits "4829" by chance, roughly once in 250 runs, so the test compares whole fields).
    stored = store.query("SELECT * FROM pins WHERE person_id = 'prof'")[0]
    assert "4829" not in [str(field) for field in stored] and "4829" not in str(stored[1]).split("$")


def test_manual_mark_inserts_then_updates_with_method_and_author(store, session_id):
    assert mark_manual(store, session_id, "maya", "present", PROF, NOW) is None
    assert mark_manual(store, session_id, "maya", "late", PROF, NOW) == "present"
    row = store.query("SELECT status, method, made_by, kiosk_id FROM attendance WHERE person_id = 'maya'")[0]
    assert tuple(row) == ("late", "manual", "prof", "door-1")
    audit = audit_entries(store, "manual_mark")
    assert [(a.actor_id, a.target_id, a.detail, a.kiosk_id) for a in audit] == [
        ("prof", "maya", "present -> late", "door-1"), ("prof", "maya", "none -> present", "door-1")]


@pytest.mark.parametrize("person, message", [("ghost", "unknown student 'ghost'"),
                                             ("tom", "'tom' is not on CS101's list")])
def test_manual_mark_refuses_and_writes_nothing(store, session_id, person, message):
    with pytest.raises(StoreError, match=message):
        mark_manual(store, session_id, person, "present", PROF, NOW)
    assert store.query("SELECT count(*) FROM attendance")[0][0] == 0
    assert audit_entries(store) == []


def test_end_completes_the_session_with_absent_rows_and_an_audit_row(store, session_id):
    store.record_attendance(AttendanceRow(session_id, "maya", "present", NOW))
    summary = end_session_complete(store, session_id, PROF, NOW)
    assert summary.counts == (2, 1, 0, 1) and summary.absent == ("Lin Miranda",)
    assert end_session_complete(store, session_id, PROF, NOW) is None  # only once
    assert [a.action for a in audit_entries(store)] == ["end_session"]
    mark_manual(store, session_id, "lin", "late", PROF, NOW)  # a correction after the end
    assert session_reconciliation(store, session_id).counts == (2, 1, 1, 0)


def _entries(*rows):
    return [rosters.RosterEntry(line, pid, name) for line, (pid, name) in enumerate(rows, 2)]


def test_roster_import_reports_bad_rows_and_imports_the_rest(store):
    report = rosters.import_roster(store, "CS101", _entries(
        ("maya", "Maya Chen"), ("tom", "Tom Okafor"), ("", "Nobody"), ("ghost", ""), ("lin", "Wrong Name"),
        ("1001", "Ana Ruiz")))
    assert report.added == ["tom", "1001"] and report.already == ["maya", "lin"]
    assert report.created == ["1001"]  # a new person, awaiting enrolment
    assert [line for line, _ in report.bad] == [4, 5]
    assert "empty id" in report.bad[0][1] and "has no name" in report.bad[1][1]
    assert report.warnings == [(6, "name 'Wrong Name' differs from 'Lin Miranda' stored for 'lin'; kept 'Lin Miranda'")]
    refused = rosters.import_roster(store, "CS101", [rosters.RosterEntry(2, "", problem="a quote is not closed"),
                                                     rosters.RosterEntry(3, "zed", "Zed", problem="'zed': bad id")])
    assert refused.bad == [(2, "a quote is not closed"), (3, "'zed': bad id")] and refused.added == []
    assert store.class_record("CS101").roster == {"maya", "lin", "tom", "1001"}
    assert store.person("1001").name == "Ana Ruiz" and store.embedding_counts("sface").get("1001") is None


def test_roster_import_into_an_unknown_class_changes_nothing(store):
    with pytest.raises(StoreError, match="unknown class"):
        rosters.import_roster(store, "NOPE", _entries(("new", "New Person")))
    assert store.person("new") is None


def test_cancel_and_restore_a_date(store):
    assert cancel_date(store, "CS101", date(2026, 11, 25), "holiday") == [1]
    assert store.schedules()[0].cancelled == {date(2026, 11, 25)}
    with pytest.raises(StoreError, match="already cancelled"):
        cancel_date(store, "CS101", date(2026, 11, 25))
    with pytest.raises(StoreError, match="does not meet on 2026-11-26"):
        cancel_date(store, "CS101", date(2026, 11, 26))
    assert restore_date(store, "CS101", date(2026, 11, 25)) == 1
    assert store.schedules()[0].cancelled == frozenset()


def test_one_meeting_of_a_day_is_cancelled_and_one_already_held_is_refused(store, session_id):
    later = store.add_schedule(Schedule("CS101", time(14), time(15), "Europe/London", weekdays=frozenset({2})))
    day = date(2026, 11, 25)
    assert cancel_date(store, "CS101", day, "trip", schedule_id=later) == [later]
    assert {s.id: s.cancelled for s in store.schedules()} == {1: frozenset(), later: {day}}
    with pytest.raises(AlreadyHeld, match="CS101 on 2026-11-25 at 09:00 is already held .* end it instead"):
        cancel_date(store, "CS101", day, schedule_id=1)  # its session is on (session_id)
    assert restore_date(store, "CS101", day, schedule_id=later) == 1
    with pytest.raises(AlreadyHeld):  # a break ending on the held day: the week before is not cancelled either
        change_dates(store, "CS101", [day - timedelta(days=7 - n) for n in range(8)], "break")
    assert all(not s.cancelled for s in store.schedules())


def test_remove_class_keeps_history(store, session_id):
    store.record_attendance(AttendanceRow(session_id, "maya", "present", NOW))
    rosters.remove_class(store, "CS101")
    assert store.schedules() == [] and store.class_record("CS101") is None
    assert store.query("SELECT count(*) FROM attendance")[0][0] == 1
    with pytest.raises(StoreError, match="unknown class"):
        rosters.remove_class(store, "CS101")
