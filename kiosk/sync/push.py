"""Push: outbox rows (sessions, attendance, audit) to the central database.

Every write is an idempotent upsert keyed by a stable _id, so pushing the
same outbox twice, or replaying a batch whose acknowledgement was lost,
never duplicates anything. Outbox entries are deleted only after the
server acknowledged their batch.

Conflict rules (docs/SYNC.md):
- attendance: per (session, person), a mark made by hand (it carries
  `marked_at`: at a door, the web view or the command line) wins over a
  face check-in, and the newest hand mark wins over older ones, wherever
  each was made. Between face check-ins the earliest wins, compared on
  server-clock time (kiosk time + the kiosk's measured clock offset), and
  a face check-in never replaces a hand mark. The kiosk that holds the
  winning row may update it. A document an admin edited centrally
  (`admin_edited: true`) is never overwritten by a kiosk. A document that
  changes gets `updated_at`, which the doors pull marks back by
  (kiosk/sync/marks.py).
- sessions: the fields of the first push stay; `ended` beats `active`.
- both the kiosk's own time (`kiosk_time`) and the server's time of first
  receipt (`server_time`) are kept, plus the offset used.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from kiosk.store import outbox
from kiosk.store.database import from_iso
from kiosk.store.sqlite_store import SqliteStore
from kiosk.sync.central import Central

log = logging.getLogger(__name__)

COLLECTION_OF = {"session": "sessions", "attendance": "attendance", "audit": "audit"}
TIMING = ("checked_in_at", "kiosk_time", "clock_offset_ms")


@dataclass
class PushResult:
    sent: int = 0  # outbox entries acknowledged
    refused: int = 0  # entries the server refused this cycle (kept for the next)
    last_error: str = ""


def push(store: SqliteStore, central: Central, kiosk_id: str, offset_s: float, batch_size: int,
         after_batch: Callable[[int], None] | None = None) -> PushResult:
    """Push the outbox in batches until it is empty; rows the server refuses stay
    queued (with attempts and last_error) for the next cycle and never hold up the rest.

    Raises CentralUnavailable when the server cannot be reached; batches
    already acknowledged stay acknowledged. `after_batch(sent_so_far)` is a
    seam for fault tests and the benchmark.
    """
    result = PushResult()
    refused_now: set[int] = set()
    while True:
        entries = [e for e in outbox.take_batch(store, batch_size + len(refused_now)) if e.id not in refused_now]
        if not entries:
            return result  # empty, or only rows refused in this very cycle: retry those next cycle
        acked, refused, error = _push_batch(store, central, entries[:batch_size], kiosk_id, offset_s)
        outbox.acknowledge(store, acked)
        result.sent += len(acked)
        if refused:
            outbox.mark_failed(store, refused, error)
            refused_now.update(refused)
            result.refused += len(refused)
            result.last_error = error
            log.warning("sync push: server refused %d row(s): %s", len(refused), error)
        if after_batch is not None:
            after_batch(result.sent)


def _push_batch(store: SqliteStore, central: Central, entries: list[outbox.OutboxEntry], kiosk_id: str,
                offset_s: float) -> tuple[list[int], list[int], str]:
    """Send one batch; returns (acknowledged entry ids, refused entry ids, error)."""
    from pymongo.errors import BulkWriteError

    acked: list[int] = []
    refused: list[int] = []
    error = ""
    for kind, collection in COLLECTION_OF.items():
        ids_by_ref: dict[str, list[int]] = {}
        for e in entries:
            if e.kind == kind:
                ids_by_ref.setdefault(e.ref, []).append(e.id)
        if not ids_by_ref:
            continue
        rows = outbox.load_rows(store, kind, list(ids_by_ref))
        refs = [r for r in ids_by_ref if r in rows]
        acked += [i for r in ids_by_ref if r not in rows for i in ids_by_ref[r]]  # row gone: nothing to send
        ops = [_operation(kind, rows[r], kiosk_id, offset_s) for r in refs]
        if not ops:
            continue
        with central.guard("push failed"):
            try:
                central[collection].bulk_write(ops, ordered=False)
                failed_at: set[int] = set()
            except BulkWriteError as err:
                failed_at = {e["index"] for e in err.details.get("writeErrors", [])}
                first = err.details.get("writeErrors", [{}])[0]
                error = f"{collection}: code {first.get('code')}: {first.get('errmsg', '')}"[:200]
        for index, ref in enumerate(refs):
            (refused if index in failed_at else acked).extend(ids_by_ref[ref])
    return acked, refused, error


def _operation(kind: str, row: dict, kiosk_id: str, offset_s: float):
    if kind == "session":
        return session_upsert(row, kiosk_id)
    if kind == "attendance":
        return attendance_upsert(row, kiosk_id, offset_s)
    return audit_upsert(row, kiosk_id)


def session_upsert(row: dict, kiosk_id: str):
    from pymongo import UpdateOne

    return UpdateOne(
        {"_id": row["id"]},
        {
            "$setOnInsert": {"class_code": row["class_code"], "starts_at": from_iso(row["starts_at"]),
                             "ends_at": from_iso(row["ends_at"]), "opens_at": from_iso(row["opens_at"])},
            "$max": {"state": row["state"]},  # "ended" > "active": an end reported by any door sticks
            "$addToSet": {"kiosks": kiosk_id},
        },
        upsert=True,
    )


def attendance_key(session_id: str, person_id: str) -> str:
    return f"{session_id}|{person_id}"


def attendance_upsert(row: dict, kiosk_id: str, offset_s: float):
    """Earliest wins, admin edits stick, replays change nothing (see module doc)."""
    from pymongo import UpdateOne

    kiosk_time = from_iso(row["checked_in_at"])
    server_clock = kiosk_time + timedelta(seconds=offset_s)
    source = row["kiosk_id"] or kiosk_id
    marked_at = from_iso(row["marked_at"]) if row.get("marked_at") else None
    new = {
        "status": row["status"], "checked_in_at": server_clock, "kiosk_time": kiosk_time,
        "clock_offset_ms": round(offset_s * 1000.0, 1), "kiosk_id": source, "latency_ms": row["latency_ms"],
        "score": row["score"], "method": row["method"], "made_by": row.get("made_by", ""),
        "reason": row.get("reason", ""), "marked_at": marked_at,
    }
    take = {"$and": [{"$ne": ["$admin_edited", True]}, _newer_mark(marked_at) if marked_at else _face_wins(
        source, server_clock)]}
    # A replay (or an edit) of a check-in this kiosk already sent keeps the clock
    # reading of its first push, so a re-measured offset never moves it.
    same = {"$and": [{"$eq": ["$kiosk_id", {"$literal": source}]}, {"$eq": ["$kiosk_time", {"$literal": kiosk_time}]}]}
    retime = {"$and": ["$_take", {"$not": ["$_same"]}]}
    # Doors pull marks back by updated_at: stamp it only when the row really changes (a replay does not).
    changes = {"$or": [{"$ne": [{"$ifNull": [f"${k}", None]}, {"$literal": v}]} for k, v in new.items() if k not in TIMING]}
    pipeline = [
        {"$set": {"_take": take, "_same": same}},
        {"$set": {
            "session_id": {"$literal": row["session_id"]}, "person_id": {"$literal": row["person_id"]},
            **{k: {"$cond": [retime if k in TIMING else "$_take", {"$literal": v}, f"${k}"]} for k, v in new.items()},
            "server_time": {"$ifNull": ["$server_time", "$$NOW"]},
            "updated_at": {"$cond": [{"$and": ["$_take", changes]}, "$$NOW", "$updated_at"]},
            "kiosks": {"$setUnion": [{"$ifNull": ["$kiosks", []]}, {"$literal": [source]}]},
        }},
        {"$unset": ["_take", "_same"]},
    ]
    return UpdateOne({"_id": attendance_key(row["session_id"], row["person_id"])}, pipeline, upsert=True)


def _newer_mark(marked_at) -> dict:
    """A hand mark wins over a face check-in and over an older hand mark."""
    return {"$or": [{"$eq": [{"$type": "$marked_at"}, "missing"]}, {"$eq": ["$marked_at", None]},
                    {"$lt": ["$marked_at", {"$literal": marked_at}]}]}


def _face_wins(source: str, server_clock) -> dict:
    """A face check-in: the first, or the same door's again, or an earlier one; never over a hand mark."""
    no_mark = {"$or": [{"$eq": [{"$type": "$marked_at"}, "missing"]}, {"$eq": ["$marked_at", None]}]}
    return {"$and": [no_mark, {"$or": [
        {"$eq": [{"$type": "$checked_in_at"}, "missing"]},
        {"$eq": ["$kiosk_id", {"$literal": source}]},
        {"$lt": [{"$literal": server_clock}, "$checked_in_at"]},
    ]}]}


def audit_upsert(row: dict, kiosk_id: str):
    from pymongo import UpdateOne

    source = row.get("kiosk_id") or kiosk_id
    fields = {k: v for k, v in row.items() if k != "id"}
    fields.update(kiosk_id=source, local_id=row["id"])
    if isinstance(fields.get("at"), str):
        try:
            fields["at"] = from_iso(fields["at"])
        except ValueError:
            pass  # keep the text as the kiosk wrote it
    return UpdateOne(
        {"_id": f"{source}:{row['id']}"},
        [{"$set": {**{k: {"$literal": v} for k, v in fields.items()},
                   "server_time": {"$ifNull": ["$server_time", "$$NOW"]}}}],
        upsert=True,
    )
