"""Helpers every admin command shares: the local store for one command, and the
parsing of dates, times and weekdays from the command line.

Commands import these from here, never from one another, so no command module
depends on another.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Callable, TypeVar

from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.model import parse_weekdays
from kiosk.store.sqlite_store import SqliteStore

T = TypeVar("T")


def with_store(cfg: Config, action: Callable[[SqliteStore], T]) -> T:
    """Run `action` on the local store, closing it afterwards."""
    store = SqliteStore.in_dir(cfg.data_dir)
    try:
        return action(store)
    finally:
        store.close()


def hhmm(text: str) -> time:
    try:
        return datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise UsageError(f"{text!r} is not a time in HH:MM") from None


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date in YYYY-MM-DD") from None


def weekdays(text: str) -> frozenset[int]:
    try:
        return parse_weekdays(text)
    except ValueError as err:
        raise UsageError(str(err)) from None
