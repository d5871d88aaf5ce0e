"""Helpers every admin command shares: the local store for one command (created, or for a
read, required to exist); an admin change with its audit row, as the kiosk writes one
(covered by the hash-chained ledger, so `verify-log` checks them); and the parsing of
dates (today, yesterday and tomorrow too), times and weekdays from the command line.

Commands import these from here, never from one another, so no command module
depends on another.
"""

from __future__ import annotations

import getpass
import os
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Callable, TypeVar

from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.model import parse_weekdays
from kiosk.staff.changes import local_change
from kiosk.staff.school import School
from kiosk.store.sqlite_store import SqliteStore

T = TypeVar("T")
RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}


def with_store(cfg: Config, action: Callable[[SqliteStore], T], create: bool = True) -> T:
    """Run `action` on the local store, closing it afterwards."""
    store = SqliteStore.in_dir(cfg.data_dir, create=create)
    try:
        return action(store)
    finally:
        store.close()


def read_store(cfg: Config, action: Callable[[SqliteStore], T]) -> T:
    """with_store for a command that only reads: a folder with no database is a mistake
    (a mistyped --data-dir), not an empty school, so it is named rather than created."""
    from kiosk.store.database import DB_FILE

    if not (cfg.data_dir / DB_FILE).is_file():
        raise UsageError(f"no database in {cfg.data_dir.resolve()} (no {DB_FILE}); check --data-dir or "
                         "KIOSK_DATA_DIR, or [store] data_dir in the config")
    return with_store(cfg, action, create=False)


def under_service() -> bool:
    """systemd sets INVOCATION_ID for every service; KIOSK_ERROR_SCREEN=1 forces the screen."""
    return bool(os.environ.get("INVOCATION_ID")) or os.environ.get("KIOSK_ERROR_SCREEN") == "1"


def cli_actor() -> str:
    """Who ran the command, as audit rows name them."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name (a container user with no passwd entry)
        return "cli"


def with_school(cfg: Config, action: Callable[[School], T]) -> T:
    """Run one of the school's admin actions (kiosk/staff/school.py) as this command's user."""
    return with_store(cfg, lambda store: action(School(store, cfg, cli_actor())))


def audited(cfg: Config, action: str, target: str, change: Callable[[SqliteStore], T],
            detail: Callable[[T], str] = lambda _: "") -> T:
    """A change to this machine's file with its audit row (kiosk/staff/changes.py), as `cli:USER`."""
    return with_store(cfg, lambda store: local_change(store, cfg, cli_actor(), action, target, change, detail))


def record(cfg: Config, action: str, target: str = "", detail: str = "") -> None:
    """One audit row on its own (for a change made outside the local database)."""
    audited(cfg, action, target, lambda _: None, lambda _: detail)


def hhmm(text: str) -> time:
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise UsageError(f"{text!r} is not a time in HH:MM") from None


def iso_date(text: str) -> date | str:
    """YYYY-MM-DD, or today / yesterday / tomorrow (kept as the word until resolve_day, which
    knows the kiosk's timezone)."""
    if text.strip().lower() in RELATIVE_DAYS:
        return text.strip().lower()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date in YYYY-MM-DD (or today, yesterday)") from None


def resolve_day(value: date | str | None, tz: tzinfo) -> date | None:
    """A --date value as a local date in `tz`."""
    if isinstance(value, str):
        return datetime.now(tz).date() + timedelta(days=RELATIVE_DAYS[value])
    return value


def weekdays(text: str) -> frozenset[int]:
    try:
        return parse_weekdays(text)
    except ValueError as err:
        raise UsageError(str(err)) from None
