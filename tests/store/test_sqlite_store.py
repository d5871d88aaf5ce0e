"""The local store on a real SQLite file: schema, unique keys, atomic writes."""

import stat
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
import pytest

from kiosk.errors import StoreError
from kiosk.model import Schedule, SessionInfo, parse_weekdays
from kiosk.store.database import DB_FILE
from kiosk.store.schema import SCHEMA_VERSION
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    yield s
    s.close()


def enrol(store, pid, name=None):
    store.add_person(Person(pid, name or pid.title(), "student"), "sface", np.eye(2, 4, dtype=np.float32), ["a.jpg", "b.jpg"])


def session(code="CS101"):
    return SessionInfo(f"{code}@x", code, "Intro", "", NOW, NOW + timedelta(hours=1), NOW - timedelta(minutes=10), "active")


def test_new_database_is_wal_private_and_migrated(data_dir, store):
    assert store.schema_version == SCHEMA_VERSION
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert stat.S_IMODE((data_dir / DB_FILE).stat().st_mode) == 0o600


def test_reopen_does_not_migrate_again(data_dir, store):
    enrol(store, "maya")
    again = SqliteStore.in_dir(data_dir)
    assert [p.id for p in again.people()] == ["maya"]
    again.close()


def test_newer_schema_is_refused(data_dir, store):
    store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this kiosk"):
        SqliteStore.in_dir(data_dir)


def test_corrupt_file_is_a_one_line_error(tmp_path):
    (tmp_path / DB_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        SqliteStore.in_dir(tmp_path)


def test_enrolled_vectors_round_trip(store):
    enrol(store, "maya", "Maya Chen")
    got = store.enrolled_vectors("sface")
    assert got.person_ids == ["maya", "maya"] and got.names == ["Maya Chen"] * 2
    np.testing.assert_array_equal(got.vectors, np.eye(2, 4, dtype=np.float32))
    assert store.enrolled_vectors("dlib").vectors.shape[0] == 0


def test_enrolling_twice_needs_replace(store):
    enrol(store, "maya")
    with pytest.raises(StoreError, match="already enrolled"):
        enrol(store, "maya")
    before = store.gallery_signature("sface")
    store.add_person(Person("maya", "Maya C", "student"), "sface", np.ones((1, 4), np.float32), ["c.jpg"], replace=True)
    assert store.person("maya").name == "Maya C"
    assert len(store.enrolled_vectors("sface").person_ids) == 1
    assert store.gallery_signature("sface") != before


def test_class_with_unknown_student_writes_nothing(store):
    enrol(store, "maya")
    with pytest.raises(StoreError, match="unknown person id\\(s\\): ghost"):
        store.add_class("CS101", "Intro", ["maya", "ghost"])
    assert store.class_record("CS101") is None
    assert store.query("SELECT count(*) FROM roster")[0][0] == 0


def test_schedule_for_unknown_class_and_bad_times(store):
    with pytest.raises(StoreError, match="unknown class 'NOPE'"):
        store.add_schedule(Schedule("NOPE", time(9), time(10), "UTC", on_date=date(2026, 11, 25)))
    store.add_class("CS101", "Intro", [])
    with pytest.raises(StoreError, match="must be after its start"):
        store.add_schedule(Schedule("CS101", time(10), time(9), "UTC", on_date=date(2026, 11, 25)))
    assert store.schedules() == []


def test_overlapping_schedules_in_one_room_are_refused(store):
    store.add_class("CS101", "Intro", [], room="B12")
    store.add_class("MA201", "Calc", [], room="B12")
    store.add_schedule(Schedule("CS101", time(9), time(10), "UTC", weekdays=parse_weekdays("mon")))
    with pytest.raises(StoreError, match="overlaps schedule"):
        store.add_schedule(Schedule("MA201", time(9, 30), time(11), "UTC", weekdays=parse_weekdays("mon")))


def test_attendance_is_unique_per_session_and_person(store):
    enrol(store, "maya")
    store.add_class("CS101", "Intro", ["maya"])
    assert store.activate_session(session())
    first = AttendanceRow("CS101@x", "maya", "present", NOW, 120.0, 0.8)
    second = AttendanceRow("CS101@x", "maya", "late", NOW + timedelta(minutes=9), 90.0, 0.9)
    assert store.record_attendance(first) == (NOW, True)
    assert store.record_attendance(second) == (NOW, False)  # the first record stands
    assert store.present_count("CS101@x") == 1
    with pytest.raises(StoreError, match="UNIQUE constraint failed"):  # the store's own error, never sqlite3's
        store.conn.execute(
            "INSERT INTO attendance (session_id, person_id, status, checked_in_at) VALUES ('CS101@x', 'maya', 'present', 'x')"
        )


def test_session_lifecycle(store):
    store.add_class("CS101", "Intro", [])
    assert store.activate_session(session())
    assert not store.activate_session(session())
    assert store.active_session().class_name == "Intro"
    assert store.end_session("CS101@x", by="pin:teacher")
    assert store.active_session() is None
    assert not store.activate_session(session())  # an ended session is not reopened
    assert store.session_state("CS101@x") == "ended"


def test_corrupt_schedule_row_is_skipped(store):
    store.add_class("CS101", "Intro", [])
    store.conn.execute(
        "INSERT INTO schedules (class_code, start_time, end_time, on_date, timezone) VALUES ('CS101', '09:00', '10:00', 'soon', 'UTC')"
    )
    assert store.schedules() == []


def test_old_database_is_migrated_forward_keeping_its_rows(data_dir):
    import sqlite3 as sq

    from kiosk.store.schema import MIGRATIONS

    path = data_dir / DB_FILE
    conn = sq.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO people VALUES ('maya', 'Maya', 'student', 'now', 'now')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = SqliteStore.in_dir(data_dir)
    assert store.schema_version == SCHEMA_VERSION
    assert store.person("maya").name == "Maya"
    store.close()
