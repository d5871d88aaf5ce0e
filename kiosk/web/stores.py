"""One SQLite connection per server thread (sqlite3 objects stay in the thread that
made them), all on the kiosk's own database file."""

from __future__ import annotations

import threading
from pathlib import Path

from kiosk.store.sqlite_store import SqliteStore


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
            store = self._local.store = SqliteStore.in_dir(self.data_dir)
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._opened:
                store.close()  # one made in another pool thread is left to that thread
            self._opened.clear()
