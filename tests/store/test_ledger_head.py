"""The ledger's head outside the WAL (kiosk/store/ledger_head.py): a database that lost its newest
writes (a deleted WAL then a crash, an older copy put back) is reported by verify-log, and new
writes after it do not hide the loss."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from kiosk.store.audit import AuditEntry
from kiosk.store.ledger import verify_ledger
from kiosk.store.ledger_head import head_path, read_head
from kiosk.store.sqlite_store import SqliteStore

REPO = Path(__file__).resolve().parents[2]


def _audit(store: SqliteStore, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        store.audit(AuditEntry(datetime.now(timezone.utc), "door", "cli", "test", target_id=str(i)))


def test_the_head_follows_every_commit_that_adds_ledger_entries(data_dir):
    store = SqliteStore.in_dir(data_dir)
    _audit(store, 3)
    head = json.loads(head_path(store.path).read_text())
    last = store.query("SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1")[0]
    assert (head["last_id"], head["hash"], head["gaps"]) == (last[0], last[1], [])
    assert verify_ledger(store) == (3, [])
    store.close()


def test_an_older_copy_put_back_is_reported_and_stays_reported(data_dir, tmp_path):
    store = SqliteStore.in_dir(data_dir)
    _audit(store, 5)
    store.close()
    older = tmp_path / "older.db"
    shutil.copy(data_dir / "kiosk.db", older)
    store = SqliteStore.in_dir(data_dir)
    _audit(store, 7, start=5)
    store.close()
    shutil.copy(older, data_dir / "kiosk.db")  # the newest 7 writes are gone
    store = SqliteStore.in_dir(data_dir)
    _audit(store, 20, start=100)  # the kiosk carries on: the head passes its old mark
    entries, problems = verify_ledger(store)
    store.close()
    assert entries == 25
    assert problems == [p for p in problems if "7 ledger entries missing" in p] and len(problems) == 1
    assert "lost recent writes" in problems[0]


def _crash_after_deleting_the_wal(data_dir) -> str:
    """A kiosk writes, the WAL is deleted, it writes more, then dies without closing (kill -9)."""
    crash = f"""
import os, sys
sys.path.insert(0, {str(REPO)!r})
from datetime import datetime, timezone
from kiosk.store.audit import AuditEntry
from kiosk.store.sqlite_store import SqliteStore
store = SqliteStore.in_dir({str(data_dir)!r})
def write(n):
    for i in range(n):
        store.audit(AuditEntry(datetime.now(timezone.utc), "door", "cli", "test", target_id=str(i)))
write(10)
store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
write(5)
os.remove({str(data_dir / 'kiosk.db-wal')!r})
write(8)  # written to the deleted file
os._exit(0)  # killed: no checkpoint on close
"""
    done = subprocess.run([sys.executable, "-c", crash], cwd=REPO, capture_output=True, text=True, check=True)
    return done.stderr


def test_a_wal_deleted_under_a_running_kiosk_loses_nothing(data_dir):
    log = _crash_after_deleting_the_wal(data_dir)
    assert "WAL file" in log and "was deleted" in log
    store = SqliteStore.in_dir(data_dir)
    entries, problems = verify_ledger(store)
    store.close()
    assert entries == 23 and problems == []  # the 8 (and the 5 before) were copied into the file at once


def test_a_wal_lost_with_its_commits_is_reported(data_dir, tmp_path):
    """The same loss without the kiosk's guard (the WAL copied away, the file put back without it)."""
    store = SqliteStore.in_dir(data_dir)
    _audit(store, 10)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(data_dir / "kiosk.db", tmp_path / "checkpointed.db")
    _audit(store, 13, start=10)
    assert read_head(data_dir / "kiosk.db").last_id == 23
    store.close()
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"kiosk.db{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "checkpointed.db", data_dir / "kiosk.db")  # the file without its last 13 commits
    store = SqliteStore.in_dir(data_dir)
    entries, problems = verify_ledger(store)
    store.close()
    assert entries == 10 and len(problems) == 1 and "13 ledger entries missing" in problems[0]
