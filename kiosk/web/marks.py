"""Fixing a mark from the web: the kiosk's own manual-mark path (kiosk/store/sessions.py),
so the change is one transaction with its audit row, chained in the ledger and queued
for the central database like a mark made at the door."""

from __future__ import annotations

from datetime import datetime

from kiosk.attendance.rules import may_manage
from kiosk.errors import StoreError
from kiosk.store.sessions import Actor, mark_manual, roster_names, session_info
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.web.forms import MAX_REASON, WebError
from kiosk.web.model import MARK_CHOICES


def fix_mark(store: SqliteStore, session_id: str, person_id: str, status: str, reason: str, actor: Person,
             kiosk_id: str, now: datetime) -> str:
    """Mark one roster member; returns what the page says. WebError (4xx) when refused."""
    info = session_info(store.conn, session_id)
    if info is None:
        raise WebError(404, f"session {session_id[:80]!r} is not held in this kiosk's database; "
                            "fix the mark at the door that ran it")
    record = store.class_record(info.class_code)
    if not may_manage(actor.role, actor.id, record.instructor_id if record else None):
        raise WebError(403, f"{info.class_code} is not one of your classes")
    if status not in MARK_CHOICES:
        raise WebError(400, f"status must be one of {', '.join(MARK_CHOICES)}")
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise WebError(400, f"the reason is at most {MAX_REASON} characters")
    if status == "absent" and not reason:
        raise WebError(400, "say why when marking someone absent (excused: illness, trip, ...)")
    try:
        old = mark_manual(store, session_id, person_id, status, Actor(actor.id, kiosk_id), now,
                          reason=f"web: {reason}" if reason else "web")
    except StoreError as err:
        raise WebError(400, str(err)) from None
    name = roster_names(store.conn, info.class_code).get(person_id, person_id)
    return f"{name} marked {status}" + (f" (was {old})" if old else "")
