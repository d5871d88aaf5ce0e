"""Pull marks back: the attendance the central database holds for this door's room.

A mark made anywhere (another door of the room, the web view or the command line on
another machine, a register kept where no kiosk runs) reaches the central database by
that machine's push; every door serving the room pulls it here, so its overlay, its
exports and its own web view agree. Only sessions of this door's room, from the last
LOOKBACK days, are read, and of their rows only those changed since the last pull
(`updated_at`, set centrally when a push changes a row). The store applies each one
(kiosk/store/mirror.py: a hand mark newer than the local row's wins, a missing row or
session is added); re-applying a row changes nothing, so a pull is idempotent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from kiosk.config import Config
from kiosk.model import room_scope
from kiosk.store.database import to_iso
from kiosk.store.mirror import PulledMark, PulledSession, apply_marks
from kiosk.store.outbox import get_state
from kiosk.store.sqlite_store import SqliteStore
from kiosk.sync.central import Central

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=14)  # marks fixed later than this are fixed at the door, or centrally
OVERLAP = timedelta(seconds=5)  # as for the admin pull: a write stamped just before the cursor


def pull_marks(store: SqliteStore, central: Central, cfg: Config, now: datetime) -> int:
    """One pull of this room's marks; returns the local rows changed. Raises CentralUnavailable."""
    codes = sorted(room_scope(store.classes(), cfg.kiosk.room))
    if not codes:
        return 0
    key = f"pull:{central.db.name}:marks:{cfg.kiosk.room or '-'}"
    cursor = get_state(store, key)
    with central.guard("pull of marks failed"):
        sessions = list(central["sessions"].find({"class_code": {"$in": codes}, "starts_at": {"$gte": now - LOOKBACK}}))
        query: dict = {"session_id": {"$in": [s["_id"] for s in sessions]}}
        if cursor:
            query["updated_at"] = {"$gte": datetime.fromisoformat(cursor) - OVERLAP}
        rows = list(central["attendance"].find(query))
    marks = [_mark(r) for r in rows if r.get("status") in ("present", "late", "absent", "excused")]
    stamps = [_aware(r["updated_at"]) for r in rows if isinstance(r.get("updated_at"), datetime)]
    changed = apply_marks(store, [_session(s) for s in sessions], marks, key, to_iso(max(stamps)) if stamps else None)
    if changed:
        log.info("sync pull: %d mark(s) made elsewhere applied", changed)
    return changed


def _session(doc: dict) -> PulledSession:
    return PulledSession(doc["_id"], doc["class_code"], _aware(doc["starts_at"]), _aware(doc["ends_at"]),
                         _aware(doc.get("opens_at") or doc["starts_at"]), str(doc.get("state") or "active"))


def _mark(doc: dict) -> PulledMark:
    at = doc.get("kiosk_time") or doc.get("checked_in_at")
    marked = doc.get("marked_at")
    return PulledMark(doc["session_id"], doc["person_id"], doc["status"], _aware(at), doc.get("latency_ms"),
                      doc.get("score"), str(doc.get("method") or "face"), str(doc.get("kiosk_id") or ""),
                      str(doc.get("made_by") or ""), str(doc.get("reason") or ""),
                      _aware(marked) if isinstance(marked, datetime) else None)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
