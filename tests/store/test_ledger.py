"""Tamper evidence: edits, deletions and reorderings made outside the kiosk are named."""

import sqlite3
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from kiosk.model import SessionInfo
from kiosk.store.database import DB_FILE
from kiosk.store.ledger import verify_ledger
from kiosk.store.privacy import erase_person
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

T0 = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
PEOPLE = ("maya", "lin", "tom")


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    for pid in PEOPLE:
        s.add_person(Person(pid, pid.title(), "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    s.add_class("CS101", "Intro", list(PEOPLE))
    s.activate_session(SessionInfo("S1", "CS101", "Intro", "", T0, T0 + timedelta(hours=1), T0, "active"))
    for i, pid in enumerate(PEOPLE):
        s.record_attendance(AttendanceRow("S1", pid, "present", T0 + timedelta(minutes=i)))
    yield s
    s.close()


def tamper(data_dir, *statements):
    """An outsider's edit: a plain sqlite3 connection, triggers dropped first."""
    conn = sqlite3.connect(data_dir / DB_FILE)
    for name, in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ledger_%'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_kiosk_writes_keep_the_ledger_intact(store):
    store.conn.execute("UPDATE attendance SET status = 'late' WHERE person_id = 'tom'")  # a kiosk-side update
    erase_person(store, "lin", actor="cli:admin")
    entries, problems = verify_ledger(store)
    assert problems == [] and entries >= 6


def test_edited_row_is_named(store, data_dir):
    tamper(data_dir, "UPDATE attendance SET status = 'late' WHERE person_id = 'lin'")
    row_id = store.query("SELECT id FROM attendance WHERE person_id = 'lin'")[0][0]
    assert verify_ledger(store)[1] == [f"attendance row {row_id}: edited outside the kiosk"]


def test_deleted_row_is_named(store, data_dir):
    row_id = store.query("SELECT id FROM attendance WHERE person_id = 'maya'")[0][0]
    tamper(data_dir, "DELETE FROM attendance WHERE person_id = 'maya'")
    assert verify_ledger(store)[1] == [f"attendance row {row_id}: deleted outside the kiosk"]


def test_reordered_rows_are_named(store, data_dir):
    tamper(data_dir,
           "UPDATE attendance SET id = 100 WHERE person_id = 'maya'",
           "UPDATE attendance SET id = 1 WHERE person_id = 'tom'",
           "UPDATE attendance SET id = 3 WHERE id = 100")
    problems = verify_ledger(store)[1]
    assert problems and all("edited outside the kiosk" in p for p in problems)


def test_deleted_ledger_entry_breaks_the_chain(store, data_dir):
    tamper(data_dir, "DELETE FROM ledger WHERE id = 2")
    problems = verify_ledger(store)[1]
    assert "ledger entry 3: chain broken before it" in problems[0]


def test_verify_log_command(cli, data_dir, store):
    assert cli("verify-log")[0] == 0
    tamper(data_dir, "UPDATE attendance SET checked_in_at = '2026-11-25T08:59:00.000+00:00' WHERE person_id = 'tom'")
    code, out, _ = cli("verify-log")
    assert code == 1 and "edited outside the kiosk" in out

