"""A session follows the store, not the sign-in (kiosk/web/auth.py, kiosk/web/context.py): every
request reads the person's role and PIN afresh, so a member demoted, removed, erased or given a new
PIN loses what they had at once, at the web or from the command line. Over real HTTP, on a real
SQLite file."""

from __future__ import annotations

import http.client

import pytest
from web_support import CS101, check_in, pin_hash

from kiosk.store import staff

NOT_STAFF = "no longer staff"
CHANGED = "role or PIN was changed"


@pytest.fixture
def head(web, store):
    """A second admin, so that the school keeps one whatever happens to the boss."""
    staff.add_staff(store, "head", "Ms Head", role="admin")
    with store.transaction() as conn:  # the boss's hash: scrypt is slow on purpose, one per run
        conn.execute("INSERT INTO pins (person_id, pin_hash, updated_at) VALUES ('head', ?, '')", (pin_hash("boss"),))
    client = web.client()
    client.sign_in("head", "7315")
    return client


def signed_in_as(web, person_id: str):
    client = web.client()
    client.sign_in(person_id)
    return client


def role_of(store, person_id: str) -> str | None:
    person = store.person(person_id)
    return person.role if person else None


def test_a_browser_signed_in_before_a_demotion_cannot_make_itself_admin_again(web, store, head):
    earlier = signed_in_as(web, "boss")
    token = earlier.csrf("/people/boss")
    assert head.post("/people/boss/role", {"csrf": head.csrf("/people/boss"), "role": "student"}).status == 303
    reply = earlier.post("/people/boss/role", {"csrf": token, "role": "admin"})
    assert reply.status == 401 and NOT_STAFF in reply.text
    assert role_of(store, "boss") == "student"
    assert earlier.get("/people").status == 303  # signed out: the cookie went with the 401, so to sign-in


def test_an_admin_who_demotes_themselves_to_student_is_signed_out_everywhere(web, store, head):
    here, elsewhere = signed_in_as(web, "boss"), signed_in_as(web, "boss")
    assert here.post("/people/boss/role", {"csrf": here.csrf("/people/boss"), "role": "student"}).status == 303
    for client in (here, elsewhere):
        reply = client.get("/today")
        assert reply.status == 401 and NOT_STAFF in reply.text
    assert role_of(store, "boss") == "student"


def test_stepping_down_to_instructor_takes_effect_here_and_signs_out_the_other_browsers(web, head):
    here, elsewhere = signed_in_as(web, "boss"), signed_in_as(web, "boss")
    assert here.post("/people/boss/role", {"csrf": here.csrf("/people/boss"), "role": "instructor"}).status == 303
    assert here.get("/people").status == 403  # the next request is an instructor's
    assert "Ms Boss · instructor" in here.get("/today").text
    reply = elsewhere.get("/staff")
    assert reply.status == 401 and CHANGED in reply.text


def test_a_demotion_from_the_command_line_takes_effect_on_the_next_request(web, store, head):
    boss = signed_in_as(web, "boss")
    assert boss.get("/people").status == 200
    staff.set_role(store, "boss", "instructor")  # as `main.py` or a pull from the central database writes it
    reply = boss.get("/people")
    assert reply.status == 401 and CHANGED in reply.text


@pytest.mark.parametrize("how", ["web remove", "cli remove", "web erase", "web student"])
def test_a_member_no_longer_staff_is_signed_out_with_a_message(web, store, cli, head, how):
    prof = signed_in_as(web, "prof")
    token = head.csrf("/staff")
    if how == "web remove":
        assert head.post("/staff/prof/remove", {"csrf": token, "confirm": "prof"}).status == 303
    elif how == "cli remove":
        assert cli("staff", "remove", "prof")[0] == 0
    elif how == "web erase":
        assert head.post("/people/prof/erase", {"csrf": token, "confirm": "prof"}).status == 303
    else:
        assert head.post("/people/prof/role", {"csrf": token, "role": "student"}).status == 303
    reply = prof.get(f"/session/{CS101}")
    assert reply.status == 401 and NOT_STAFF in reply.text and 'id="staff_id"' in reply.text  # the sign-in form
    assert prof.get("/api/attendance?date=2026-11-25").status == 401


def test_an_open_live_page_of_a_member_removed_at_the_web_is_told_it_is_signed_out(web, cfg, clock, head):
    prof = signed_in_as(web, "prof")
    conn = http.client.HTTPConnection("127.0.0.1", web.port, timeout=5)
    try:
        conn.request("GET", "/api/events", headers={"Cookie": f"staff_session={prof.cookies['staff_session']}"})
        stream = conn.getresponse()
        assert stream.status == 200 and stream.readline().startswith(b"retry: ")
        assert head.post("/staff/prof/remove", {"csrf": head.csrf("/staff"), "confirm": "prof"}).status == 303
        check_in(cfg, clock, "maya")  # wakes the stream (else its keep-alive would, within 15 s)
        while (line := stream.readline()) not in (b"", b"event: signed_out\n"):
            pass
        assert line == b"event: signed_out\n"
    finally:
        conn.close()


def test_a_pin_reset_signs_out_that_members_browsers(web, cli, head):
    prof = signed_in_as(web, "prof")
    assert head.post("/staff/prof/pin", {"csrf": head.csrf("/staff"), "pin": "8264", "pin_again": "8264"}).status == 303
    reply = prof.get("/today")
    assert reply.status == 401 and CHANGED in reply.text
    prof.sign_in("prof", "8264")
    assert cli("pin", "set", "prof", stdin="3917\n3917\n")[0] == 0  # from the command line too
    assert prof.get("/today").status == 401


def test_an_admin_who_resets_their_own_pin_stays_signed_in_here_only(web, head):
    here, elsewhere = signed_in_as(web, "boss"), signed_in_as(web, "boss")
    assert here.post("/staff/boss/pin", {"csrf": here.csrf("/staff"), "pin": "8264", "pin_again": "8264"}).status == 303
    assert here.get("/staff").status == 200
    assert elsewhere.get("/staff").status == 401


def test_other_changes_sign_nobody_out_and_a_new_name_shows_at_once(web, head):
    prof = signed_in_as(web, "prof")
    token = head.csrf("/people/prof")
    assert head.post("/people/prof/name", {"csrf": token, "name": "Prof Ada Lovelace"}).status == 303
    assert head.post("/people/maya/role", {"csrf": token, "role": "instructor"}).status == 303
    assert "Prof Ada Lovelace · instructor" in prof.get("/today").text
    assert head.get("/staff").status == 200


def test_the_role_is_read_once_per_request_by_primary_key(web, store, monkeypatch):
    from kiosk.web import context

    reads = []
    real = context.pin_holder
    monkeypatch.setattr(context, "pin_holder", lambda db, pid: reads.append(pid) or real(db, pid))
    boss = signed_in_as(web, "boss")
    token = boss.csrf("/people/maya")
    reads.clear()
    assert boss.post("/people/maya/name", {"csrf": token, "name": "Maya C"}).status == 303  # signed_form + require_admin
    assert reads == ["boss"]
