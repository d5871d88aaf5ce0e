"""Consent, erasure everywhere in the local store, and retention."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from kiosk.errors import StoreError
from kiosk.model import Consent, SessionInfo
from kiosk.store.privacy import erase_person, purge_older_than, record_consent
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    for pid in ("maya", "lin"):
        s.add_person(Person(pid, pid.title(), "student"), "sface", np.ones((2, 4), np.float32), ["a", "b"])
    s.add_class("CS101", "Intro", ["maya", "lin"])
    s.activate_session(SessionInfo("S1", "CS101", "Intro", "", T0, T0 + timedelta(hours=1), T0, "active"))
    for pid in ("maya", "lin"):
        s.record_attendance(AttendanceRow("S1", pid, "present", T0))
    yield s
    s.close()


def count(store, sql, *params):
    return store.query(sql, params)[0][0]


def test_consent_is_recorded(store):
    record_consent(store, "maya", Consent("Mrs Chen", guardian="Mrs Chen"))
    row = store.query("SELECT consent_by, consent_at, guardian FROM people WHERE id = 'maya'")[0]
    assert row["consent_by"] == "Mrs Chen" and row["guardian"] == "Mrs Chen" and row["consent_at"]


def test_erase_removes_the_person_everywhere(store):
    removed = erase_person(store, "maya", actor="cli:admin")
    assert removed["people"] == 1 and removed["attendance"] == 1 and removed["embeddings"] == 2
    for sql in ("SELECT count(*) FROM people WHERE id = ?", "SELECT count(*) FROM embeddings WHERE person_id = ?",
                "SELECT count(*) FROM roster WHERE person_id = ?", "SELECT count(*) FROM attendance WHERE person_id = ?"):
        assert count(store, sql, "maya") == 0
    assert count(store, "SELECT count(*) FROM attendance WHERE person_id = 'lin'") == 1
    assert count(store, "SELECT count(*) FROM audit WHERE action = 'person.erase'") == 1
    with pytest.raises(StoreError, match="unknown person"):
        erase_person(store, "maya", actor="cli:admin")


def test_retention_purges_only_old_rows(store):
    assert purge_older_than(store, 0, T0 + timedelta(days=400)) == {}
    assert purge_older_than(store, 30, T0 + timedelta(days=10))["attendance"] == 0
    assert purge_older_than(store, 30, T0 + timedelta(days=40))["attendance"] == 2
    assert count(store, "SELECT count(*) FROM people") == 2  # people stay; only old records go
