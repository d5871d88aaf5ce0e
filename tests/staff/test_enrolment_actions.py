"""The kiosk's enrolment commands in the desk worker's desk (kiosk/staff/enrolment_actions.py):
a real SQLite file, real PIN sign-in, real embeddings of the shared photos."""

from datetime import date, datetime
from datetime import time as dtime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from enrol_support import lookalike_of

from kiosk.staff.desk import StaffDesk
from kiosk.clock import FixedClock
from kiosk.enrolment.service import Enrolment, enrol
from kiosk.messages.desk import ADMIN_ONLY, NOT_SIGNED_IN, ActionDone, CheckPin
from kiosk.messages.enrolment import (
    DUPLICATE_FACE, NOT_THIS_PERSON, EnrolmentSaved, ListPeople, PeopleListed, SaveEnrolment,
)
from kiosk.model import Consent, Schedule
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store import staff
from kiosk.store.audit import audit_entries
from kiosk.store.pins import set_pin
from kiosk.store.sqlite_store import Person
from kiosk.ui import text
from kiosk.ui.enrol import phrases
from kiosk.vision.naming import lookalike_floor, same_face_score

TZ = ZoneInfo("Europe/London")


@pytest.fixture
def desk(cfg, store, faces):
    """Obama is enrolled; Prof Ada teaches CS101, which is on now; Ms Boss is an admin."""
    enrol(cfg, store, Enrolment(Person("obama", "Barack Obama", "student"), faces["obama"][None], ("obama.jpg",)))
    staff.add_staff(store, "prof", "Prof Ada")
    staff.add_staff(store, "boss", "Ms Boss", role="admin")
    set_pin(store, "prof", "4829")
    set_pin(store, "boss", "5930")
    store.add_class("CS101", "Intro", ["obama"], room="B12", instructor_id="prof")
    store.add_schedule(Schedule("CS101", dtime(9), dtime(10), "Europe/London", on_date=date(2026, 11, 25)))
    clock = FixedClock(datetime(2026, 11, 25, 9, 3, tzinfo=TZ))
    SessionScheduler(store, cfg, clock, lambda event: None).tick()  # CS101 is active: Prof Ada may sign in
    return StaffDesk(store, cfg, clock)


SELF = Consent("self")


def save(desk, pid, name, vector, mode="new", allow=False, consent=SELF) -> object:
    (event,) = desk.handle(SaveEnrolment(pid, name, mode, consent, np.stack([vector, vector * 0.999]),
                                         ("door-7 front 1", "door-7 front 2"), allow))
    return event


def test_people_are_listed_with_their_photo_counts(desk):
    desk.handle(CheckPin("4829"))
    (listed,) = desk.handle(ListPeople())
    assert isinstance(listed, PeopleListed)
    assert {(p.id, p.photos) for p in listed.people} == {("obama", 1), ("prof", 0), ("boss", 0)}


def test_an_instructor_enrols_a_student_with_audit_and_consent(desk, faces):
    desk.handle(CheckPin("4829"))
    saved = save(desk, "lin", "Lin-Manuel Miranda", faces["lin"], consent=Consent("guardian", "Luz Miranda"))
    assert saved == EnrolmentSaved(True, "lin", "Lin-Manuel Miranda", stored=2)
    (entry,) = audit_entries(desk.store, "enroll")
    assert (entry.actor_id, entry.kiosk_id, entry.target_id) == ("prof", "door-7", "lin")
    row = desk.store.query("SELECT consent_by, guardian FROM people WHERE id = 'lin'")[0]
    assert tuple(row) == ("guardian", "Luz Miranda")


def test_duplicate_is_refused_naming_the_person_and_only_an_admin_may_override(desk, faces):
    desk.handle(CheckPin("4829"))
    refused = save(desk, "barack", "B", faces["obama2"])
    assert not refused.ok and refused.duplicate_of == ("obama", "Barack Obama") and not refused.may_override
    assert refused.refusal == DUPLICATE_FACE  # the screen's words for it:
    assert phrases.enrolment_refusal(refused) == phrases.ENROL_DUPLICATE.format(id="obama", name="Barack Obama")
    assert audit_entries(desk.store, "enroll_refused")[0].target_id == "barack"
    (denied,) = desk.handle(SaveEnrolment("barack", "B", "new", Consent("self"), faces["obama2"][None], ("x",), True))
    assert isinstance(denied, ActionDone) and denied.refusal == ADMIN_ONLY
    assert text.action_result(denied) == phrases.ENROL_OVERRIDE_ADMIN_ONLY
    assert desk.store.person("barack") is None

    desk.handle(CheckPin("5930"))  # the admin
    assert save(desk, "barack", "B", faces["obama2"]).may_override
    assert save(desk, "barack", "B", faces["obama2"], allow=True).ok
    (entry,) = audit_entries(desk.store, "enroll_duplicate")
    assert (entry.actor_id, entry.target_id) == ("boss", "barack")


def test_lookalike_is_saved_and_named(desk, cfg, faces):
    desk.handle(CheckPin("5930"))
    # Between the look-alike floor and the same-face bar: flagged, and enrolled.
    between = (lookalike_floor(cfg.vision) + same_face_score(cfg.vision)) / 2
    saved = save(desk, "twin", "Twin", lookalike_of(faces["obama"], between))
    assert saved.ok and saved.lookalikes == (("obama", "Barack Obama"),)


def test_extend_keeps_the_enrolled_name(desk, faces):
    desk.handle(CheckPin("4829"))
    saved = save(desk, "obama", "", faces["obama2"], mode="extend")
    assert saved.ok and saved.name == "Barack Obama" and saved.stored == 1  # the second shot repeats the first
    assert desk.store.embedding_counts("sface")["obama"] == 2


def test_extending_with_someone_else_is_refused_and_audited(desk, faces):
    desk.handle(CheckPin("4829"))
    refused = save(desk, "obama", "", faces["lin"], mode="extend")
    assert not refused.ok and refused.refusal == NOT_THIS_PERSON
    assert phrases.enrolment_refusal(refused) == phrases.ENROL_NOT_THIS_PERSON.format(name="Barack Obama")
    assert desk.store.embedding_counts("sface")["obama"] == 1
    assert "does not look like obama" in audit_entries(desk.store, "enroll_refused")[0].detail


def test_nothing_without_sign_in(desk, faces):
    (event,) = desk.handle(ListPeople())
    assert isinstance(event, ActionDone) and not event.ok and event.refusal == NOT_SIGNED_IN
    assert text.action_result(event) == text.ERR_SIGN_IN


def test_vectors_are_stored_under_the_model_that_made_them(cfg, store, faces, desk):
    """Configured for EdgeFace-S, the kiosk ran on SFace (its weights were missing): the capture says
    so, and its vectors join SFace's gallery, never EdgeFace-S's."""
    configured = StaffDesk(store, cfg.replace("vision", embedder="edgeface-s"), desk.clock)
    configured.handle(CheckPin("4829"))
    (saved,) = configured.handle(SaveEnrolment("maya", "Maya Chen", "new", SELF, faces["biden"][None],
                                               ("door-7 front 1",), embedder="sface"))
    assert isinstance(saved, EnrolmentSaved) and saved.ok
    assert store.embedding_counts("sface")["maya"] == 1 and "maya" not in store.embedding_counts("edgeface-s")


def test_a_capture_from_the_door_stores_every_models_vectors(desk, store, faces):
    """Guided capture hands over the other installed models' vectors too (CaptureComplete.others): the
    desk stores them beside the running model's, so the student needs no new photos for another model."""
    desk.handle(CheckPin("4829"))
    edge = np.eye(2, 512, dtype=np.float32)
    (saved,) = desk.handle(SaveEnrolment("lin", "Lin-Manuel Miranda", "new", SELF, np.stack([faces["lin"]] * 2),
                                         ("door-7 front 1", "door-7 front 2"), embedder="sface",
                                         others={"edgeface-s": edge}))
    assert isinstance(saved, EnrolmentSaved) and saved.ok
    assert store.embedding_counts("sface")["lin"] == 2 and store.embedding_counts("edgeface-s") == {"lin": 2}
