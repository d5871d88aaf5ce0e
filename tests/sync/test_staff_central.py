"""Staff and classes set up centrally (School with mongo.uri): the same refusals as on one
machine, checked against the central people, so no door pulls a student turned instructor,
a demoted admin, a school without an admin, or a student teaching a class."""

from __future__ import annotations

import pytest
from sync_support import open_store, seed_central

from kiosk.errors import StoreError, UsageError
from kiosk.staff.school import School
from kiosk.store.audit import audit_since
from kiosk.sync.central import Central


@pytest.fixture
def school(kiosk_cfg, central_server):
    hub = Central.open(kiosk_cfg.mongo)
    seed_central(hub)  # students s0, s1, s2 (with faces) and class HAM101
    hub.close()
    store = open_store(kiosk_cfg)
    yield School(store, kiosk_cfg, "cli:admin"), central_server.db()
    store.close()


def test_staff_cannot_take_over_an_id_and_the_last_admin_stays(school):
    admin, db = school
    assert admin.add_staff("boss", "Ms Boss", "admin") is True
    assert admin.add_staff("boss", "Ms Boss", "admin") is False
    for pid, name, role in (("s0", "Ann as staff", "instructor"), ("boss", "Head", "instructor")):
        with pytest.raises(StoreError, match=f"'{pid}' is already"):
            admin.add_staff(pid, name, role)
    for change in (lambda: admin.remove_staff("boss"), lambda: admin.set_role("boss", "student")):
        with pytest.raises(StoreError, match="'boss' is the last admin"):
            change()
    assert {d["_id"]: (d["name"], d["role"]) for d in db.people.find({"_id": {"$in": ["s0", "boss"]}})} == {
        "s0": ("Ann", "student"), "boss": ("Ms Boss", "admin")}
    assert {p.id: p.role for p in admin.store.people()}["boss"] == "admin"
    assert [e.detail for e in audit_since(admin.store, kind="staff")] == [
        "admin 'Ms Boss'", "admin 'Ms Boss' (already; nothing changed)"]


def test_a_class_needs_a_good_code_and_a_staff_instructor_centrally(school):
    admin, db = school
    with pytest.raises(UsageError, match="a class code may use only letters"):
        admin.add_class("bad code", "X", [])
    with pytest.raises(StoreError, match="'s1' is a student, not an instructor or admin"):
        admin.add_class("MA201", "Calc", ["s0"], instructor_id="s1")
    with pytest.raises(StoreError, match="unknown instructor 'nobody'"):
        admin.update_class("HAM101", "Hamilton", "B12", "nobody")
    assert db.classes.count_documents({"_id": {"$in": ["bad code", "MA201"]}}) == 0
    assert db.classes.find_one({"_id": "HAM101"}).get("instructor_id") is None
