"""The central database: its collections, their indexes, and guarded access.

Collections (documented in docs/SYNC.md):
  people      _id = person id; name, role, embeddings [{model, vector, source}]
  pins        _id = person id; pin_hash (salted scrypt, never the PIN)
  classes     _id = class code; name, room, instructor_id, roster [person ids]
  schedules   _id = central schedule id; class_code, start, end, on_date | weekdays, timezone
  sessions    _id = session id (stable across kiosks); class_code, starts_at, ends_at, state
  attendance  _id = "session|person"; unique (session_id, person_id); kiosk_time, server_time
  audit       _id = "kiosk:local id"; the kiosk's audit rows
  kiosks      _id = kiosk id; the heartbeat
  oneroster   _id = "user:|class:|enrollment:<sourcedId>"; what each import linked (kiosk/sync/oneroster_links.py)
Admin-managed documents (people, classes, schedules, pins) carry `updated_at`
(server time) and `deleted: true` tombstones, which is what kiosks pull.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

from kiosk.config import MongoSection
from kiosk.sync.client import CentralUnavailable, Connection, connect

log = logging.getLogger(__name__)

COLLECTIONS = ("people", "classes", "schedules", "pins", "codes", "sessions", "attendance", "audit", "kiosks",
               "oneroster")
# central wins; kiosks pull these, in order
ADMIN_COLLECTIONS = ("people", "classes", "schedules", "pins", "codes", "oneroster")

# collection -> [(keys, options)]
INDEXES: dict[str, list[tuple[list[tuple[str, int]], dict]]] = {
    "people": [([("updated_at", 1)], {"name": "updated_at"})],
    "classes": [([("updated_at", 1)], {"name": "updated_at"})],
    "schedules": [([("updated_at", 1)], {"name": "updated_at"}),
                  ([("class_code", 1)], {"name": "class_code"})],
    "pins": [([("updated_at", 1)], {"name": "updated_at"})],
    "codes": [([("updated_at", 1)], {"name": "updated_at"})],
    "sessions": [([("class_code", 1), ("starts_at", 1)], {"name": "class_start"})],
    "attendance": [([("session_id", 1), ("person_id", 1)], {"name": "session_person", "unique": True}),
                   ([("checked_in_at", 1)], {"name": "checked_in_at"}),
                   ([("updated_at", 1)], {"name": "updated_at"})],
    "audit": [([("kiosk_id", 1), ("local_id", 1)], {"name": "kiosk_local", "unique": True}),
              ([("at", 1)], {"name": "at"})],
    "kiosks": [([("last_seen", 1)], {"name": "last_seen"})],
    "oneroster": [([("updated_at", 1)], {"name": "updated_at"})],
}


class Central:
    """The central database for one kiosk or admin command."""

    def __init__(self, connection: Connection, database: str):
        self.connection = connection
        self.db = connection.client[database]
        self.shown_uri = connection.shown_uri

    @classmethod
    def open(cls, cfg: MongoSection) -> "Central":
        return cls(connect(cfg), cfg.database)

    def __getitem__(self, name: str):
        return self.db[name]

    @contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Turn any driver error into CentralUnavailable with a one-line, password-free reason."""
        from pymongo.errors import ConnectionFailure, PyMongoError

        try:
            yield
        except PyMongoError as err:
            reason = self.connection.reason(err)
            offline = isinstance(err, ConnectionFailure) and not reason.startswith("authentication failed")
            raise CentralUnavailable(f"{doing}: {reason}", offline=offline) from None

    def clock_offset(self) -> tuple[datetime, float]:
        """(server time now, server minus kiosk clock in seconds), from `hello`'s localTime."""
        with self.guard("cannot reach the central database"):
            sent = time.time()
            reply = self.db.client.admin.command("hello")
            received = time.time()
        server = reply.get("localTime")
        if not isinstance(server, datetime):
            return datetime.now(timezone.utc), 0.0  # a server without localTime: trust our clock
        server = server if server.tzinfo else server.replace(tzinfo=timezone.utc)
        return server, server.timestamp() - (sent + received) / 2

    def init_schema(self) -> list[str]:
        """Create missing collections and indexes; safe to run again. Returns what it did."""
        from pymongo.errors import CollectionInvalid

        done = []
        with self.guard("db init failed"):
            existing = set(self.db.list_collection_names())
            for name in COLLECTIONS:
                if name not in existing:
                    try:
                        self.db.create_collection(name)
                        done.append(f"created collection {name}")
                    except CollectionInvalid:  # another admin created it a moment ago
                        pass
                have = {ix["name"] for ix in self.db[name].list_indexes()}
                for keys, options in INDEXES[name]:
                    if options["name"] not in have:
                        self.db[name].create_index(keys, **options)
                        done.append(f"created index {name}.{options['name']}")
        return done

    def missing_schema(self) -> list[str]:
        """Collections or indexes that `db init` would create (empty = ready)."""
        with self.guard("cannot read the central schema"):
            existing = set(self.db.list_collection_names())
            missing = [f"collection {n}" for n in COLLECTIONS if n not in existing]
            if "attendance" in existing:
                names = {ix["name"] for ix in self.db.attendance.list_indexes()}
                if "session_person" not in names:
                    missing.append("index attendance.session_person")
        return missing

    def close(self) -> None:
        self.connection.close()
