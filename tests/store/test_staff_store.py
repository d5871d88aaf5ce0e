"""Staff rows in the store: an id already held is never overwritten by adding staff, the last
admin keeps the role, and only staff teach a class. Each refusal writes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.errors import StoreError
from kiosk.store import rosters, staff
from kiosk.store.sqlite_store import Person, SqliteStore


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    s.add_person(Person("lin", "Lin", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    staff.add_staff(s, "boss", "Ms Boss", role="admin")
    staff.add_staff(s, "prof", "Prof Ada")
    s.add_class("HAM", "Hamilton", ["lin"], instructor_id="prof")
    yield s
    s.close()


def roles(store) -> dict[str, str]:
    return {p.id: p.role for p in store.people()}


def test_adding_staff_again_is_false_and_anyone_else_under_the_id_is_refused(store):
    assert staff.add_staff(store, "prof", " Prof Ada ") is False
    for pid, name, role in (("lin", "Lin", "instructor"), ("boss", "Ms Boss", "instructor"),
                            ("prof", "Prof Ada", "admin"), ("prof", "Dr Ada", "instructor")):
        with pytest.raises(StoreError, match=f"'{pid}' is already"):
            staff.add_staff(store, pid, name, role)
    assert roles(store) == {"boss": "admin", "lin": "student", "prof": "instructor"}
    assert {p.id: p.name for p in store.people()}["prof"] == "Prof Ada"


def test_the_last_admin_is_neither_removed_nor_demoted(store):
    for change in (lambda: staff.remove_staff(store, "boss"), lambda: staff.set_role(store, "boss", "instructor"),
                   lambda: staff.set_role(store, "boss", "student")):
        with pytest.raises(StoreError, match="'boss' is the last admin"):
            change()
    assert roles(store)["boss"] == "admin"
    staff.set_role(store, "boss", "admin")  # staying admin is no demotion
    staff.set_role(store, "prof", "admin")
    staff.set_role(store, "boss", "instructor")
    assert roles(store) == {"boss": "instructor", "lin": "student", "prof": "admin"}


def test_only_staff_teach_a_class(store):
    with pytest.raises(StoreError, match="'lin' is a student, not an instructor or admin"):
        store.add_class("MA201", "Calc", [], instructor_id="lin")
    with pytest.raises(StoreError, match="unknown instructor 'ghost'; add them with 'instructor add ghost"):
        rosters.update_class(store, "HAM", "Hamilton", "", "ghost")
    with pytest.raises(StoreError, match="'lin' is a student"):
        rosters.update_class(store, "HAM", "Hamilton", "", "lin")
    assert [r.code for r in store.class_records()] == ["HAM"] and store.class_record("HAM").instructor_id == "prof"
    rosters.update_class(store, "HAM", "Hamilton", "", "boss")
    assert store.class_record("HAM").instructor_id == "boss"


def test_adding_a_person_never_renames_or_changes_the_role_of_someone_known(store):
    assert staff.add_person(store, Person("zoe", "Zoe Park", "student")) is True
    assert staff.add_person(store, Person("zoe", "Zoe Park", "student")) is False  # again: nothing changes
    for taken in (Person("lin", "Lin Teacher", "instructor"), Person("boss", "Ms Boss", "student"),
                  Person("lin", "Someone Else", "student")):
        with pytest.raises(StoreError, match="nothing changed"):
            staff.add_person(store, taken)
    assert roles(store)["lin"] == "student" and roles(store)["boss"] == "admin"
    assert store.person("lin").name == "Lin"
