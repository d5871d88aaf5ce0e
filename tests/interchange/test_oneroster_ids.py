"""The ids a OneRoster record gets: always a valid person id or class code, the same every time,
and different for different sourcedIds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.enrolment.rules import person_id_problem
from kiosk.interchange.ids import class_code_for, derived_id, person_id_for


def test_a_valid_sourcedid_is_the_person_id_and_others_are_derived():
    assert person_id_for("3f2a9c1e-77b0-4c1d-9a55-0d1e2f3a4b5c") == "3f2a9c1e-77b0-4c1d-9a55-0d1e2f3a4b5c"
    assert person_id_for("staff/0001") == "staff-0001-712d95ab07"
    assert person_id_for("{ü}") == derived_id("{ü}") and derived_id("{ü}").startswith("or-")
    assert class_code_for("MATH 7B", "c1") == "MATH-7B" and class_code_for("  ", "c/1") == derived_id("c/1")


@given(st.text(min_size=1, max_size=200))
def test_every_sourcedid_gets_a_valid_stable_id(sourced_id):
    pid = person_id_for(sourced_id)
    assert person_id_problem(pid) is None and pid == person_id_for(sourced_id)
    assert person_id_problem(class_code_for(sourced_id, sourced_id)) is None


@given(st.lists(st.text(alphabet="ab/ {}", min_size=1, max_size=6), min_size=2, max_size=20, unique=True))
def test_sourcedids_that_clean_up_alike_still_differ(sourced_ids):
    derived = [derived_id(s) for s in sourced_ids]
    assert len(set(derived)) == len(derived)
