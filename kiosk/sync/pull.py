"""Pull: central people, embeddings, classes, rosters, schedules and PIN hashes into SQLite.

Everything is fetched and validated first (kiosk/sync/documents.py), then applied in
ONE local transaction by the store (kiosk/store/mirror.py), so an outage mid-pull
changes nothing. Central wins; deletions arrive as tombstones (`deleted: true`); a
document that does not validate is skipped with a warning and the rest is applied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from kiosk.store.database import to_iso
from kiosk.store.mirror import ORDER, MirrorBatch, apply_pulled
from kiosk.store.outbox import get_state
from kiosk.store.sqlite_store import SqliteStore
from kiosk.sync.central import ADMIN_COLLECTIONS, Central
from kiosk.sync.documents import MalformedDocument, parse_class, parse_code, parse_person, parse_pin, parse_schedule
from kiosk.sync.oneroster_links import parse_link

log = logging.getLogger(__name__)

# Re-read this much before the last cursor: a write stamped just before it
# may commit just after we read. Re-applying a document changes nothing.
OVERLAP = timedelta(seconds=5)
PARSERS = {"people": parse_person, "classes": parse_class, "schedules": parse_schedule, "pins": parse_pin,
           "codes": parse_code, "oneroster": parse_link}


@dataclass
class PullResult:
    changed: dict[str, int] = field(default_factory=dict)  # collection -> local rows changed
    warnings: list[str] = field(default_factory=list)

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())


def pull(store: SqliteStore, central: Central, full: bool = False) -> PullResult:
    """One pull; raises CentralUnavailable if the server cannot be read (nothing applied then).

    `full` re-reads every document (after a server restore or a move to another database).
    """
    keys = {name: cursor_key(central, name) for name in ADMIN_COLLECTIONS}
    cursors = {name: None if full else get_state(store, keys[name]) for name in ADMIN_COLLECTIONS}
    docs = _fetch(central, cursors)
    result = PullResult()
    batches = [MirrorBatch(name, tuple(_parsed(name, docs[name], result.warnings)), keys[name], cursors[name],
                           _newest(docs[name])) for name in ORDER]
    result.changed = apply_pulled(store, batches, result.warnings)
    for warning in result.warnings:
        log.warning("sync pull: %s", warning)
    if result.total_changed:
        log.info("sync pull applied %s", ", ".join(f"{n} {c}" for n, c in result.changed.items() if c))
    return result


def cursor_key(central: Central, collection: str) -> str:
    """Cursors belong to one central database: another one starts from scratch."""
    return f"pull:{central.db.name}:{collection}"


def _fetch(central: Central, cursors: dict[str, str | None]) -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = {}
    with central.guard("pull failed"):
        for name in ADMIN_COLLECTIONS:
            cursor = cursors[name]
            # A class pulled before its people arrived lost those roster entries; so
            # did a schedule before its class, and a PIN before its person.
            # New parents -> re-read all children.
            parent_changed = (name in ("classes", "pins", "codes", "oneroster") and docs["people"]) or \
                (name == "schedules" and docs["classes"])
            query = {} if cursor is None or parent_changed else _since(cursor)
            docs[name] = list(central[name].find(query))
    return docs


def _since(cursor: str) -> dict:
    since = datetime.fromisoformat(cursor) - OVERLAP
    # Documents written by other tools may lack updated_at: always re-read those.
    return {"$or": [{"updated_at": {"$gte": since}}, {"updated_at": {"$exists": False}}]}


def _newest(docs: list[dict]) -> str | None:
    stamps = [d["updated_at"] for d in docs if isinstance(d.get("updated_at"), datetime)]
    if not stamps:
        return None
    return to_iso(max(s if s.tzinfo else s.replace(tzinfo=timezone.utc) for s in stamps))


def _parsed(name: str, docs: list[dict], warnings: list[str]) -> list:
    copies = []
    for doc in docs:
        try:
            copies.append(PARSERS[name](doc))
        except MalformedDocument as err:
            warnings.append(f"malformed {name} document skipped: {err}")
    return copies
