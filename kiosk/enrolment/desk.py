"""The kiosk's enrolment commands, run by the admin worker (kiosk/attendance/admin.py).

The admin worker owns the signed-in instructor or admin and its own store
connection, so these writes happen off the UI thread and are audited under
that person. Each handler takes the AdminDesk and a command, and returns
the events for the screen.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.enrolment.service import DuplicateFace, Enrolment, NotOnePerson, NotThisPerson, enrol
from kiosk.errors import Refused
from kiosk.messages.admin import ADMIN_ONLY
from kiosk.messages.enrolment import (
    DUPLICATE_FACE, NOT_ONE_PERSON, NOT_THIS_PERSON, EnrolledPerson, EnrolmentSaved, ListPeople, PeopleListed,
    SaveEnrolment,
)
from kiosk.store.audit import AuditEntry, write_audit
from kiosk.store.sqlite_store import Person
from kiosk.vision.base import running_config

log = logging.getLogger(__name__)


def list_people(desk, command: ListPeople) -> list[object]:
    """Everyone enrolled, with their photo count for this kiosk's model (for re-enrolment)."""
    from kiosk.vision.base import model_key

    counts = desk.store.embedding_counts(model_key(desk.cfg.vision))
    people = tuple(EnrolledPerson(p.id, p.name, p.role, counts.get(p.id, 0)) for p in desk.store.people())
    return [PeopleListed(people)]


def save_enrolment(desk, command: SaveEnrolment) -> list[object]:
    """Screen and store the captured faces; a duplicate face is refused unless an admin overrides."""
    admin = desk.actor.role == "admin"
    if command.allow_duplicate and not admin:
        raise Refused(ADMIN_ONLY)
    existing = desk.store.person(command.person_id)
    role = existing.role if existing is not None and command.mode != "new" else "student"
    request = Enrolment(Person(command.person_id, command.name.strip(), role), command.vectors, command.sources,
                        command.mode, command.consent, command.allow_duplicate, desk.actor.id, desk.kiosk_id,
                        audited=True)
    # Stored under the model that made the vectors: the fallback's while the configured one is missing.
    cfg = replace(desk.cfg, vision=running_config(desk.cfg.vision, command.embedder))
    try:
        result = enrol(cfg, desk.store, request)
    except DuplicateFace as refused:
        match = refused.match
        _audit_refusal(desk, command.person_id, f"matches {match.person_id} score {match.score:.3f}")
        log.info("enrolment of %s refused: the face matches %s", command.person_id, match.person_id)
        return [EnrolmentSaved(False, command.person_id, command.name, DUPLICATE_FACE,
                               duplicate_of=(match.person_id, match.name), may_override=admin)]
    except NotOnePerson as refused:
        _audit_refusal(desk, command.person_id, str(refused))
        log.info("enrolment of %s refused: the photos show more than one person", command.person_id)
        return [EnrolmentSaved(False, command.person_id, command.name, NOT_ONE_PERSON)]
    except NotThisPerson as refused:
        _audit_refusal(desk, command.person_id, str(refused))
        log.info("extending %s refused: the photos show someone else", command.person_id)
        name = existing.name if existing else command.person_id
        return [EnrolmentSaved(False, command.person_id, name, NOT_THIS_PERSON)]
    name = existing.name if command.mode == "extend" and existing else command.name.strip()
    lookalikes = tuple((n.person_id, n.name) for n in result.lookalikes)
    return [EnrolmentSaved(True, command.person_id, name, stored=result.stored, lookalikes=lookalikes)]


def _audit_refusal(desk, person_id: str, detail: str) -> None:
    with desk.store.transaction() as conn:
        write_audit(conn, AuditEntry(desk.clock(), desk.kiosk_id, desk.actor.id, "enroll_refused",
                                     target_id=person_id, detail=detail))


ENROL_ACTIONS = {ListPeople: list_people, SaveEnrolment: save_enrolment}
