"""A person's page on the console over real HTTP (the real app under uvicorn, a real SQLite
file): recording consent takes someone who gave it, and each change says so on the page
it lands on."""

from __future__ import annotations

import pytest

from kiosk.store.people import person_details


def consent_of(store, pid: str) -> tuple:
    overview = person_details(store, pid).overview
    return overview.consent_by, overview.guardian


def test_record_consent_with_nobody_named_is_refused_and_records_nothing(boss, store):
    token = boss.csrf("/people/ana")
    reply = boss.post("/people/ana/consent", {"csrf": token, "consent_by": " ", "guardian": ""})
    assert reply.status == 400 and "say who gave consent" in reply.text.lower()
    assert not consent_of(store, "ana")[0]
    assert "not recorded" in boss.get("/people/ana").text


def test_consent_follows_enroll_s_rule_a_guardian_alone_gave_it(boss, store):
    token = boss.csrf("/people/ana")
    assert boss.post("/people/ana/consent", {"csrf": token, "consent_by": "", "guardian": "Mrs Silva"}).status == 303
    assert consent_of(store, "ana") == ("guardian", "Mrs Silva")
    assert boss.post("/people/ana/consent", {"csrf": token, "consent_by": "self", "guardian": ""}).status == 303
    assert consent_of(store, "ana") == ("self", "")


@pytest.mark.parametrize("what, form, said", [
    ("name", {"name": "Ana Silva-Ruiz"}, "name changed"), ("role", {"role": "student"}, "role changed"),
    ("consent", {"consent_by": "self"}, "consent recorded"), ("opt-out", {}, "opted out of face recognition"),
])
def test_a_change_is_confirmed_on_the_person_s_page_and_nowhere_later(boss, store, what, form, said):
    token = boss.csrf("/people/ana")
    reply = boss.post(f"/people/ana/{what}", {"csrf": token, **form})
    assert reply.status == 303 and reply.headers["location"] == "/people/ana"
    assert said in boss.get("/people/ana").text
    assert said not in boss.get("/classes").text  # shown once, where it was made


def test_an_erasure_is_confirmed_on_the_people_list(boss, store):
    token = boss.csrf("/people/ana")
    reply = boss.post("/people/ana/erase", {"csrf": token, "confirm": "ana"})
    assert reply.status == 303 and reply.headers["location"] == "/people"
    assert "ana erased" in boss.get("/people").text
    assert "ana erased" not in boss.get("/classes").text


def test_adding_a_person_under_a_known_id_returns_the_form_and_changes_nobody(boss, store):
    token = boss.csrf("/new-person")
    reply = boss.post_files("/people", {"csrf": token, "person_id": "ana", "name": "Ana Teacher", "role": "instructor"},
                            [])
    assert reply.status == 400 and "already" in reply.text and "Ana Teacher" in reply.text  # the typed form is back
    assert person_details(store, "ana").overview.role == "student"


def test_adding_a_person_with_photos_under_a_known_id_neither_renames_nor_re_faces_them(boss, store, shared):
    from kiosk.store.people import person_details

    token = boss.csrf("/new-person")
    before = person_details(store, "ana")
    photo = (shared / "face_recognition" / "obama.jpg").read_bytes()
    reply = boss.post_files("/people", {"csrf": token, "person_id": "ana", "name": "Someone New", "role": "student",
                                        "consent_by": "self"}, [("photo", "obama.jpg", photo)])
    assert reply.status == 400 and "already" in reply.text
    after = person_details(store, "ana")
    assert (after.overview.name, len(after.photos)) == (before.overview.name, len(before.photos))
