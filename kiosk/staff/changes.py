"""An admin change, made the one way for the command line and the web console: with its audit
row, and with a central database, centrally first.

Standalone, the change and its audit row commit together in this machine's file (the
store's nested transaction lets the change open one of its own). With `mongo.uri` set
the central write comes first and is pulled here at once (kiosk/sync/central_writes.py
write_through), so one admin manages every door; the audit row is then written here and
pushed with the others.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Callable, TypeVar

from kiosk.config import Config
from kiosk.store.audit import AuditEntry
from kiosk.store.sqlite_store import SqliteStore

T = TypeVar("T")


def local_change(store: SqliteStore, cfg: Config, actor: str, action: str, target: str,
                 change: Callable[[SqliteStore], T], detail: Callable[[T], str] = lambda _: "") -> T:
    """Run a change on this machine's file with its audit row, in one transaction."""
    with store.atomic():
        result = change(store)
        store.audit(AuditEntry(datetime.now(UTC), cfg.kiosk.id, actor, action, target_id=target, detail=detail(result)))
    return result


def admin_change(store: SqliteStore, cfg: Config, actor: str, action: str, target: str, central_change,
                 change: Callable[[SqliteStore], T], detail: Callable[[T], str] = lambda _: "") -> T:
    """local_change, or with a central database its central write (then pulled here) and the audit row."""
    if not cfg.mongo.uri:
        return local_change(store, cfg, actor, action, target, change, detail)
    from kiosk.sync.central_writes import write_through

    result = write_through(cfg, central_change)
    local_change(store, cfg, actor, action, target, lambda _: None, lambda _: detail(result))
    return result
