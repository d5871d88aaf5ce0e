"""`backup` and `restore` on real files: a consistent copy while a writer is busy, rotation, and a
restore that checks the copy (integrity, ledger, head) before replacing anything, refuses while
the kiosk holds the database, keeps the old file, and updates the head so verify-log is clean."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from kiosk.store import backup as backup_module
from kiosk.store.audit import AuditEntry, audit_entries
from kiosk.store.backup import in_use_lock
from kiosk.store.ledger_head import read_head
from kiosk.store.sqlite_store import Person, SqliteStore

REPO = Path(__file__).resolve().parents[2]


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


def test_backup_never_replaces_a_file_that_is_not_a_kiosk_backup(cli, data_dir, tmp_path):
    _school(data_dir)
    export = tmp_path / "a.csv"
    export.write_text("person_id,status\nmaya,present\n")
    code, _, err = cli("backup", str(export))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "already exists and is not a kiosk backup" in err and str(export) in err
    code, _, err = cli("backup", str(export), "--overwrite")  # not even when told to overwrite
    assert code == 1 and "not a kiosk backup" in err
    assert export.read_text() == "person_id,status\nmaya,present\n" and not list(tmp_path.glob("a.csv.*"))


def test_an_earlier_backup_is_replaced_only_with_overwrite(cli, data_dir, tmp_path):
    _school(data_dir)
    earlier = tmp_path / "nightly.db"
    assert cli("backup", str(earlier))[0] == 0
    before = earlier.read_bytes()
    code, _, err = cli("backup", str(earlier))
    assert code == 1 and "--overwrite" in err and earlier.read_bytes() == before
    store = SqliteStore.in_dir(data_dir)
    store.audit(AuditEntry(datetime.now(timezone.utc), "door", "cli", "test"))  # more written since
    store.close()
    code, out, err = cli("backup", str(earlier), "--overwrite")
    assert code == 0, err
    assert read_head(earlier).last_id > 30 and cli("restore", str(earlier))[0] == 0


def test_backup_never_writes_onto_the_live_database(cli, data_dir, tmp_path):
    _school(data_dir)
    live = data_dir / "kiosk.db"
    inode = live.stat().st_ino
    (tmp_path / "link.db").symlink_to(live)
    os.link(live, tmp_path / "hard.db")
    for dest in (live, data_dir / ".." / data_dir.name / "kiosk.db", tmp_path / "link.db", tmp_path / "hard.db"):
        code, _, err = cli("backup", str(dest), "--overwrite")
        assert code == 1 and len(err.strip().splitlines()) == 1 and "is the live database itself" in err, dest
    assert live.stat().st_ino == inode and not list(data_dir.glob("*.partial*"))
    store = SqliteStore.in_dir(data_dir)
    assert store.person("maya") is not None
    store.close()


def _full_disk_at_page(monkeypatch, pages: int) -> None:
    """The copy's file may grow to `pages` pages: SQLite itself then fails the write with
    SQLITE_FULL, as on a full disk."""
    opened = backup_module._open_target

    def small_disk(partial):
        target = opened(partial)
        target.execute(f"PRAGMA max_page_count = {pages}")
        return target

    monkeypatch.setattr(backup_module, "_open_target", small_disk)


def test_a_backup_onto_a_full_disk_keeps_nothing_and_names_the_destination(cli, data_dir, tmp_path, monkeypatch):
    _school(data_dir)
    _full_disk_at_page(monkeypatch, 2)
    dest = tmp_path / "out" / "b.db"
    dest.parent.mkdir()
    code, _, err = cli("backup", str(dest))
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"backup {dest}: the disk is full" in err and "ENOSPC" in err and str(data_dir) not in err
    assert list(dest.parent.iterdir()) == []  # no 0-byte b.db.partial, no head


def test_a_full_disk_while_writing_the_head_keeps_nothing(cli, data_dir, tmp_path, monkeypatch):
    _school(data_dir)

    def no_space(*_):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backup_module.ledger_head, "write_head", no_space)
    folder = tmp_path / "backups"
    folder.mkdir()
    code, _, err = cli("backup", str(folder))
    assert code == 1 and "the disk is full" in err and str(folder) in err
    assert list(folder.iterdir()) == []


def test_a_backup_onto_a_real_full_disk(data_dir, tmp_path, private_mounts):
    """A 64 KiB tmpfs in a private mount namespace (skipped where user namespaces are not allowed)."""
    _school(data_dir)
    full = tmp_path / "full"
    full.mkdir()
    config = tmp_path / "kiosk.toml"
    config.write_text("")
    backup = (f"mount -t tmpfs -o size=64k tmpfs {full} && {sys.executable} main.py --config {config} "
              f"--data-dir {data_dir} backup {full}/b.db; echo rc=$?; ls -A {full}")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", backup], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.stdout.split() == ["rc=1"]  # nothing left in the full folder
    assert done.stderr.startswith(f"error: backup {full}/b.db: the disk is full") and done.stderr.count("\n") == 1


@pytest.mark.parametrize("content, says", [
    (b"person_id,status\n", "is not a kiosk backup: not an SQLite database"),
    (b"", "is not a kiosk backup: it is empty (0 bytes)"),
    ("cut", "is damaged: database disk image is malformed"),
    ("other", "is not a kiosk backup: an SQLite database of another program"),
])
def test_restore_of_a_file_that_is_no_backup_names_that_file(cli, data_dir, tmp_path, content, says):
    _school(data_dir)
    assert cli("backup", str(tmp_path / "good.db"))[0] == 0
    given = tmp_path / "given.db"
    if content == "cut":
        good = (tmp_path / "good.db").read_bytes()
        given.write_bytes(good[:5000])
    elif content == "other":
        conn = sqlite3.connect(given)
        conn.execute("CREATE TABLE notes (text)")
        conn.close()
    else:
        given.write_bytes(content)
    before = (data_dir / "kiosk.db").read_bytes()
    code, _, err = cli("restore", str(given))
    assert code == 1 and err.startswith(f"error: {given} {says}")
    assert len(err.strip().splitlines()) == 1 and ".restoring" not in err and "restore it from a backup" not in err
    assert (data_dir / "kiosk.db").read_bytes() == before
    assert not list(data_dir.glob("kiosk.db.restoring*")) and not list(data_dir.glob("kiosk.db.before-restore-*"))
