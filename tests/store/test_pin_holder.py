"""Who holds a PIN now (kiosk/store/pins.py), as the web view reads it on every signed-in request,
on a real SQLite file."""

import pytest

from kiosk.store import staff
from kiosk.store.pins import pin_holder, set_pin
from kiosk.store.sqlite_store import Person, SqliteStore


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    staff.add_staff(s, "prof", "Prof Ada")
    staff.add_person(s, Person("maya", "Maya Chen", "student"))
    yield s
    s.close()


def test_a_staff_member_with_a_pin_is_a_holder_with_their_role_now(store):
    assert pin_holder(store, "prof") is None  # staff, but no PIN yet
    set_pin(store, "prof", "4829")
    holder = pin_holder(store, "prof")
    assert holder.person == Person("prof", "Prof Ada", "instructor")
    staff.set_role(store, "prof", "admin")
    assert pin_holder(store, "prof").person.role == "admin"
    assert pin_holder(store, "maya") is None and pin_holder(store, "nobody") is None


def test_the_stamp_changes_with_every_new_pin_and_is_not_the_hash(store):
    set_pin(store, "prof", "4829")
    first = pin_holder(store, "prof").pin_stamp
    assert pin_holder(store, "prof").pin_stamp == first
    set_pin(store, "prof", "4829")  # the same PIN again: a new salt, so a new stamp
    second = pin_holder(store, "prof").pin_stamp
    assert second != first
    (stored,) = [r[0] for r in store.query("SELECT pin_hash FROM pins")]
    assert second not in stored and stored.split("$")[-1] not in second


@pytest.mark.parametrize("take_away", [lambda s: staff.remove_staff(s, "prof"),
                                       lambda s: staff.set_role(s, "prof", "student")])
def test_removed_or_demoted_staff_hold_no_pin(store, take_away):
    set_pin(store, "prof", "4829")
    take_away(store)
    assert pin_holder(store, "prof") is None
