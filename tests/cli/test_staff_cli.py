"""`instructor add` and `staff remove` on ids already held: a student or staff in another role or
name is refused in one line and left as they were, adding the same staff member again changes
nothing, and the last admin stays. Every audit row says what happened."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.store.audit import audit_since
from kiosk.store.sqlite_store import Person, SqliteStore


@pytest.fixture
def school(data_dir):
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("lin", "Lin-Manuel Miranda", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.close()
    return data_dir


def people_and_staff_audit(data_dir) -> tuple[dict[str, tuple[str, str]], list[str]]:
    store = SqliteStore.in_dir(data_dir)
    try:
        people = {p.id: (p.name, p.role) for p in store.people()}
        rows = [f"{e.action} {e.target_id} {e.detail}" for e in audit_since(store, kind="staff")]
        return people, rows
    finally:
        store.close()


def test_a_students_id_is_refused_and_the_student_is_left_as_they_were(cli, school):
    code, out, err = cli("instructor", "add", "lin", "--name", "Lin as staff")
    assert code == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "'lin' is already a student (Lin-Manuel Miranda); nothing changed" in err
    assert "change their role on the web console (/people/lin)" in err
    people, audit = people_and_staff_audit(school)
    assert people["lin"] == ("Lin-Manuel Miranda", "student") and audit == []


def test_an_admin_is_not_demoted_by_adding_them_as_an_instructor(cli, school):
    assert cli("instructor", "add", "boss", "--name", "Ms Boss", "--admin")[0] == 0
    code, _, err = cli("instructor", "add", "boss", "--name", "Head")
    assert code == 1 and "'boss' is already an admin (Ms Boss); nothing changed" in err and err.count("\n") == 1
    people, audit = people_and_staff_audit(school)
    assert people["boss"] == ("Ms Boss", "admin") and audit == ["staff_add boss admin 'Ms Boss'"]


def test_an_instructor_is_not_promoted_or_renamed_by_adding_them_again(cli, school):
    assert cli("instructor", "add", "prof", "--name", "Dr Ada")[0] == 0
    code, _, err = cli("instructor", "add", "prof", "--name", "Dr Ada", "--admin")
    assert code == 1 and "'prof' is already an instructor (Dr Ada)" in err
    code, _, err = cli("instructor", "add", "prof", "--name", "Prof Ada")
    assert code == 1 and "'prof' is already an instructor named 'Dr Ada'; nothing changed: to rename them" in err
    assert people_and_staff_audit(school)[0]["prof"] == ("Dr Ada", "instructor")


def test_adding_the_same_staff_member_again_changes_nothing_and_says_so(cli, school):
    assert cli("instructor", "add", "prof", "--name", "Dr Ada")[1] == "instructor prof added; set a PIN with: pin set prof\n"
    code, out, err = cli("instructor", "add", "prof", "--name", "Dr Ada")
    assert (code, out, err) == (0, "prof is already an instructor; nothing changed\n", "")
    people, audit = people_and_staff_audit(school)
    assert people["prof"] == ("Dr Ada", "instructor")
    assert audit == ["staff_add prof instructor 'Dr Ada'", "staff_add prof instructor 'Dr Ada' (already; nothing changed)"]


def test_the_last_admin_cannot_be_removed_until_there_is_another(cli, school):
    cli("instructor", "add", "boss", "--name", "Ms Boss", "--admin")
    code, out, err = cli("staff", "remove", "boss")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "'boss' is the last admin, so they stay: make someone else admin first (instructor add ID" in err
    people, audit = people_and_staff_audit(school)
    assert people["boss"] == ("Ms Boss", "admin") and audit == ["staff_add boss admin 'Ms Boss'"]
    cli("instructor", "add", "head", "--name", "Mr Head", "--admin")
    assert cli("staff", "remove", "boss")[0] == 0
    code, _, err = cli("staff", "remove", "head")
    assert code == 1 and "'head' is the last admin" in err
