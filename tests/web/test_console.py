"""The school's console over real HTTP (the real app under uvicorn, a real SQLite file, the real
face models on the shared photos): each form, its CSRF and role checks, and its bad input."""

from __future__ import annotations

import pytest

from kiosk.store.audit import audit_entries
from kiosk.store.people import person_details

PHOTOS = ("lin-manuel-miranda.png", "alex-lacamoire.png", "obama.jpg", "obama2.jpg")


@pytest.fixture(autouse=True)
def real_faces_only(store):
    """The school's stand-in embeddings are 4 numbers; photos uploaded here get real ones."""
    store.conn.execute("DELETE FROM embeddings")


@pytest.fixture
def prof(web):
    client = web.client()
    client.sign_in("prof")
    return client


def photo(shared, name: str) -> bytes:
    return (shared / "face_recognition" / name).read_bytes()


def add_person(client, fields: dict, files: list) -> object:
    token = client.csrf("/new-person")
    return client.post_files("/people", {"csrf": token, **fields}, [("photo", n, d) for n, d in files])


def test_an_admin_enrols_a_student_from_uploaded_photos(boss, store, shared):
    reply = add_person(boss, {"person_id": "obama", "name": "Barack Obama", "role": "student", "consent_by": "self"},
                       [("obama.jpg", photo(shared, "obama.jpg")), ("obama2.jpg", photo(shared, "obama2.jpg"))])
    assert reply.status == 303 and reply.headers["location"] == "/people/obama?enrolled=2"
    details = person_details(store, "obama")
    assert len(details.photos) >= 2 and details.overview.consent_by == "self"
    page = boss.get("/people/obama").text
    assert "Barack Obama" in page and "obama2.jpg" in page
    assert [e.target_id for e in audit_entries(store, "enroll")] == ["obama"]
    listed = {p["person_id"]: p for p in boss.get("/api/people").json()}
    assert listed["obama"]["enrolment"] == "enrolled" and listed["maya"]["classes"] == ["CS101"]
    assert {p["enrolment"] for p in listed.values()} <= {"enrolled", "awaiting enrolment", "opted out"}


def test_refused_photos_are_named_with_their_reason_and_nothing_is_stored(boss, store, shared):
    reply = add_person(boss, {"person_id": "x1", "name": "Two People", "role": "student"},
                       [("notes.txt", b"not an image at all"), ("lin.png", photo(shared, "lin-manuel-miranda.png")),
                        ("obama.jpg", photo(shared, "obama.jpg"))])
    assert reply.status == 422
    assert "notes.txt" in reply.text and "not an image" in reply.text
    assert "do not look like" in reply.text or "does not look like" in reply.text  # two people under one id
    assert 'value="Two People"' in reply.text  # what was typed is kept
    assert person_details(store, "x1") is None


def test_a_person_without_photos_awaits_enrolment_and_can_be_changed(boss, store):
    token = boss.csrf("/new-person")
    assert boss.post_files("/people", {"csrf": token, "person_id": "zoe", "name": "Zoe Park", "role": "student"},
                           []).status == 303
    assert boss.get("/people?filter=awaiting").text.count('href="/people/zoe"') == 1
    token = boss.csrf("/people/zoe")
    for what, form in (("name", {"name": "Zoe Park-Lee"}), ("consent", {"consent_by": "Mrs Park", "guardian": "Mrs Park"}),
                       ("opt-out", {})):
        assert boss.post(f"/people/zoe/{what}", {"csrf": token, **form}).status == 303
    details = person_details(store, "zoe")
    assert details.overview.name == "Zoe Park-Lee" and details.overview.face_opt_out
    card = boss.post("/people/zoe/code", {"csrf": token, "format": "png"})
    assert card.status == 200 and card.body.startswith(b"\x89PNG") and card.headers["cache-control"] == "no-store"
    assert boss.post("/people/zoe/erase", {"csrf": token, "confirm": "zoe?"}).status == 400
    assert boss.post("/people/zoe/erase", {"csrf": token, "confirm": "zoe"}).status == 303
    assert person_details(store, "zoe") is None


def test_classes_timetable_and_staff_are_set_up_from_the_browser(boss, store):
    token = boss.csrf("/classes")
    reply = boss.post("/classes", {"csrf": token, "code": "MUS1", "name": "Music", "room": " c3 ",
                                   "instructor": "other", "students": "ana, tom"})
    assert reply.status == 303 and store.class_record("MUS1").room == "C3"
    token = boss.csrf("/timetable")
    clash = boss.post("/timetable", {"csrf": token, "class_code": "MUS1", "start": "09:45", "end": "10:15",
                                     "date": "2026-11-25"})
    assert clash.status == 400 and "ART2" in clash.text  # the class it clashes with, named
    assert boss.post("/timetable", {"csrf": token, "class_code": "MUS1", "start": "11:00", "end": "12:00",
                                    "day_mon": "mon", "day_wed": "wed"}).status == 303
    week = boss.get("/timetable?room=C3&week=2026-11-23").text
    assert "MUS1" in week and "ART2" in week
    assert boss.post("/timetable/cancel", {"csrf": token, "class_code": "MUS1", "from": "2026-12-21",
                                           "until": "2027-01-03", "reason": "winter break"}).status == 303
    assert {d.isoformat() for s in store.schedules() if s.class_code == "MUS1" for d in s.cancelled} == {
        "2026-12-21", "2026-12-23", "2026-12-28", "2026-12-30"}
    token = boss.csrf("/staff")
    assert boss.post("/staff", {"csrf": token, "person_id": "sub", "name": "Mr Sub"}).status == 303
    assert boss.post("/staff/sub/pin", {"csrf": token, "pin": "1234", "pin_again": "1234"}).status == 400
    assert boss.post("/staff/sub/pin", {"csrf": token, "pin": "8264", "pin_again": "8265"}).status == 400
    assert boss.post("/staff/sub/pin", {"csrf": token, "pin": "8264", "pin_again": "8264"}).status == 303
    audit = boss.get("/audit?kind=pin").text
    assert ">PIN set<" in audit and ">signed in<" in audit and ">pin_ok<" not in audit  # codes in words


def test_a_roster_upload_says_as_many_bad_rows_as_its_audit_row(boss, store):
    roster = b'id,name\nana,Ana Ruiz\n10 02,Bad Id\n"zed,Open Quote\nghost,\n'
    reply = boss.post_files("/class/CS101/import", {"csrf": boss.csrf("/class/CS101")}, [("roster", "r.csv", roster)])
    assert reply.status == 303
    page = boss.get("/class/CS101").text
    assert "3 bad row(s): line 3:" in page and "line 4:" in page and "line 5:" in page
    assert [e.detail.rsplit(", ", 1)[1] for e in audit_entries(store, "roster_import")] == ["3 bad"]


def test_instructors_see_their_classes_but_cannot_change_the_school(prof, web):
    assert prof.get("/people").status == 403 and prof.get("/staff").status == 403 and prof.get("/audit").status == 403
    token = prof.csrf("/classes")
    assert prof.post("/classes", {"csrf": token, "code": "X", "name": "X"}).status == 403
    assert prof.post_files("/people", {"csrf": token, "person_id": "x", "name": "X"}, []).status == 403
    page = prof.get("/classes").text
    assert "CS101" in page and "ART2" not in page and "Add a class" not in page
    assert prof.get("/timetable").status == 200 and "Add a meeting time" not in prof.get("/timetable").text


@pytest.mark.parametrize("path, form", [("/classes", {"code": "X", "name": "X"}), ("/staff", {"person_id": "x"}),
                                        ("/people/maya/name", {"name": "M"}), ("/timetable/cancel", {"from": "2026-12-01"})])
def test_a_form_without_its_token_is_refused(boss, store, path, form):
    assert boss.post(path, form).status == 403
    assert boss.post(path, {**form, "csrf": "forged"}).status == 403


def test_uploads_that_are_too_large_or_not_multipart_are_refused(boss, store):
    token = boss.csrf("/new-person")
    huge = boss.post_files("/people", {"csrf": token, "person_id": "big", "name": "Big"},
                           [("photo", "big.jpg", b"\xff" * (21 * 2**20))])
    assert huge.status == 413
    assert boss.post("/people", {"csrf": token, "person_id": "x", "name": "X"}).status == 415
    assert person_details(store, "big") is None and person_details(store, "x") is None


def test_a_long_list_of_people_comes_a_page_at_a_time_and_search_finds_anyone(store, boss):
    from kiosk.store.sqlite_store import Person
    from kiosk.store.staff import add_person as store_person

    for n in range(230):
        store_person(store, Person(f"p{n:03d}", f"Pupil {n:03d}", "student"))
    first = boss.get("/people").text
    assert first.count('class="name"') == 100 and "1–100 of 2" in first and "page=2" in first
    last = boss.get("/people?page=99").text  # past the end: the last page
    assert "201–" in last and "Next →" not in last and "← Previous" in last
    found = boss.get("/people?q=pupil%20229&page=1").text
    assert found.count('class="name"') == 1 and "pager" not in found


def test_a_dark_photo_is_enrolled_with_a_caution_the_cautioned_filter_finds(boss, store, shared):
    import cv2

    dark = cv2.imencode(".png", (cv2.imread(str(shared / "face_recognition" / "obama.jpg")) * 0.25).astype("uint8"))[1]
    reply = add_person(boss, {"person_id": "obama", "name": "Barack Obama", "role": "student", "consent_by": "self"},
                       [("dark.png", dark.tobytes()), ("obama2.jpg", photo(shared, "obama2.jpg"))])
    assert reply.status == 303
    assert add_person(boss, {"person_id": "linm", "name": "Lin Manuel", "role": "student", "consent_by": "self"},
                      [("lin.png", photo(shared, "lin-manuel-miranda.png"))]).status == 303
    page = boss.get("/people/obama").text
    assert "dark.png" in page and "the face is dark" in page  # beside the photo it is about
    cautioned = boss.get("/people?filter=cautioned").text
    assert 'href="/people/obama"' in cautioned and 'href="/people/linm"' not in cautioned
    assert "photo caution" in cautioned


def test_removing_staff_needs_their_id_typed(boss, store):
    token = boss.csrf("/staff")
    reply = boss.post("/staff/prof/remove", {"csrf": token})
    assert reply.status == 400 and "type their id (prof) to confirm" in reply.text
    assert store.person("prof").role == "instructor"
    assert boss.post("/staff/prof/remove", {"csrf": token, "confirm": "prof"}).status == 303
