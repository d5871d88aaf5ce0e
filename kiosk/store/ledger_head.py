"""The ledger's head, kept outside the database: `kiosk.db.head` beside the file.

The hash-chained ledger (m006) proves rows were not edited, but a database that
simply lost its newest writes (a deleted WAL before a crash, a restore from an
older copy) is still a valid chain, only a shorter one. So after every commit
that adds ledger entries the store writes the newest entry's id and hash to this
small file, atomically and with fsync. A database whose ledger stops short of the
head, or holds another hash at the head's entry, lost writes: the store records
that as a gap in the head file when it opens the database (new writes must not
hide it), and `verify-log` reports it. A restore (kiosk/store/backup.py) writes
a fresh head, which is how a legitimate rollback is told apart from a loss.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

log = logging.getLogger(__name__)

SUFFIX = ".head"
_LOCK = threading.Lock()  # one writer at a time in this process; flock for other processes


@dataclass(frozen=True)
class Gap:
    """Ledger entries the database lost, found when it was opened."""

    missing: int  # entries past the database's end (0: the history was replaced, count unknown)
    head_id: int  # the head's entry id when found
    found_at: str  # UTC ISO time

    def describe(self) -> str:
        if self.missing:
            return (f"{self.missing} ledger entries missing (found {self.found_at[:19]}Z): the database lost "
                    "recent writes (a deleted WAL, a restore from an older copy)")
        return (f"the ledger differs from its head at entry {self.head_id} (found {self.found_at[:19]}Z): "
                "the database was replaced by another copy")


@dataclass(frozen=True)
class Head:
    last_id: int = 0
    hash: str = ""
    gaps: tuple[Gap, ...] = field(default=())


def head_path(db_path: Path) -> Path:
    return Path(str(db_path) + SUFFIX)


def read_head(db_path: Path) -> Head | None:
    """The head beside `db_path`; None when there is none (a new or older kiosk). A damaged
    head file reads as an empty head with a gap, so it is reported, never trusted."""
    path = head_path(db_path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        gaps = tuple(Gap(int(g["missing"]), int(g["head_id"]), str(g["found_at"])) for g in raw.get("gaps", ()))
        return Head(int(raw["last_id"]), str(raw["hash"]), gaps)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.error("ledger head %s cannot be read (%s): treated as a gap", path, err)
        return Head(0, "", (Gap(0, 0, "unknown"),))


def write_head(db_path: Path, head: Head) -> None:
    """Atomically: a temporary file, fsync, rename, fsync of the folder."""
    path = head_path(db_path)
    body = json.dumps({"last_id": head.last_id, "hash": head.hash,
                       "gaps": [g.__dict__ for g in head.gaps]}, indent=1) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(body)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@contextmanager
def locked(db_path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the head between threads and processes (kiosk, web, CLI)."""
    with _LOCK, open(str(head_path(db_path)) + ".lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def advance(db_path: Path, last_id: int, last_hash: str) -> None:
    """After a commit: the head moves forward to the database's newest entry (never back,
    since another connection may have committed a later one meanwhile)."""
    with locked(db_path):
        head = read_head(db_path) or Head()
        if last_id > head.last_id:
            write_head(db_path, replace(head, last_id=last_id, hash=last_hash))


def gap_against(head: Head | None, last_id: int, hash_at_head: str | None, now_iso: str) -> Gap | None:
    """The loss a database shows against its head: `last_id` is its newest entry, `hash_at_head`
    the hash of its entry numbered head.last_id (None when it has no such entry)."""
    if head is None or head.last_id == 0:
        return None
    if last_id < head.last_id:
        return Gap(head.last_id - last_id, head.last_id, now_iso)
    if hash_at_head != head.hash:
        return Gap(0, head.last_id, now_iso)
    return None
