"""A failing database file raises the store's own errors, never sqlite3's: a refused row is a
StoreError, a failure of the file (read-only, damaged) a StoreFault that says what to do."""

import os
import sqlite3

import numpy as np
import pytest

from kiosk.errors import StoreError, StoreFault
from kiosk.store.database import fault
from kiosk.store.sqlite_store import Person, SqliteStore


def test_a_read_only_file_is_a_fault_that_names_the_fix(data_dir):
    store = SqliteStore.in_dir(data_dir)
    store.close()
    readonly = SqliteStore.in_dir(data_dir)
    readonly.conn.execute("PRAGMA query_only = ON")  # as a read-only mount behaves
    with pytest.raises(StoreFault, match="readonly") as fault:
        readonly.add_person(Person("maya", "Maya", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    assert not isinstance(fault.value, sqlite3.Error) and "\n" not in str(fault.value)
    assert readonly.people() == []  # nothing half-written
    readonly.close()


def test_a_damaged_file_is_a_fault_when_opened_or_read(data_dir):
    store = SqliteStore.in_dir(data_dir)
    for i in range(200):  # enough rows for several pages
        store.add_person(Person(f"p{i}", "x" * 200, "student"), "sface", np.ones((1, 64), np.float32), ["a"])
    store.close()
    path = data_dir / "kiosk.db"
    with open(path, "r+b") as f:  # overwrite pages after the schema with garbage
        f.seek(4096 * 3)
        f.write(os.urandom(4096 * 4))
    try:
        damaged = SqliteStore.in_dir(data_dir)
        damaged.people()
        verdict = damaged.integrity()
    except StoreFault as fault:  # sqlite3's own error never escapes the store
        assert "damaged" in str(fault) and "\n" not in str(fault)
    else:
        assert verdict != "ok"  # a page it did not need to read: the integrity check finds it


def test_a_constraint_is_a_store_error_not_a_fault(data_dir):
    store = SqliteStore.in_dir(data_dir)
    with pytest.raises(StoreError) as refused:
        store.conn.execute("INSERT INTO people (id, name, role, created_at, updated_at) VALUES ('a', '', 'student', '', '')")
    assert not isinstance(refused.value, StoreFault)
    store.close()


def test_a_data_folder_that_cannot_be_written_is_named_with_the_reason(tmp_path, monkeypatch):
    """SQLite says only "unable to open database file": the store says why and what to do."""
    monkeypatch.setattr(os, "access", lambda *_, **__: False)  # as for a user with no write permission there
    err = fault(tmp_path / "kiosk.db", sqlite3.OperationalError("unable to open database file"))
    assert isinstance(err, StoreFault) and f"the folder {tmp_path} is not writable (permission denied)" in str(err)
    assert "chown" in str(err) and "doctor" not in str(err)


def test_a_ledger_head_that_cannot_be_written_is_said_once_not_at_every_commit(data_dir, monkeypatch, caplog):
    import logging
    from datetime import datetime, timezone

    from kiosk.store import ledger_head
    from kiosk.store.audit import AuditEntry, write_audit
    from kiosk.store.sqlite_store import SqliteStore

    store = SqliteStore.in_dir(data_dir)
    advance = ledger_head.advance

    def read_only(*args):
        raise OSError(30, "Read-only file system")

    def audited(n: int) -> None:
        with store.transaction() as conn:
            write_audit(conn, AuditEntry(datetime(2026, 11, 25, 9, n, tzinfo=timezone.utc), "door-1", "", "probe"))

    monkeypatch.setattr(ledger_head, "advance", read_only)
    with caplog.at_level(logging.INFO, logger="kiosk.store.database"):
        for n in range(5):
            audited(n)  # five commits, the head unwritable each time
        monkeypatch.setattr(ledger_head, "advance", advance)
        audited(6)
    said = [r.getMessage() for r in caplog.records if "ledger head" in r.getMessage()]
    assert len(said) == 2 and "said once" in said[0] and "written again" in said[1], said
    store.close()
