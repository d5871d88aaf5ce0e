"""`backup` and `restore` on real files: a consistent copy while a writer is busy, rotation, and a
restore that checks the copy (integrity, ledger, head) before replacing anything, refuses while
the kiosk holds the database, keeps the old file, and updates the head so verify-log is clean."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import numpy as np

from kiosk.store.audit import AuditEntry, audit_entries
from kiosk.store.backup import in_use_lock
from kiosk.store.ledger_head import read_head
from kiosk.store.sqlite_store import Person, SqliteStore


def _school(data_dir, rows: int = 30) -> None:
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("maya", "Maya", "student"), "sface", np.ones((1, 8), np.float32), ["a"])
    for i in range(rows):
        store.audit(AuditEntry(datetime.now(timezone.utc), "door", "cli", "test", target_id=str(i)))
    store.close()


def test_a_backup_while_a_writer_runs_is_consistent_and_restores(cli, data_dir, tmp_path):
    _school(data_dir)
    stop = threading.Event()

    def writer():  # the kiosk, writing meanwhile
        store = SqliteStore.in_dir(data_dir)
        while not stop.is_set():
            store.audit(AuditEntry(datetime.now(timezone.utc), "door", "kiosk", "busy"))
        store.close()

    busy = threading.Thread(target=writer)
    busy.start()
    try:
        folder = tmp_path / "backups"
        folder.mkdir()
        for _ in range(3):
            code, out, err = cli("backup", str(folder), "--keep", "2")
            assert code == 0, err
    finally:
        stop.set()
        busy.join()
    copies = sorted(folder.glob("kiosk-*.db"))
    assert len(copies) <= 2 and all(read_head(c).last_id > 0 for c in copies)
    code, out, err = cli("restore", str(copies[-1]))
    assert code == 0, err and "kept as" in out
    assert list(data_dir.glob("kiosk.db.before-restore-*"))
    code, out, _ = cli("verify-log")
    assert code == 0 and "ledger intact" in out
    store = SqliteStore.in_dir(data_dir)
    assert [a.action for a in audit_entries(store, "restore")] == ["restore"]
    store.close()


def test_restore_refuses_a_damaged_or_cut_backup_and_changes_nothing(cli, data_dir, tmp_path):
    _school(data_dir)
    good = tmp_path / "good.db"
    assert cli("backup", str(good))[0] == 0
    before = (data_dir / "kiosk.db").read_bytes()
    cut = tmp_path / "cut.db"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    code, _, err = cli("restore", str(cut))
    assert code != 0 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    head = good.with_name("good.db.head")
    head.write_text(head.read_text().replace('"last_id": ', '"last_id": 9'))  # the head says more was written
    code, _, err = cli("restore", str(good))
    assert code != 0 and "ledger" in err
    assert (data_dir / "kiosk.db").read_bytes() == before and not list(data_dir.glob("kiosk.db.before-restore-*"))


def test_restore_refuses_while_the_kiosk_runs(cli, data_dir, tmp_path):
    _school(data_dir)
    assert cli("backup", str(tmp_path / "b.db"))[0] == 0
    with in_use_lock(data_dir):  # as `run` and `web` hold it
        code, _, err = cli("restore", str(tmp_path / "b.db"))
    assert code != 0 and "systemctl stop attendance-kiosk" in err


def test_backup_of_a_missing_database_creates_nothing(cli, data_dir, tmp_path):
    code, _, err = cli("backup", str(tmp_path / "b.db"))
    assert code != 0 and "no database" in err and not (data_dir / "kiosk.db").exists()
