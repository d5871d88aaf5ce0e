"""Enrolment at the door, for the signed-in instructor or admin: the people list for
re-enrolment, and saving a guided capture through the enrolment service every
enrolment uses (kiosk/enrolment/service.py). Called by StaffDesk (kiosk/staff/desk.py)
in the desk worker's thread, so the writes happen off the screen's thread and are
audited under that person.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from kiosk.config import Config, VisionSection
from kiosk.enrolment.service import DuplicateFace, Enrolment, NotOnePerson, NotThisPerson, enrol
from kiosk.errors import Refused
from kiosk.messages.desk import ADMIN_ONLY
from kiosk.messages.enrolment import (
    DUPLICATE_FACE, NOT_ONE_PERSON, NOT_THIS_PERSON, EnrolledPerson, EnrolmentSaved, PeopleListed, SaveEnrolment,
)
from kiosk.store.audit import AuditEntry
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.vision.base import running_config

log = logging.getLogger(__name__)


def list_people(store: SqliteStore, vision: VisionSection) -> PeopleListed:
    """Everyone enrolled, with their photo count for this kiosk's model (for re-enrolment)."""
    from kiosk.vision.base import model_key

    counts = store.embedding_counts(model_key(vision))
    return PeopleListed(tuple(EnrolledPerson(p.id, p.name, p.role, counts.get(p.id, 0)) for p in store.people()))


def save_enrolment(cfg: Config, store: SqliteStore, actor: Person, kiosk_id: str, now: datetime,
                   command: SaveEnrolment) -> EnrolmentSaved:
    """Screen and store the captured faces; a duplicate face is refused unless an admin overrides."""
    admin = actor.role == "admin"
    if command.allow_duplicate and not admin:
        raise Refused(ADMIN_ONLY)
    existing = store.person(command.person_id)
    role = existing.role if existing is not None and command.mode != "new" else "student"
    request = Enrolment(Person(command.person_id, command.name.strip(), role), command.vectors, command.sources,
                        command.mode, command.consent, command.allow_duplicate, actor.id, kiosk_id, audited=True,
                        others=command.others)

    def refused(detail: str, reason: str, name: str = command.name, **extra) -> EnrolmentSaved:
        store.audit(AuditEntry(now, kiosk_id, actor.id, "enroll_refused", target_id=command.person_id, detail=detail))
        log.info("enrolment of %s refused (%s): %s", command.person_id, reason, detail)
        return EnrolmentSaved(False, command.person_id, name, reason, **extra)

    # Stored under the model that made the vectors: the fallback's while the configured one is missing.
    cfg = replace(cfg, vision=running_config(cfg.vision, command.embedder))
    try:
        result = enrol(cfg, store, request)
    except DuplicateFace as err:
        match = err.match
        return refused(f"matches {match.person_id} score {match.score:.3f}", DUPLICATE_FACE,
                       duplicate_of=(match.person_id, match.name), may_override=admin)
    except NotOnePerson as err:
        return refused(str(err), NOT_ONE_PERSON)
    except NotThisPerson as err:
        return refused(str(err), NOT_THIS_PERSON, name=existing.name if existing else command.person_id)
    name = existing.name if command.mode == "extend" and existing else command.name.strip()
    lookalikes = tuple((n.person_id, n.name) for n in result.lookalikes)
    return EnrolmentSaved(True, command.person_id, name, stored=result.stored, lookalikes=lookalikes)
