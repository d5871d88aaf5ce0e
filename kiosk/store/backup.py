"""Backups a school can restore: a consistent copy of a running kiosk's database with its
ledger head, and a restore that checks a copy before it replaces anything.

- `backup_to`: SQLite's online backup API copies the file page by page inside one read
  transaction, so the copy is consistent while the kiosk keeps writing (WAL). The copy gets
  its own head file (kiosk/store/ledger_head.py) from its own ledger, so a later restore can
  tell a whole backup from a damaged or cut one.
- `restore_from`: the copy is checked first (SQLite's integrity check, the ledger's chain
  and rows, the copy's head), in a scratch file beside the database; only then is the old
  file moved aside (never deleted) and the copy put in its place, with a fresh head: a
  restore is the one legitimate way back to an older ledger. Refused while the kiosk or the
  web view holds the database (`in_use_lock`).
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Iterator

from kiosk.errors import StoreError, StoreFault
from kiosk.store import ledger_head
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.database import DB_FILE, Database, fault
from kiosk.store.ledger import verify_ledger

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".in-use"
BACKUP_GLOB = "kiosk-*.db"


@dataclass(frozen=True)
class CopyFacts:
    path: Path
    ledger_entries: int
    last_id: int


@contextmanager
def in_use_lock(data_dir: Path) -> Iterator[IO]:
    """Held (shared) by `run` and `web` for their whole life: a restore needs it exclusively."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / (DB_FILE + LOCK_SUFFIX), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield lock


def backup_to(db: Database, dest: Path) -> CopyFacts:
    """A consistent copy of `db` at `dest` (mode 0600), with `dest`.head beside it."""
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY, 0o600))
    target = sqlite3.connect(partial)
    try:
        db.conn.backup(target)
    except sqlite3.Error as err:
        raise fault(db.path, err) from None
    finally:
        target.close()
    facts = check_copy(partial, expect_head=False)
    ledger_head.write_head(partial, ledger_head.Head(facts.last_id, _hash_at(partial, facts.last_id)))
    os.replace(ledger_head.head_path(partial), ledger_head.head_path(dest))
    os.replace(partial, dest)
    _remove_with_sidecars(partial)
    return CopyFacts(dest, facts.ledger_entries, facts.last_id)


def check_copy(path: Path, expect_head: bool = True) -> CopyFacts:
    """The copy's integrity and ledger (and, with its head file beside it, that it is whole);
    StoreFault names the first problem. Opening it migrates an older copy to this schema."""
    if not path.is_file():
        raise StoreError(f"no such backup file: {path}")
    copy = Database(path, create=False)
    try:
        verdict = copy.integrity()
        if verdict != "ok":
            raise StoreFault(f"backup {path} is damaged ({verdict[:120]}); choose another backup")
        entries, problems = verify_ledger(copy)
        if problems:
            raise StoreFault(f"backup {path} fails the ledger check ({problems[0]}; {len(problems)} problem(s)); "
                             "choose another backup")
        last_id = copy.query("SELECT coalesce(max(id), 0) FROM ledger")[0][0]
    finally:
        copy.close()
    return CopyFacts(path, entries, last_id)


def restore_from(data_dir: Path, source: Path, kiosk_id: str, actor: str) -> tuple[CopyFacts, Path | None]:
    """Replace the database in `data_dir` with the checked copy `source`; returns the copy's facts
    and where the old database was moved (None when there was none)."""
    live = data_dir / DB_FILE
    with _exclusive(data_dir):
        scratch = data_dir / (DB_FILE + ".restoring")
        _remove_with_sidecars(scratch)
        _copy_file(source, scratch)
        if ledger_head.head_path(source).is_file():
            _copy_file(ledger_head.head_path(source), ledger_head.head_path(scratch))
        try:
            facts = check_copy(scratch)
        except Exception:
            _remove_with_sidecars(scratch)  # a refused copy leaves nothing behind
            raise
        for sidecar in (ledger_head.SUFFIX, ledger_head.SUFFIX + ".lock"):
            Path(str(scratch) + sidecar).unlink(missing_ok=True)
        aside = _move_aside(live)
        os.replace(scratch, live)
        ledger_head.write_head(live, ledger_head.Head(facts.last_id, _hash_at(live, facts.last_id)))
    store = Database(live, create=False)
    try:
        with store.transaction() as conn:
            write_audit(conn, AuditEntry(datetime.now(timezone.utc), kiosk_id, actor, "restore",
                                         detail=f"from {source.name}: {facts.ledger_entries} ledger entries"))
    finally:
        store.close()
    return CopyFacts(live, facts.ledger_entries, facts.last_id), aside


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (kiosk-*.db and their heads) in `folder`."""
    backups = sorted(folder.glob(BACKUP_GLOB), key=lambda p: p.name, reverse=True)
    removed = backups[keep:]
    for old in removed:
        old.unlink(missing_ok=True)
        ledger_head.head_path(old).unlink(missing_ok=True)
    return removed


@contextmanager
def _exclusive(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / (DB_FILE + LOCK_SUFFIX), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError("the kiosk or the staff web view is using this database: stop them first "
                             "(sudo systemctl stop attendance-kiosk attendance-web), then restore") from None
        yield


def _hash_at(path: Path, entry_id: int) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT hash FROM ledger WHERE id = ?", (entry_id,)).fetchone()
    except sqlite3.Error as err:
        raise fault(path, err) from None
    finally:
        conn.close()
    return row[0] if row else ""


def _copy_file(source: Path, dest: Path) -> None:
    with open(source, "rb") as src, open(os.open(dest, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "wb") as out:
        while chunk := src.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def _move_aside(live: Path) -> Path | None:
    """The old database (and its WAL) to kiosk.db.before-restore-STAMP: a restore deletes nothing."""
    if not live.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = live.with_name(f"{live.name}.before-restore-{stamp}")
    for suffix in ("", "-wal", "-shm", ledger_head.SUFFIX):
        part = Path(str(live) + suffix)
        if part.exists():
            os.replace(part, Path(str(aside) + suffix))
    return aside


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ledger_head.SUFFIX, ledger_head.SUFFIX + ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
