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

import errno
import fcntl
import logging
import os
import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Iterator
from urllib.parse import quote

from kiosk.errors import StoreError, StoreFault
from kiosk.store import ledger_head
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.database import DB_FILE, RESTORE_ADVICE, Database, fault
from kiosk.store.ledger import verify_ledger
from kiosk.store.schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

LOCK_SUFFIX = ".in-use"
BACKUP_GLOB = "kiosk-*.db"
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
KIOSK_TABLES = {"people", "sessions", "attendance"}  # there since the first schema: a kiosk's file has them
# SQLite's primary result codes that mean the backup's own file failed: I/O, read-only, cannot open, no permission.
DESTINATION_FAULTS = {sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}
NEARLY_FULL_BYTES = 1024 * 1024  # less free than this, and SQLite's "disk I/O error" is a full disk
DAMAGE_WORDS = ("malformed", "not a database", "corrupt")  # SQLite's words for a file it cannot read


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


def backup_to(db: Database, dest: Path, overwrite: bool = False) -> CopyFacts:
    """A consistent copy of `db` at `dest` (mode 0600), with `dest`.head beside it. Never onto the
    live database, nor onto a file that is not a kiosk backup; onto an earlier backup only with
    `overwrite`. A copy that fails leaves nothing behind, and the error names `dest`."""
    refuse_unsafe_target(db.path, dest, overwrite)
    partial = dest.with_name(dest.name + ".partial")
    try:
        _remove_with_sidecars(partial)
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY, 0o600))
        _copy_database(db, partial)
        facts = check_copy(partial, expect_head=False, shown=db.path, advice=RESTORE_ADVICE)
        ledger_head.write_head(partial, ledger_head.Head(facts.last_id, _hash_at(partial, facts.last_id)))
        os.replace(ledger_head.head_path(partial), ledger_head.head_path(dest))
        os.replace(partial, dest)
    except (OSError, sqlite3.Error, StoreError) as err:
        _remove_with_sidecars(partial)
        raise _write_failure(db.path, dest, err) from None
    except BaseException:
        _remove_with_sidecars(partial)
        raise
    _remove_with_sidecars(partial)
    return CopyFacts(dest, facts.ledger_entries, facts.last_id)


def refuse_unsafe_target(live: Path, dest: Path, overwrite: bool) -> None:
    """StoreError unless `dest` may receive a backup: a new file, or (with `overwrite`) an earlier
    backup. The live database is never a target, whatever path or link names it."""
    if _same_file(live, dest):
        raise StoreError(f"backup: {dest} is the live database itself; give another file name or a folder")
    if not dest.exists() and not dest.is_symlink():
        return
    kind, reason = backup_problem(dest) if dest.is_file() else ("other", "not a regular file")
    if kind:
        raise StoreError(f"backup: {dest} already exists and is not a kiosk backup ({reason}); nothing was "
                         "written: give a new file name or a folder")
    if not overwrite:
        raise StoreError(f"backup: {dest} already exists (an earlier backup); add --overwrite to replace it, "
                         "or give a folder for dated backups")


def _same_file(live: Path, dest: Path) -> bool:
    if dest.resolve() == live.resolve():
        return True
    try:
        return os.path.samefile(live, dest)  # a hard link, or a path through another mount
    except OSError:
        return False  # one of them does not exist


def backup_problem(path: Path) -> tuple[str, str]:
    """Whether `path` holds a kiosk database, read without changing it or adding files beside it:
    ("", "") when it does, ("damaged", SQLite's words) for a kiosk-looking file SQLite cannot read,
    ("other", why) for anything else."""
    try:
        with open(path, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as err:
        return "other", f"cannot read it: {err.strerror}"
    if not header:
        return "other", "it is empty (0 bytes)"
    if header != SQLITE_HEADER:
        return "other", "not an SQLite database"
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as err:
        return "damaged", str(err)
    finally:
        conn.close()
    if version < 1 or not KIOSK_TABLES <= tables:
        return "other", "an SQLite database of another program"
    if version > SCHEMA_VERSION:
        return "other", f"written by a newer kiosk (schema v{version}; this one reads up to v{SCHEMA_VERSION})"
    return "", ""


def _copy_database(db: Database, partial: Path) -> None:
    """SQLite's online backup API, page by page inside one read transaction of `db`."""
    target = _open_target(partial)
    try:
        db.conn.backup(target)
    finally:
        target.close()


def _open_target(partial: Path) -> sqlite3.Connection:
    return sqlite3.connect(partial)


def _write_failure(live: Path, dest: Path, err: OSError | StoreError | sqlite3.Error) -> Exception:
    """A failed backup as one line: a full disk or a destination that cannot be written names
    `dest`; a fault of the live database (a damaged page, say) names `live`."""
    if _disk_full(err, dest.parent):
        return StoreFault(f"backup {dest}: the disk is full (no space left on device, ENOSPC); nothing was kept: "
                          f"free some space in {dest.parent}, or back up to another disk")
    if isinstance(err, sqlite3.Error):
        if (getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF not in DESTINATION_FAULTS:
            return fault(live, err)  # the copy was only written to: reading the source failed
        return StoreFault(f"backup {dest}: cannot write there ({err}); nothing was kept: "
                          "check the destination disk, or give another folder")
    if isinstance(err, OSError):
        return StoreFault(f"backup {dest}: cannot write there ({err.strerror or err}); nothing was kept: "
                          "give a folder this user can write")
    return err


def _disk_full(err: Exception, folder: Path) -> bool:
    """ENOSPC as the OS or SQLite ("database or disk is full") says it; SQLite may say only
    "disk I/O error" (growing its shared-memory file), so then the free space decides."""
    if isinstance(err, OSError):
        return err.errno in (errno.ENOSPC, errno.EDQUOT)
    if "disk is full" in str(err):
        return True
    try:
        return "disk I/O error" in str(err) and shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def check_copy(path: Path, expect_head: bool = True, shown: Path | None = None,
               advice: str = "choose another backup") -> CopyFacts:
    """The copy's integrity and ledger (and, with its head file beside it, that it is whole);
    StoreFault names the first problem, calling the file `shown` (the name the user gave, where
    `path` is a scratch copy) and ending with `advice`. Opening it migrates an older copy to this schema."""
    shown = shown or path
    if not path.is_file():
        raise StoreError(f"no such backup file: {shown}")
    kind, reason = backup_problem(path)
    if kind == "other":
        raise StoreFault(f"{shown} is not a kiosk backup: {reason}; give a file written by 'main.py backup'")
    if kind == "damaged":
        raise StoreFault(f"{shown} is damaged: {reason}; {advice}")
    try:
        copy = Database(path, create=False)
        try:
            verdict = copy.integrity()
            entries, problems = verify_ledger(copy)
            last_id = copy.query("SELECT coalesce(max(id), 0) FROM ledger")[0][0]
        finally:
            copy.close()
    except StoreFault as err:  # the store's words name the scratch file and advise about the live one
        words = str(err).split(": ", 1)[-1].split("; ", 1)[0]
        if not any(sign in words for sign in DAMAGE_WORDS):
            raise StoreFault(f"cannot check {shown}: {words} (in {path.parent})") from None
        raise StoreFault(f"{shown} is damaged: {words}; {advice}") from None
    if verdict != "ok":
        raise StoreFault(f"{shown} is damaged: {verdict[:120]}; {advice}")
    if problems:
        raise StoreFault(f"{shown} fails the ledger check ({problems[0]}; {len(problems)} problem(s)); {advice}")
    return CopyFacts(path, entries, last_id)


def restore_from(data_dir: Path, source: Path, kiosk_id: str, actor: str) -> tuple[CopyFacts, Path | None]:
    """Replace the database in `data_dir` with the checked copy `source`; returns the copy's facts
    and where the old database was moved (None when there was none)."""
    live = data_dir / DB_FILE
    with _exclusive(data_dir):
        scratch = data_dir / (DB_FILE + ".restoring")
        _remove_with_sidecars(scratch)
        try:
            _copy_file(source, scratch)
            if ledger_head.head_path(source).is_file():
                _copy_file(ledger_head.head_path(source), ledger_head.head_path(scratch))
            facts = check_copy(scratch, shown=source)
        except OSError as err:  # reading the backup, or writing the scratch copy (a full disk, say)
            _remove_with_sidecars(scratch)
            raise StoreFault(f"restore: cannot copy {source} into {data_dir}: {err.strerror or err}; "
                             "nothing was changed") from None
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
    """Never raises: it cleans up after a failure, whose own error is the one to report."""
    head = ledger_head.SUFFIX
    for suffix in ("", "-wal", "-shm", head, head + ".lock", head + ".tmp"):
        part = Path(str(path) + suffix)
        try:
            part.unlink(missing_ok=True)
        except OSError as err:  # a read-only folder refuses even to unlink what is not there
            if part.exists():
                log.warning("cannot remove %s: %s", part, err.strerror)
