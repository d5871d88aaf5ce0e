"""The SQLite file: opening it safely, WAL mode, migrations, transactions.

Each thread opens its own connection (sqlite3 objects are not shared
between threads); WAL lets the UI's readers and the worker's writer run
side by side. Only kiosk/store/ uses the connection: every other package
calls the store's functions and gets value types back. A failure of the
file itself (full, read-only, damaged, locked) is raised as StoreFault
wherever it happens, so no caller ever sees sqlite3's own exceptions.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from kiosk.errors import StoreError, StoreFault
from kiosk.model import room_name
from kiosk.store import ledger_head
from kiosk.store.schema import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

DB_FILE = "kiosk.db"
RESTORE_ADVICE = "restore it from a backup ('main.py restore BACKUP', see docs/BACKUP.md)"
DOCTOR_HINT = "; run 'main.py doctor'"  # the last resort advice; doctor itself leaves it out
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC", "COMMIT")  # statements that may commit ledger entries
IN_CHUNK = 500  # values per IN (...) list, under SQLite's bound-parameter limit
READ_ONLY_FS, PERMISSION_DENIED = "read-only file system", "permission denied"


def sha256_hex(text: str | None) -> str:
    return hashlib.sha256(("" if text is None else str(text)).encode()).hexdigest()


def utc_now() -> str:
    return to_iso(datetime.now(timezone.utc))


def to_iso(moment: datetime) -> str:
    """Aware datetime -> UTC ISO text; text sorts in time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def fault(path: Path, err: sqlite3.Error) -> Exception:
    """sqlite3's error as the store's own: a refused row (a constraint) is a StoreError; a
    failure of the file itself is a StoreFault saying what to do. A misuse of the module (a
    connection used from another thread, bad SQL bindings) is a bug and stays as it is."""
    if isinstance(err, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return err
    if isinstance(err, sqlite3.IntegrityError):
        return StoreError(f"database {path} refused the change: {err}")
    text = str(err)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        advice = f"the file is damaged: {RESTORE_ADVICE}"
    elif "full" in text or _nearly_full(path):
        advice = f"the disk is full: free some space in {path.parent}"
    elif reason := folder_not_writable(path.parent):  # SQLite says only "unable to open" or "readonly"
        advice = not_writable_advice(path.parent, reason)
    elif "readonly" in text or "read-only" in text:
        advice = "the file or its folder cannot be written: check their owner and permissions"
    elif "locked" in text or "busy" in text:
        advice = "another program holds the database: try again"
    else:
        advice = "check the disk and the file" + DOCTOR_HINT
    return StoreFault(f"database {path}: {text}; {advice}")


def folder_not_writable(folder: Path) -> str:
    """Why nothing can be written in `folder` ("" when it can, or when it cannot be told): the
    kiosk needs it writable for the database's journal (WAL) even to read."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return READ_ONLY_FS
    except OSError:
        return ""
    return "" if os.access(folder, os.W_OK | os.X_OK) else PERMISSION_DENIED


def not_writable_advice(folder: Path, reason: str) -> str:
    """What to do about a data folder that cannot be written, in one clause."""
    if reason == READ_ONLY_FS:
        return (f"the folder {folder} is not writable ({reason}): remount it read-write (a disk error makes "
                "Linux remount read-only: see 'dmesg'), or point [store] data_dir at a writable folder")
    return (f"the folder {folder} is not writable ({reason}): give the kiosk's user write access "
            f"(sudo chown -R USER {folder}; under systemd the user is kiosk)")


def _nearly_full(path: Path) -> bool:
    """SQLite reports a full disk while growing its shared-memory file as a plain "disk I/O error"."""
    try:
        return shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        return False


class GuardedCursor(sqlite3.Cursor):
    """A cursor whose reads raise the store's errors (a damaged page shows up while reading)."""

    def fetchone(self):
        try:
            return super().fetchone()
        except sqlite3.Error as err:
            raise fault(self.connection.path, err) from None

    def fetchall(self):
        try:
            return super().fetchall()
        except sqlite3.Error as err:
            raise fault(self.connection.path, err) from None

    def __next__(self):
        try:
            return super().__next__()
        except sqlite3.Error as err:
            raise fault(self.connection.path, err) from None


class GuardedConnection(sqlite3.Connection):
    """The sqlite3 connection, raising StoreError / StoreFault instead of sqlite3.Error."""

    path: Path = Path("?")
    after_commit = None  # called after a statement that committed a write (the ledger head follows)

    def execute(self, sql: str, parameters=()) -> GuardedCursor:
        try:
            cursor = self.cursor(GuardedCursor).execute(sql, parameters)
        except sqlite3.Error as err:
            raise fault(self.path, err) from None
        self._committed(sql)
        return cursor

    def executemany(self, sql: str, parameters) -> GuardedCursor:
        try:
            cursor = self.cursor(GuardedCursor).executemany(sql, parameters)
        except sqlite3.Error as err:
            raise fault(self.path, err) from None
        self._committed(sql)
        return cursor

    def _committed(self, sql: str) -> None:
        if self.after_commit is not None and not self.in_transaction and sql.lstrip()[:6].upper() in WRITES:
            self.after_commit()


class Database:
    """One connection to the kiosk's SQLite file, migrated to the current schema."""

    def __init__(self, path: Path, create: bool = True):
        """Open (and migrate) the file; `create` makes a new one where none is (a command that
        only reads passes False). A 0-byte file is refused: it is a database that lost its
        contents, never a new one."""
        self.path = Path(path)
        self._head_seen = -1
        self._head_problem = ""  # the ledger head's last write error, said once (a commit comes every second)
        self._wal_gone = False
        self._prepare_file(create)
        try:
            self.conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, factory=GuardedConnection)
            self.conn.path = self.path
            self.conn.row_factory = sqlite3.Row
            # The tamper-evidence ledger's triggers hash with this (migration m006).
            self.conn.create_function("kiosk_sha256", 1, sha256_hex, deterministic=True)
            self.conn.create_function("kiosk_room", 1, room_name, deterministic=True)  # migration m009
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")  # a shown check-in survives power loss
            self.conn.execute("PRAGMA journal_size_limit=4194304")  # the WAL shrinks back after checkpoints
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self._check_head()
            self._wal_inode_at_open = self._wal_inode()
        except sqlite3.DatabaseError as err:  # from connect itself: the file is unreadable, or its folder
            self._close_quietly()
            raise StoreFault(f"cannot open {fault(self.path, err)}") from None
        except StoreFault as err:
            self._close_quietly()
            raise StoreFault(f"cannot open {err}") from None
        self.conn.after_commit = self._follow_head

    @classmethod
    def in_dir(cls, data_dir: Path, create: bool = True):
        return cls(Path(data_dir) / DB_FILE, create)

    def _prepare_file(self, create: bool) -> None:
        try:
            if self.path.is_file() and self.path.stat().st_size == 0:
                raise StoreFault(f"database {self.path} is empty (0 bytes): it lost its contents; {RESTORE_ADVICE}, "
                                 f"or delete it and {self.path.name}{ledger_head.SUFFIX} to start afresh")
            if self.path.exists():
                return
            if not create:
                raise StoreError(f"no database in {self.path.parent} (no {self.path.name}): check --data-dir or "
                                 "KIOSK_DATA_DIR; a new kiosk starts with 'main.py run' or its setup commands")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Biometric data: readable by the kiosk's user only. O_EXCL: it is new, so 0 bytes is expected.
            os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return  # another process created it a moment ago
        except OSError as err:
            raise StoreFault(f"cannot create database in {self.path.parent}: {err.strerror}") from None

    def _guard_wal(self) -> None:
        """An open connection's WAL file exists until the last connection closes; one gone now was
        deleted by someone else, and a crash would lose every commit still in it. This connection
        still holds the deleted file open, so a checkpoint copies those commits into the database
        file itself, after every commit until the kiosk restarts with a fresh WAL."""
        now_inode = self._wal_inode()
        if self._wal_inode_at_open is None:  # no WAL file yet when this connection opened
            self._wal_inode_at_open = now_inode
        if now_inode is not None and now_inode == self._wal_inode_at_open:
            return
        if not self._wal_gone:
            log.error("the WAL file of %s was deleted while the kiosk runs: every commit is now copied "
                      "into the database file at once; restart the kiosk to recover normal operation", self.path)
            self._wal_gone = True
        try:
            self.conn.execute("PRAGMA wal_checkpoint(FULL)")
        except StoreError as err:
            log.error("cannot save commits into %s: %s", self.path, err)

    def _wal_inode(self) -> int | None:
        """The WAL file now at the database's WAL path (another process may have made a new one)."""
        try:
            return os.stat(str(self.path) + "-wal").st_ino
        except OSError:
            return None

    def _close_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()

    def _ledger_tip(self) -> tuple[int, str]:
        row = self.conn.execute("SELECT id, hash FROM ledger ORDER BY id DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, "")

    def _check_head(self) -> None:
        """Compare the ledger with its head outside the WAL; a shortfall is recorded as a gap
        (kiosk/store/ledger_head.py) before any new write could cover it."""
        last_id, last_hash = self._ledger_tip()
        self._head_seen = last_id
        try:
            self._compare_head(last_id, last_hash)
        except OSError as err:  # a read-only folder: the database still opens; the next writer records it
            log.warning("cannot check the ledger head beside %s: %s", self.path, err.strerror)

    def _compare_head(self, last_id: int, last_hash: str) -> None:
        with ledger_head.locked(self.path):
            head = ledger_head.read_head(self.path)
            at = self.conn.execute("SELECT hash FROM ledger WHERE id = ?", (head.last_id if head else 0,)).fetchone()
            gap = ledger_head.gap_against(head, last_id, at[0] if at else None, utc_now())
            if gap is not None:
                log.error("database %s: %s; run 'main.py verify-log'", self.path, gap.describe())
            if gap is not None or head is None or last_id > head.last_id:
                gaps = (head.gaps if head else ()) + ((gap,) if gap else ())
                self._write_head(ledger_head.Head(last_id, last_hash, gaps))

    def _write_head(self, head: "ledger_head.Head") -> None:
        try:
            ledger_head.write_head(self.path, head)
        except OSError as err:  # a full disk, say: the write itself stands; the head catches up later
            log.warning("cannot write the ledger head beside %s: %s", self.path, err.strerror)

    def _follow_head(self) -> None:
        """After a commit: save it into the file itself if the WAL was deleted under us, and move
        the head file to the newest ledger entry, if it moved."""
        self._guard_wal()
        try:
            last_id, last_hash = self._ledger_tip()
            if last_id != self._head_seen:
                ledger_head.advance(self.path, last_id, last_hash)
                self._head_seen = last_id
                if self._head_problem:
                    log.info("the ledger head beside %s is written again", self.path)
                    self._head_problem = ""
        except (StoreError, OSError) as err:  # the commit itself stands; the head catches up later
            if str(err) != self._head_problem:
                log.warning("cannot update the ledger head beside %s: %s (said once until it changes)",
                            self.path, err)
            self._head_problem = str(err)

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database {self.path} has schema version {version}, newer than this "
                f"kiosk's {SCHEMA_VERSION}; upgrade the kiosk software"
            )
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as conn:
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")
        if version == 0:
            log.info("database %s created (schema version %d)", self.path, SCHEMA_VERSION)
        elif version < SCHEMA_VERSION:
            log.info("database %s migrated from schema version %d to %d", self.path, version, SCHEMA_VERSION)

    def integrity(self) -> str:
        """SQLite's own check of the whole file: 'ok', or the first problems it found."""
        problems = [r[0] for r in self.query("PRAGMA integrity_check(5)")]
        return "ok" if problems == ["ok"] else "; ".join(problems)

    def probe(self) -> None:
        """A quick check of the whole file (StoreFault when it is damaged): the recognition worker
        asks it while the database fails with nothing waiting to be saved."""
        verdict = self.query("PRAGMA quick_check(1)")[0][0]
        if verdict != "ok":
            raise StoreFault(f"database {self.path} is damaged ({verdict[:120]}); {RESTORE_ADVICE}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: BEGIN IMMEDIATE takes the write lock up front.

        Inside another transaction it is a savepoint, so an action and its audit
        row can commit together although the action opens a transaction of its own."""
        if self.conn.in_transaction:
            yield from self._savepoint()
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self._undo("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("SAVEPOINT nested")
        try:
            yield self.conn
        except BaseException:
            self._undo("ROLLBACK TO nested", "RELEASE nested")
            raise
        self.conn.execute("RELEASE nested")

    def _undo(self, *statements: str) -> None:
        """Roll back after a failure; on a failing file the rollback may fail too, and the
        first error is the one to report (SQLite rolls back itself when it cannot go on)."""
        try:
            for statement in statements:
                self.conn.execute(statement)
        except StoreError as err:
            log.warning("rollback failed: %s", err)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """The store calls made inside commit together or not at all: an action and its audit
        row, say. Hands out no connection: callers use the store's functions inside."""
        with self.transaction():
            yield

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def query_in(self, sql: str, values: list, params: tuple = ()) -> list[sqlite3.Row]:
        """`sql` with one `IN ({})` list filled with `values`, in chunks under SQLite's limit on
        bound parameters; `params` are bound after each chunk."""
        rows: list[sqlite3.Row] = []
        for start in range(0, len(values), IN_CHUNK):
            chunk = list(values[start:start + IN_CHUNK])
            rows += self.query(sql.format(",".join("?" * len(chunk))), tuple(chunk) + tuple(params))
        return rows

    def close(self) -> None:
        try:
            self.conn.close()
        except sqlite3.ProgrammingError:  # opened in another thread (a server pool): let it go
            pass


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit early)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
