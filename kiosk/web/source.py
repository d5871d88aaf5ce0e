"""Where the web view reads attendance from: one small interface, two backends.

`sqlite` reads this machine's kiosk database (WAL, so it reads beside a
running kiosk); `mongo` reads the central database, every kiosk at once. The
backend is picked by config (mongo.uri set or not) through a registry, and
the pymongo import stays inside the mongo backend. Every method blocks (SQLite
and pymongo are synchronous), so the app calls them off the event loop.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

from kiosk.clock import Clock, local_zone_name
from kiosk.config import Config
from kiosk.registry import Registry
from kiosk.web.model import Change, ChangeCursor, ClassSummary, KioskView, SessionView


class AttendanceSource(Protocol):
    name: str  # "sqlite" | "mongo"
    poll_s: float  # how often the change feed is read for the live pages

    def classes(self) -> list[ClassSummary]:
        """Every class, by code."""

    def day(self, day: date) -> list[SessionView]:
        """The sessions meeting on a local date, held or scheduled, by start then room."""

    def session(self, session_id: str) -> SessionView | None:
        """One session with its whole roster, or None if unknown."""

    def export_rows(self, day: date | None, class_code: str | None) -> list[list]:
        """The rows `main.py attendance export` writes, in its column order."""

    def kiosks(self) -> list[KioskView]:
        """Each door's last heartbeat."""

    def changes(self, cursor: ChangeCursor | None) -> tuple[list[Change], ChangeCursor]:
        """Attendance rows written or changed since `cursor` (None: start from now, no changes)."""

    def close(self) -> None:
        """Release connections."""


SOURCES: Registry[AttendanceSource] = Registry(
    "attendance source", {"sqlite": "kiosk.web.sqlite_source", "mongo": "kiosk.web.mongo_source"})


def open_source(cfg: Config, clock: Clock) -> AttendanceSource:
    """The central database when mongo.uri is set, else the local SQLite file."""
    name = "mongo" if cfg.mongo.uri else "sqlite"
    return SOURCES.get(name)(cfg, clock)


def school_zone(cfg: Config) -> ZoneInfo:
    return ZoneInfo(local_zone_name(cfg.kiosk.timezone))
