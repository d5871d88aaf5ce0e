"""Marking a student by hand: the one routine the door's PIN overlay, the web view and
the command line all call, with one set of rules.

- only the class's instructor, or an admin, may mark (kiosk/staff/roles.py);
- the status is one of MARK_STATUSES (present, late, absent, excused);
- an excused absence needs its reason (illness, a trip...), and so does marking absent
  someone who was checked in (undoing a check-in needs a why); the reason is kept with
  the row and its audit row, both in the hash-chained ledger, and in every export;
- the person must be on the class's roster (the store checks, in the same transaction
  as the write).

The write is the store's (kiosk/store/sessions.py: mark_manual): one transaction with
its audit row, queued for the central database like a check-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.errors import Refused
from kiosk.messages.desk import NOT_YOURS
from kiosk.model import STATUSES
from kiosk.staff.roles import may_manage
from kiosk.store.sessions import Actor, mark_manual, roster_names, session_info, session_statuses
from kiosk.store.sqlite_store import Person, SqliteStore

MARK_STATUSES = STATUSES
MAX_REASON = 200

# MarkRefused.reason (with NOT_YOURS from kiosk/messages/desk.py)
UNKNOWN_SESSION = "unknown_session"
BAD_STATUS = "bad_status"
REASON_NEEDED = "reason_needed"
REASON_TOO_LONG = "reason_too_long"


class MarkRefused(Refused):
    """A mark the rules refuse: `reason` is a code, str() one line saying why."""

    def __init__(self, reason: str, message: str, class_code: str = ""):
        super().__init__(reason, class_code)
        self.args = (message,)


@dataclass(frozen=True)
class Mark:
    session_id: str
    person_id: str
    status: str  # one of MARK_STATUSES
    reason: str = ""


@dataclass(frozen=True)
class Marked:
    name: str
    status: str
    replaced: str | None  # the status it replaced, None if there was no row
    class_code: str

    def summary(self) -> str:
        """'Maya Chen marked late (was absent)': what a page or a command says."""
        return f"{self.name} marked {self.status}" + (f" (was {self.replaced})" if self.replaced else "")


def mark_by_hand(store: SqliteStore, mark: Mark, actor: Person, kiosk_id: str, now: datetime,
                 where: str = "", method: str = "manual") -> Marked:
    """Apply the rules and store the mark; MarkRefused (or the store's StoreError) when refused.
    `where` names a channel other than the door ('web', 'cli'): it prefixes a reason given (a mark
    with none has none: the bare channel read as a reason in every export, Ed-Fi's included).
    `method` is 'confirmed' when staff said who a door attempt was (kiosk/staff/attempts.py)."""
    info = session_info(store, mark.session_id)
    if info is None:
        raise MarkRefused(UNKNOWN_SESSION, f"session {mark.session_id[:80]!r} is not held in this kiosk's database; "
                                           "fix the mark at the door that ran it")
    current = session_statuses(store, info.session_id).get(mark.person_id)
    reason = vet(store, info.class_code, mark, actor, current)
    audited = f"{where}: {reason}" if where and reason else reason
    old = mark_manual(store, info.session_id, mark.person_id, mark.status, Actor(actor.id, kiosk_id), now,
                      reason=audited, method=method)
    name = roster_names(store, info.class_code).get(mark.person_id, mark.person_id)
    return Marked(name, mark.status, old, info.class_code)


def vet(store: SqliteStore, class_code: str, mark: Mark, actor: Person, current: str | None) -> str:
    """The rules, before anything is written: MarkRefused, or the reason as it is kept."""
    record = store.class_record(class_code)
    if not may_manage(actor.role, actor.id, record.instructor_id if record else None):
        raise MarkRefused(NOT_YOURS, f"{class_code} is not one of your classes", class_code)
    if mark.status not in MARK_STATUSES:
        raise MarkRefused(BAD_STATUS, f"status must be one of {', '.join(MARK_STATUSES)}")
    reason = " ".join(mark.reason.split())
    if len(reason) > MAX_REASON:
        raise MarkRefused(REASON_TOO_LONG, f"the reason is at most {MAX_REASON} characters")
    if not reason and _needs_reason(mark.status, current):
        person = store.person(mark.person_id)
        raise MarkRefused(REASON_NEEDED, f"say why {person.name if person else mark.person_id} is {mark.status}"
                                         + (" (illness, a trip, ...)" if mark.status == "excused"
                                            else ": they were checked in"))
    return reason


def _needs_reason(status: str, current: str | None) -> bool:
    return status == "excused" or (status == "absent" and current in ("present", "late"))
