"""`class add`: a class code follows the person id rule (no spaces), and `--instructor` must name
an instructor or admin; each refusal is one line that says what to do, and stores nothing."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.store.audit import audit_since
from kiosk.store.sqlite_store import Person, SqliteStore


@pytest.fixture
def school(data_dir):
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("s004", "Sam Four", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.close()
    return data_dir


def classes_and_audit(data_dir) -> tuple[list[str], list[str]]:
    store = SqliteStore.in_dir(data_dir)
    try:
        return [r.code for r in store.class_records()], [e.target_id for e in audit_since(store, kind="class")]
    finally:
        store.close()


@pytest.mark.parametrize("argv, exit_code, message", [
    (["bad code", "--name", "X"], 2,
     "class 'bad code': a class code may use only letters, digits, '.', '_' and '-', starting with a letter or digit"),
    (["HAM/101", "--name", "X"], 2, "a class code may use only letters"),
    (["C" * 65, "--name", "X"], 2, "the class code is longer than 64 characters"),
    (["HAM101", "--name", "N" * 101], 2, "the class name is longer than 100 characters"),
    (["HAM101", "--name", "X", "--room", "R" * 101], 2, "the room is longer than 100 characters"),
    (["HAM101", "--name", "X", "--instructor", "s004"], 1, "'s004' is a student, not an instructor or admin"),
    (["HAM101", "--name", "X", "--instructor", "nobody"], 1,
     "unknown instructor 'nobody'; add them with 'instructor add nobody --name NAME'"),
])
def test_a_bad_code_or_instructor_is_one_line_and_stores_nothing(cli, school, argv, exit_code, message):
    code, out, err = cli("class", "add", *argv)
    assert code == exit_code and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert message in err and "import-roster" not in err
    assert classes_and_audit(school) == ([], [])


def test_codes_with_separators_and_staff_instructors_are_accepted(cli, school):
    cli("instructor", "add", "prof", "--name", "Dr Ada")
    cli("instructor", "add", "boss", "--name", "Ms Boss", "--admin")
    assert cli("class", "add", "HAM-101.a_1", "--name", "Hamilton", "--instructor", "prof")[0] == 0
    assert cli("class", "add", "MA201", "--name", "Calc", "--instructor", "boss", "--students", "s004")[0] == 0
    assert classes_and_audit(school) == (["HAM-101.a_1", "MA201"], ["HAM-101.a_1", "MA201"])


def test_a_code_differing_only_in_case_from_a_class_is_refused(cli, school):
    assert cli("class", "add", "HAM101", "--name", "Hamilton")[0] == 0
    code, _, err = cli("class", "add", "ham101", "--name", "Hamilton again")
    assert code == 2 and "'HAM101' already exists" in err and err.count("\n") == 1
