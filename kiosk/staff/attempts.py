"""Staff say who a door attempt was: the one routine the web view and the door's PIN overlay call.

- "This is X" (the class's instructor, or an admin): X is marked for the attempt's session with
  method `confirmed`, through the one manual-mark routine (kiosk/staff/marks.py: on the roster,
  the same rules, its audit row), present or late by the attempt's time; and the face becomes
  one of X's door references if the rule allows (kiosk/enrolment/door.py): the mark, the
  reference, the attempt's end and the audit row in one transaction. A refused reference leaves
  the mark made (the caller answers 409 then).
- "Not one of ours" and "dismiss" end the attempt, audited.
An attempt ends once; its picture and embedding go with its end. Refusals are AttemptRefused (or
MarkRefused) with a reason code, and nothing is stored for them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from kiosk.config import Config
from kiosk.enrolment import door
from kiosk.messages.desk import NOT_YOURS
from kiosk.staff.marks import Mark, Marked, MarkRefused, mark_by_hand
from kiosk.staff.roles import may_manage
from kiosk.store import attempts as stored
from kiosk.store.audit import AuditEntry
from kiosk.store.sessions import roster_names, session_info, session_statuses
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.vision.base import model_key

log = logging.getLogger(__name__)

# AttemptRefused.reason (with NOT_YOURS)
UNKNOWN_ATTEMPT = "unknown_attempt"
ALREADY_ENDED = "already_ended"
NO_PICTURE = "no_picture"
NOT_ON_ROSTER = "not_on_roster"
BAD_ENDING = "bad_ending"
ENDED_WORDS = {stored.CONFIRMED: "confirmed", stored.NOT_OURS: "marked not one of ours",
               stored.DISMISSED: "dismissed"}


class AttemptRefused(MarkRefused):
    """A review action the rules refuse: `reason` a code, str() one line saying why."""


@dataclass(frozen=True)
class Confirmed:
    marked: Marked
    reference: door.DoorDecision  # added, covered, or refused with its problem

    def summary(self) -> str:
        """'Maya Chen marked present; her face is now a door reference' (what a page says)."""
        ref = self.reference
        said = ("the face is now one of their door references" if ref.added
                else "their door references already cover this face" if ref.covered
                else f"no door reference was made: {ref.problem}")
        return f"{self.marked.summary()}; {said}"


def confirm_attempt(cfg: Config, store: SqliteStore, attempt_id: int, person_id: str, actor: Person,
                    now: datetime, where: str = "web") -> Confirmed:
    """"This is `person_id`": the mark and, when the rule allows, the door reference, in one transaction."""
    found = _pending(store, attempt_id, actor)
    if person_id not in roster_names(store, found.class_code):
        raise AttemptRefused(NOT_ON_ROSTER, f"{person_id[:64]!r} is not on {found.class_code}'s list", found.class_code)
    vector = stored.attempt_vector(store, attempt_id, model_key(cfg.vision))
    decision = door.decide(store, cfg.vision, person_id, vector)
    source = f"{found.at:%Y-%m-%d %H:%M} {found.kiosk_id} attempt {attempt_id}".strip()
    if decision.added and cfg.mongo.uri:  # centrally first (then pulled), like an enrolment photo
        door.add(cfg, store, person_id, vector, source, decision)
    with store.atomic():
        marked = _mark(cfg, store, found, person_id, actor, now, where)
        if decision.added and not cfg.mongo.uri:
            door.add(cfg, store, person_id, vector, source, decision)
        reference = "added" if decision.added else "covered" if decision.covered else decision.problem
        ended, crop = stored.end_attempt(store, attempt_id, stored.CONFIRMED, person_id, reference, actor.id, now)
        if not ended:  # ended meanwhile by someone else: nothing of this one stays
            raise AttemptRefused(ALREADY_ENDED, f"door attempt {attempt_id} was already ended", found.class_code)
        store.audit(AuditEntry(now, cfg.kiosk.id, actor.id, "attempt_confirm", found.session_id, person_id,
                               f"attempt {attempt_id}: door reference {reference}"[:300]))
    stored.remove_crops(store, [crop])
    log.info("door attempt %d confirmed as %s by %s; reference: %s", attempt_id, person_id, actor.id, reference)
    return Confirmed(marked, decision)


def end_attempt(cfg: Config, store: SqliteStore, attempt_id: int, ending: str, actor: Person,
                now: datetime) -> stored.Attempt:
    """"Not one of ours" (stored.NOT_OURS) or "dismiss" (stored.DISMISSED)."""
    if ending not in stored.ENDINGS:
        raise AttemptRefused(BAD_ENDING, f"an attempt is ended as {' or '.join(stored.ENDINGS)}")
    found = _pending(store, attempt_id, actor)
    with store.atomic():
        ended, crop = stored.end_attempt(store, attempt_id, ending, None, "", actor.id, now)
        if not ended:
            raise AttemptRefused(ALREADY_ENDED, f"door attempt {attempt_id} was already ended", found.class_code)
        store.audit(AuditEntry(now, cfg.kiosk.id, actor.id, f"attempt_{ending}", found.session_id,
                               detail=f"attempt {attempt_id}"))
    stored.remove_crops(store, [crop])
    return found


def may_see(store: SqliteStore, actor: Person, class_code: str) -> bool:
    record = store.class_record(class_code)
    return may_manage(actor.role, actor.id, record.instructor_id if record else None)


def offers(store: SqliteStore, session_id: str, person_id: str, limit: int = 3) -> list[stored.Attempt]:
    """A session's pending attempts with a picture, those that looked most like `person_id` first:
    what the door's overlay asks about ("Was this Maya?") after she is marked by hand."""
    found = [a for a in stored.session_attempts(store, session_id) if a.pending and a.crop]

    def likeness(a: stored.Attempt) -> float:
        return next((c.score for c in a.candidates if c.person_id == person_id), -1.0)

    return sorted(found, key=lambda a: (-likeness(a), -a.at.timestamp()))[:limit]


def picture(store: SqliteStore, attempt: stored.Attempt):
    """The attempt's face crop as a BGR array (None when its file is gone or unreadable)."""
    import cv2

    path = stored.crop_path(store, attempt.crop)
    image = cv2.imread(str(path)) if path is not None and path.is_file() else None
    return image


def _pending(store: SqliteStore, attempt_id: int, actor: Person) -> stored.Attempt:
    """The attempt, if it exists, is the actor's to act on, is still pending and has its picture."""
    found = stored.attempt(store, attempt_id)
    if found is None:
        raise AttemptRefused(UNKNOWN_ATTEMPT, f"unknown door attempt {attempt_id}")
    if not may_see(store, actor, found.class_code):
        raise AttemptRefused(NOT_YOURS, f"{found.class_code} is not one of your classes", found.class_code)
    if not found.pending:
        by = f" as {found.person_id}" if found.state == stored.CONFIRMED else ""
        raise AttemptRefused(ALREADY_ENDED, f"door attempt {attempt_id} was already "
                                            f"{ENDED_WORDS.get(found.state, found.state)}{by}", found.class_code)
    path = stored.crop_path(store, found.crop)
    if path is None or not path.is_file():
        raise AttemptRefused(NO_PICTURE, f"the picture of door attempt {attempt_id} is no longer on disk: nobody can "
                                         "say who it was; mark the student by hand", found.class_code)
    return found


def _mark(cfg: Config, store: SqliteStore, found: stored.Attempt, person_id: str, actor: Person, now: datetime,
          where: str) -> Marked:
    """Present or late by the attempt's time; a student already checked in keeps their check-in."""
    info = session_info(store, found.session_id)
    current = session_statuses(store, found.session_id).get(person_id)
    if current in ("present", "late"):
        name = roster_names(store, found.class_code).get(person_id, person_id)
        return Marked(name, current, current, found.class_code)
    late_from = info.starts_at.astimezone(timezone.utc) + timedelta(minutes=cfg.attendance.grace_min)
    status = "present" if found.at.astimezone(timezone.utc) <= late_from else "late"
    return mark_by_hand(store, Mark(found.session_id, person_id, status), actor, cfg.kiosk.id, now,
                        where=where, method="confirmed")
