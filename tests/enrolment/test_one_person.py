"""The photos of one enrolment must show one person at the kiosk's match rule, in the CLI and
at the kiosk; otherwise the odd photo is named and nothing is stored."""

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from kiosk.staff.desk import StaffDesk
from kiosk.clock import FixedClock
from kiosk.enrolment.service import Enrolment, NotOnePerson, enrol, odd_photos
from kiosk.messages.desk import CheckPin
from kiosk.messages.enrolment import NOT_ONE_PERSON, SaveEnrolment
from kiosk.model import Consent
from kiosk.store.audit import audit_entries
from kiosk.store.pins import set_pin
from kiosk.store.staff import add_staff
from kiosk.store.sqlite_store import Person
from kiosk.ui.enrol import phrases
from kiosk.vision.naming import verification_threshold


def two_people(faces, *keys) -> Enrolment:
    return Enrolment(Person("x4", "X", "student"), np.stack([faces[k] for k in keys]),
                     tuple(f"{k}.jpg" for k in keys))


def test_two_people_under_one_id_are_refused_naming_the_odd_photo(cfg, store, faces):
    with pytest.raises(NotOnePerson) as refused:
        enrol(cfg, store, two_people(faces, "obama", "biden"))
    assert refused.value.odd == ("biden.jpg",)
    assert str(refused.value).startswith("biden.jpg does not look like obama.jpg")
    assert store.people() == [] and store.embedding_counts("sface") == {}


def test_the_odd_one_out_of_several_is_named(cfg, store, faces):
    with pytest.raises(NotOnePerson) as refused:
        enrol(cfg, store, two_people(faces, "obama", "biden", "obama2"))
    assert refused.value.odd == ("biden.jpg",)
    assert enrol(cfg, store, two_people(faces, "obama", "obama2")).stored == 2


def test_the_rule_follows_the_kiosks_threshold(cfg, store, faces):
    threshold = verification_threshold(cfg.vision)
    score = float(faces["obama"] @ faces["biden"])
    assert score < threshold  # refused at the calibrated rule (above)
    loose = cfg.replace("vision", threshold=round(score - 0.01, 3))
    assert enrol(loose, store, two_people(faces, "obama", "biden")).stored == 2


def test_the_kiosk_refuses_too_and_says_so_on_screen(cfg, store, faces):
    add_staff(store, "boss", "Ms Boss", role="admin")
    set_pin(store, "boss", "5930")
    desk = StaffDesk(store, cfg, FixedClock(datetime(2026, 11, 25, 9, 3, tzinfo=ZoneInfo("Europe/London"))))
    assert desk.handle(CheckPin("5930"))[0].ok
    vectors = np.stack([faces["lin"], faces["lin"] * 0.999, faces["alex"]])
    (saved,) = desk.handle(SaveEnrolment("lin", "Lin", "new", Consent("self"), vectors, ("front 1", "front 2", "left"),
                                         False))
    assert not saved.ok and saved.refusal == NOT_ONE_PERSON
    assert phrases.enrolment_refusal(saved) == phrases.ENROL_NOT_ONE_PERSON
    assert store.person("lin") is None
    assert "left does not look like front 1" in audit_entries(store, "enroll_refused")[0].detail


def test_odd_photos_groups_chained_matches_and_keeps_the_larger_group():
    a, b = np.eye(2, 8, dtype=np.float32)
    near = (a + 0.3 * b) / np.linalg.norm(a + 0.3 * b)
    assert odd_photos(np.stack([a, near, a]), 0.9)[0] == []
    assert odd_photos(np.stack([a, b, a]), 0.9)[0] == [1]
    assert odd_photos(np.stack([b, a, a]), 0.9)[0] == [0]  # the larger group is kept, not the first photo
    assert odd_photos(np.stack([a, a, b, b]), 0.9)[0] == [2, 3]  # two equal groups: the first photo's stays
