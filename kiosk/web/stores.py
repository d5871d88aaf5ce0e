"""One SQLite connection per server thread (sqlite3 objects stay in the thread that
made them), all on the kiosk's own database file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.store.sqlite_store import SqliteStore

HEALTH_CACHE_S = 5.0  # /healthz checks the file at most this often (it needs no sign-in)


class ThreadStores:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._local = threading.local()
        self._opened: list[SqliteStore] = []
        self._lock = threading.Lock()

    def get(self) -> SqliteStore:
        """This thread's connection."""
        store = getattr(self._local, "store", None)
        if store is None:
            # Never created here: a database that vanished under the web view is an error, not a new school.
            store = self._local.store = SqliteStore.in_dir(self.data_dir, create=False)
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._opened:
                store.close()  # one made in another pool thread is left to that thread
            self._opened.clear()


class DatabaseHealth:
    """/healthz's answer: "" while a quick check of the whole file passes, else the one-line reason."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked = -1e9
        self._problem = ""

    def problem(self, data_dir: Path) -> str:
        """A connection of its own, so the check reads the file as it is now, not a page cache."""
        with self._lock:
            if time.monotonic() - self._checked >= HEALTH_CACHE_S:
                try:
                    store = SqliteStore.in_dir(data_dir, create=False)
                    try:
                        store.probe()
                    finally:
                        store.close()
                    self._problem = ""
                except KioskError as err:
                    self._problem = f"database unavailable: {err}"
                self._checked = time.monotonic()
            return self._problem
