"""Door attempts in the web view: the JSON API, the review pages, the pictures, and "This is X",
"Not one of ours", "Dismiss" (one or several at once) through the one routine of
kiosk/staff/attempts.py. Every bad input is a 4xx and stores nothing."""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pytest
from web_support import ART2, CS101, DAY, STUDENTS, clock_at

from kiosk.config import Config
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store import attempts as stored
from kiosk.store.references import person_vectors
from kiosk.store.sqlite_store import Person
from tests.attempts_support import add_attempt

REAL = {"maya": "obama", "lin": "lin", "tom": "biden", "ana": "alex"}  # each student's face: a shared photo


@pytest.fixture
def faced(store, faces):
    """The school's students with real faces (the shared photos' embeddings), and two attempts in CS101
    and one in ART2: maya's face from another photo, and a face like nobody's."""
    for pid, photo in REAL.items():
        store.add_person(Person(pid, STUDENTS[pid], "student"), "sface", faces[photo][None], [f"{photo}.jpg"],
                         replace=True)
    # ART2 (room C3) is held by its own door from 09:20
    SessionScheduler(store, Config().replace("kiosk", timezone="Europe/London", room="C3"), clock_at(9, 21),
                     lambda e: None).tick()
    nobody = np.random.default_rng(3).normal(size=faces["alex"].shape).astype(np.float32)
    return {"maya": add_attempt(store, CS101, faces["obama2"], candidates=(("maya", 0.41), ("tom", 0.2))),
            "nobody": add_attempt(store, CS101, nobody / np.linalg.norm(nobody), candidates=(("ana", 0.1),)),
            "art": add_attempt(store, ART2, faces["alex"], candidates=(("ana", 0.39),))}


def _token(client, path="/attempts?date=2026-11-25"):
    return client.csrf(path)


def _door_refs(store, pid):
    return [v for v in person_vectors(store, pid, "sface") if v.door]


def test_the_api_lists_a_days_attempts_the_staff_may_see(web, store, faced):
    client = web.client()
    assert client.get(f"/api/attempts?date={DAY}").status == 401
    client.sign_in("prof")
    rows = client.get(f"/api/attempts?date={DAY}").json()
    assert [r["id"] for r in rows] == [faced["maya"], faced["nobody"]]  # CS101's, not ART2's
    first = rows[0]
    assert first["session"] == CS101 and first["time"].startswith("2026-11-25T09:03")
    assert first["candidates"] == [{"person_id": "maya", "score": 0.41}, {"person_id": "tom", "score": 0.2}]
    assert first["crop"] == f"/attempts/{faced['maya']}/crop.jpg" and first["state"] == "pending"
    assert client.get(f"/api/attempts?date={DAY}&class=ART2").status == 403
    assert client.get(f"/api/attempts?date={DAY}&class=NOPE").status == 404
    assert client.get("/api/attempts?date=2026-13-01").status == 400
    boss = web.client()
    boss.sign_in("boss")
    assert len(boss.get(f"/api/attempts?date={DAY}").json()) == 3


def test_pictures_go_only_to_staff_of_that_class_and_are_never_cached(web, store, faced):
    client = web.client()
    path = f"/attempts/{faced['art']}/crop.jpg"
    assert client.get(path).status in (303, 401)
    client.sign_in("prof")
    assert client.get(path).status == 403
    other = web.client()
    other.sign_in("other")
    reply = other.get(path)
    assert reply.status == 200 and reply.headers["content-type"] == "image/jpeg" and reply.body[:2] == b"\xff\xd8"
    assert "no-store" in reply.headers["cache-control"]
    assert other.get("/attempts/999/crop.jpg").status == 404


def test_this_is_maya_marks_her_confirmed_and_learns_her_face(web, store, faced):
    client = web.client()
    client.sign_in("prof")
    reply = client.post(f"/attempts/{faced['maya']}/confirm",
                        {"csrf": _token(client), "person_id": "maya", "back": "/attempts?date=2026-11-25"})
    assert reply.status == 303 and reply.headers["location"] == "/attempts?date=2026-11-25"
    row = store.query("SELECT status, method, made_by FROM attendance WHERE person_id = 'maya'")[0]
    assert tuple(row) == ("present", "confirmed", "prof")
    assert len(_door_refs(store, "maya")) == 1
    page = client.get("/attempts?date=2026-11-25").text
    assert "Maya Chen marked present; the face is now one of their door references." in page
    assert "Confirmed as <b>maya</b>" in page
    session = client.get(f"/session/{quote(CS101)}").text
    assert "confirmed from the door&#39;s picture" in session or "confirmed from the door's picture" in session


def test_a_refused_reference_is_409_and_the_mark_stands(web, store, faced):
    client = web.client()
    client.sign_in("prof")
    reply = client.post(f"/attempts/{faced['nobody']}/confirm", {"csrf": _token(client), "person_id": "tom"})
    assert reply.status == 409 and "does not match their enrolled photo" in reply.text
    assert store.query("SELECT method FROM attendance WHERE person_id = 'tom'")[0][0] == "confirmed"
    assert _door_refs(store, "tom") == []


def test_a_student_awaiting_enrolment_is_marked_with_no_reference(web, store, faced, faces):
    from kiosk.store import rosters, staff

    staff.add_person(store, Person("zoe", "Zoe New", "student"))  # on the roster, no photo yet
    rosters.add_students(store, "CS101", ["zoe"])
    client = web.client()
    client.sign_in("prof")
    reply = client.post(f"/attempts/{faced['nobody']}/confirm", {"csrf": _token(client), "person_id": "zoe"})
    assert reply.status == 409 and "door picture alone never makes a reference" in reply.text
    assert store.query("SELECT method FROM attendance WHERE person_id = 'zoe'")[0][0] == "confirmed"
    assert person_vectors(store, "zoe", "sface") == []


@pytest.mark.parametrize("case, status", [
    ("another instructor's class", 403), ("not on the roster", 400), ("unknown attempt", 404),
    ("twice", 409), ("picture missing", 404), ("forged form", 403), ("no person", 400),
])
def test_bad_confirmations_are_4xx_and_store_nothing(web, store, faced, case, status):
    client = web.client()
    client.sign_in("prof")
    token = _token(client)
    target, form = faced["maya"], {"csrf": token, "person_id": "maya"}
    if case == "another instructor's class":
        target, form["person_id"] = faced["art"], "ana"
    elif case == "not on the roster":
        form["person_id"] = "ana"
    elif case == "unknown attempt":
        target = 4242
    elif case == "twice":
        assert client.post(f"/attempts/{target}/confirm", form).status == 303
    elif case == "picture missing":
        stored.crop_path(store, stored.attempt(store, target).crop).unlink()
    elif case == "forged form":
        form["csrf"] = "forged"
    else:
        form["person_id"] = ""
    before = (store.query("SELECT count(*) FROM attendance")[0][0], store.query("SELECT count(*) FROM audit")[0][0],
              store.query("SELECT count(*) FROM embeddings")[0][0])
    reply = client.post(f"/attempts/{target}/confirm", form)
    assert reply.status == status, reply.text
    assert "Traceback" not in reply.text
    assert (store.query("SELECT count(*) FROM attendance")[0][0], store.query("SELECT count(*) FROM audit")[0][0],
            store.query("SELECT count(*) FROM embeddings")[0][0]) == before


def test_a_missing_picture_shows_a_placeholder_not_a_broken_image(web, store, faced):
    stored.crop_path(store, stored.attempt(store, faced["maya"]).crop).unlink()
    client = web.client()
    client.sign_in("prof")
    page = client.get(f"/session/{quote(CS101)}/attempts").text
    assert "picture missing" in page and f"/attempts/{faced['maya']}/crop.jpg" not in page
    assert client.get(f"/attempts/{faced['maya']}/crop.jpg").status == 404
    assert client.get(f"/api/attempts?date={DAY}").json()[0]["crop"] is None


def test_not_ours_dismiss_and_several_at_once(web, store, faced, faces):
    client = web.client()
    client.sign_in("boss")
    token = _token(client)
    assert client.post(f"/attempts/{faced['art']}/dismiss", {"csrf": token, "kind": "not_ours"}).status == 303
    assert stored.attempt(store, faced["art"]).state == "not_ours"
    more = [add_attempt(store, CS101, faces["obama2"]) for _ in range(2)]
    reply = client.post("/attempts/bulk", {"csrf": token, "action": "dismissed", "person_id": "",
                                           **{f"pick_{i}": "on" for i in [faced["nobody"], *more]}})
    assert reply.status == 303
    assert {stored.attempt(store, i).state for i in [faced["nobody"], *more]} == {"dismissed"}
    again = client.post("/attempts/bulk", {"csrf": token, "action": "confirm", "person_id": "maya",
                                           f"pick_{faced['maya']}": "on", f"pick_{more[0]}": "on"})
    assert again.status == 303
    flash = client.get("/attempts?date=2026-11-25").text
    assert "now one of their door references" in flash and f"attempt {more[0]} not changed" in flash
    assert client.post("/attempts/bulk", {"csrf": token, "action": "confirm", "person_id": "maya"}).status == 400
    assert client.post("/attempts/bulk", {"csrf": "x", "action": "dismissed", "pick_1": "on"}).status == 403


def test_door_references_are_listed_on_the_person_page_and_removed_one_by_one(web, store, faced):
    client = web.client()
    client.sign_in("boss")
    client.post(f"/attempts/{faced['maya']}/confirm", {"csrf": _token(client), "person_id": "maya"})
    (ref,) = _door_refs(store, "maya")
    page = client.get("/people/maya").text
    assert "Door reference" in page and f"/people/maya/references/{ref.id}/remove" in page
    reply = client.post(f"/people/maya/references/{ref.id}/remove", {"csrf": _token(client, "/people/maya")})
    assert reply.status == 303 and _door_refs(store, "maya") == []
    assert len(person_vectors(store, "maya", "sface")) == 1  # the enrolment photo stays
    enrolment = person_vectors(store, "maya", "sface")[0]
    assert client.post(f"/people/maya/references/{enrolment.id}/remove",
                       {"csrf": _token(client, "/people/maya")}).status == 400
