"""The SQLite file: opening it safely, WAL mode, migrations, transactions.

Each thread opens its own connection (sqlite3 objects are not shared
between threads); WAL lets the UI's readers and the worker's writer run
side by side.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from kiosk.errors import StoreError
from kiosk.store.schema import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

DB_FILE = "kiosk.db"


def sha256_hex(text: str | None) -> str:
    return hashlib.sha256(("" if text is None else str(text)).encode()).hexdigest()


def utc_now() -> str:
    return to_iso(datetime.now(timezone.utc))


def to_iso(moment: datetime) -> str:
    """Aware datetime -> UTC ISO text; text sorts in time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Database:
    """One connection to the kiosk's SQLite file, migrated to the current schema."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._prepare_file()
        try:
            self.conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            # The tamper-evidence ledger's triggers hash with this (migration m006).
            self.conn.create_function("kiosk_sha256", 1, sha256_hex, deterministic=True)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")  # a shown check-in survives power loss
            self.conn.execute("PRAGMA journal_size_limit=4194304")  # the WAL shrinks back after checkpoints
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise StoreError(f"cannot open database {self.path}: {err}") from None

    @classmethod
    def in_dir(cls, data_dir: Path):
        return cls(Path(data_dir) / DB_FILE)

    def _prepare_file(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # Biometric data: readable by the kiosk's user only.
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        except OSError as err:
            raise StoreError(f"cannot create database in {self.path.parent}: {err.strerror}") from None

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
            log.info("database migrated to schema version %d", number + 1)

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
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("SAVEPOINT nested")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK TO nested")
            self.conn.execute("RELEASE nested")
            raise
        self.conn.execute("RELEASE nested")

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self.conn.close()


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit early)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
