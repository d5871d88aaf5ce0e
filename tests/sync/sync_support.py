"""Helpers for the sync tests: the central server under test, configs, queued check-ins.

By default SecantusDB runs in-process (`sync_on_commit=True`, a free
127.0.0.1 port, its own folder). Set KIOSK_TEST_MONGO_URI to run the same
tests against a real mongod instead: each test then gets its own database,
dropped afterwards, and the stop/restart test is skipped (a shared mongod
is not ours to stop; the failpoint tests need enableTestCommands).
mongomock is not used anywhere.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from pymongo import MongoClient

from kiosk.config import Config
from kiosk.model import SessionInfo
from kiosk.store.sqlite_store import AttendanceRow, SqliteStore

EXTERNAL_URI = os.environ.get("KIOSK_TEST_MONGO_URI", "")


class CentralServer:
    """The central database under test: a URI, a database name, and stop/start."""

    def __init__(self, storage: Path):
        self.storage = storage
        self.database = f"kiosk_test_{uuid.uuid4().hex[:8]}" if EXTERNAL_URI else "attendance"
        self.server = None
        self.port = 0
        self.in_process = not EXTERNAL_URI
        if self.in_process:
            self.start()

    @property
    def uri(self) -> str:
        return EXTERNAL_URI or f"mongodb://127.0.0.1:{self.port}/"

    def start(self, **options) -> None:
        """Start (again) on the same port with the same data; options: require_auth, tls_cert_file, ..."""
        from secantus import SecantusDBServer

        self.server = SecantusDBServer(host="127.0.0.1", port=self.port, storage_path=str(self.storage),
                                       sync_on_commit=True, **options)
        self.server.start()
        self.port = self.server.port  # a restart comes back on the same port, with the same data

    def stop(self) -> None:
        if self.server is not None:
            # Wake the accept() that closing a listening socket does not wake on
            # Linux; otherwise stop() waits out its 2 s join timeout every time.
            with contextlib.suppress(OSError, AttributeError):
                self.server._socket.shutdown(socket.SHUT_RDWR)
            self.server.stop()
            self.server = None

    def client(self) -> MongoClient:
        return MongoClient(self.uri, tz_aware=True, serverSelectionTimeoutMS=3000)

    def db(self):
        return self.client()[self.database]


def kiosk_config(data_dir: Path, server: CentralServer, kiosk_id: str = "door-1", room: str = "B12",
                 **mongo) -> Config:
    options = dict(uri=server.uri, database=server.database, timeout_s=1.0, sync_interval_s=1.0)
    options.update(mongo)
    return (Config().replace("mongo", **options).replace("kiosk", id=kiosk_id, room=room)
            .replace("store", data_dir=str(data_dir)).replace("vision", embedder="sface"))  # like `faces`


def open_store(cfg: Config) -> SqliteStore:
    return SqliteStore.in_dir(cfg.data_dir)


def vectors(seed: int, n: int = 2, dim: int = 128) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def session_info(code: str = "HAM101", start: datetime = T0) -> SessionInfo:
    from kiosk.model import session_id

    return SessionInfo(session_id(code, start), code, code, "B12", start, start + timedelta(hours=1),
                       start - timedelta(minutes=10), "active")


def queue_checkins(store: SqliteStore, n: int, kiosk_id: str = "door-1", sessions: int = 1,
                   first: datetime = T0, step_s: float = 1.0, code: str = "HAM101") -> list[tuple[str, str]]:
    """n check-ins spread over `sessions` sessions; returns their (session_id, person_id) keys."""
    keys = []
    infos = [session_info(code, first + timedelta(days=7 * s)) for s in range(sessions)]
    for info in infos:
        store.activate_session(info)
    for i in range(n):
        info = infos[i % sessions]
        person = f"p{i // sessions:05d}"
        at = info.starts_at + timedelta(seconds=step_s * (i // sessions))
        store.record_attendance(AttendanceRow(info.session_id, person, "present", at, 50.0, 0.6, "face", kiosk_id))
        keys.append((info.session_id, person))
    return keys


def seed_central(central, model: str = "sface") -> None:
    """Three people, one class with a roster of two, one weekly schedule, written centrally."""
    from datetime import time

    from kiosk.model import Schedule
    from kiosk.store.sqlite_store import Person
    from kiosk.sync import central_writes as admin

    central.init_schema()
    for i, name in enumerate(["Ann", "Ben", "Cy"]):
        admin.enroll_person(central, Person(f"s{i}", name, "student"), model, vectors(i), ["a.jpg", "b.jpg"])
    admin.add_class(central, "HAM101", "Hamilton", ["s0", "s1"], room="B12")
    admin.add_schedule(central, Schedule("HAM101", time(9), time(10), "Europe/London", weekdays=frozenset({0, 2})))


def assert_converged(stores: list[SqliteStore], db, keys: set[tuple[str, str]]) -> None:
    """Zero lost, zero duplicated check-ins; roster and schedules equal on every side."""
    docs = list(db.attendance.find({}, {"session_id": 1, "person_id": 1}))
    central_keys = [(d["session_id"], d["person_id"]) for d in docs]
    assert len(central_keys) == len(set(central_keys)), "duplicated check-ins centrally"
    assert set(central_keys) == keys, f"lost {len(keys - set(central_keys))}, extra {len(set(central_keys) - keys)}"
    for store in stores:
        assert store.query("SELECT count(*) FROM outbox")[0][0] == 0
    live = {"deleted": {"$ne": True}}
    rosters = {d["_id"]: set(d.get("roster") or []) for d in db.classes.find(live)}
    schedules = {d["_id"]: (d["class_code"], d["start"], d["end"], d.get("weekdays"), d.get("on_date"))
                 for d in db.schedules.find(live)}
    for store in stores:
        assert {r.code: set(r.roster) for r in store.class_records()} == rosters
        local = {r["central_id"]: (r["class_code"], r["start_time"], r["end_time"], r["weekdays"], r["on_date"])
                 for r in store.query("SELECT * FROM schedules")}
        assert local == schedules
