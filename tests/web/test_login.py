"""Signing in over real HTTP: the kiosk's PIN hashes and its shared lockout, cookies,
idle sessions, sign-out (and saying so), coming back to the page after signing in again (never
to another site), roles, and nothing secret in the logs."""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import quote

import pytest
from web_support import ART2, CS101, PINS

from kiosk.staff.desk import StaffDesk
from kiosk.messages.desk import PIN_WRONG, CheckPin
from kiosk.store.audit import audit_entries


def test_healthz_answers_without_a_login(web):
    reply = web.client().get("/healthz")
    assert (reply.status, reply.text) == (200, "ok")


def test_a_right_pin_sets_a_strict_http_only_cookie_and_redirects(web):
    reply = web.client().login({"staff_id": "prof", "pin": PINS["prof"]})
    assert reply.status == 303 and reply.headers["location"] == "/today"
    cookie = reply.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on 127.0.0.1; served with --certfile it is Secure


def test_a_wrong_pin_and_an_unknown_id_get_the_same_answer(web, store):
    client = web.client()
    wrong = client.login({"staff_id": "prof", "pin": "1111"})
    nobody = client.login({"staff_id": "no-such-person", "pin": "1111"})
    student = client.login({"staff_id": "maya", "pin": "1111"})  # exists, but has no PIN
    assert wrong.status == nobody.status == student.status == 401
    assert wrong.body == nobody.body == student.body
    assert "set-cookie" not in wrong.headers
    assert [a.target_id for a in audit_entries(store, "pin_wrong")] == ["maya", "no-such-person", "prof"]


def test_five_wrong_pins_lock_the_id_with_retry_after_even_for_the_right_pin(web):
    client = web.client()
    statuses = [client.login({"staff_id": "prof", "pin": "1111"}).status for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = client.login({"staff_id": "prof", "pin": PINS["prof"]})
    assert locked.status == 429 and 25 <= int(locked.headers["retry-after"]) <= 30
    assert client.login({"staff_id": "boss", "pin": PINS["boss"]}).status == 303  # others unaffected


def test_unknown_ids_lock_the_same_way(web):
    client = web.client()
    statuses = [client.login({"staff_id": "ghost", "pin": "1111"}).status for _ in range(6)]
    assert statuses == [401, 401, 401, 401, 429, 429]


def test_wrong_pins_at_the_web_lock_that_instructor_out_at_the_door(web, cfg, clock, store):
    client = web.client()
    for _ in range(cfg.pin.max_tries):
        client.login({"staff_id": "prof", "pin": "0000"})
    desk = StaffDesk(store, cfg, clock)  # the door's keypad
    (verdict,) = desk.handle(CheckPin(PINS["prof"]))
    # Prof's own PIN no longer opens it (and says only "wrong": a locked PIN is never confirmed) ...
    assert not verdict.ok and verdict.refusal == PIN_WRONG
    (verdict,) = desk.handle(CheckPin(PINS["boss"]))
    assert verdict.ok and verdict.role == "admin"  # ... while the admin, not locked, still gets in


def test_wrong_pins_at_the_door_lock_the_keypad_but_not_the_web_login(web, cfg, clock, store):
    desk = StaffDesk(store, cfg, clock)
    for _ in range(cfg.pin.max_tries):
        desk.handle(CheckPin("0000"))  # prof is the instructor of the class on now
    assert web.client().login({"staff_id": "prof", "pin": PINS["prof"]}).status == 303


def test_signing_out_needs_the_csrf_token_and_ends_the_session(web):
    client = web.client()
    client.sign_in("prof")
    token = client.csrf()
    kept = dict(client.cookies)
    assert client.post("/logout", {}).status == 403
    assert client.post("/logout", {"csrf": "forged"}).status == 403
    assert client.post("/logout", {"csrf": token}).status == 303
    client.cookies = kept  # replaying the old cookie
    reply = client.get("/today")
    assert reply.status == 401 and "sign in again" in reply.text


def test_an_idle_session_ends(web):
    ticks = {"t": 0.0}
    web.state.sessions.now = lambda: ticks["t"]
    client = web.client()
    client.sign_in("prof")
    ticks["t"] += web.state.sessions.idle_s - 1
    assert client.get("/today").status == 200  # activity restarts the idle clock
    ticks["t"] += web.state.sessions.idle_s + 1
    assert client.get("/today").status == 401
    assert client.get("/api/attendance?date=2026-11-25").status == 401


def test_without_a_cookie_a_page_sends_you_to_sign_in(web):
    reply = web.client().get("/today")
    assert reply.status == 303 and reply.headers["location"] == "/login"


def test_an_instructor_sees_only_their_classes_and_an_admin_all(web):
    prof = web.client()
    prof.sign_in("prof")
    today = prof.get("/today").text
    assert CS101 in today and ART2 not in today
    assert prof.get(f"/session/{ART2}").status == 403
    assert prof.get("/class/ART2").status == 403
    assert prof.get("/api/attendance?date=2026-11-25&class=ART2").status == 403
    boss = web.client()
    boss.sign_in("boss")
    today = boss.get("/today").text
    assert CS101 in today and ART2 in today
    assert boss.get(f"/session/{ART2}").status == 200


def test_no_pin_hash_or_session_id_is_logged(web, store, caplog):
    caplog.set_level(logging.DEBUG)
    client = web.client()
    client.login({"staff_id": "prof", "pin": "9731"})
    client.sign_in("prof")
    client.get("/today")
    client.post("/logout", {"csrf": client.csrf()})
    hashes = [r[0] for r in store.query("SELECT pin_hash FROM pins")]
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "web sign-in by prof" in text  # the log does say who signed in
    for secret in [PINS["prof"], "9731", *hashes, *(h.split("$")[-1] for h in hashes)]:
        assert secret not in text
    audit = " ".join(f"{a.detail} {a.target_id}" for a in audit_entries(store))
    assert "9731" not in audit and PINS["prof"] not in audit


@pytest.fixture
def tokens_in(web):
    """Every session token the server holds (to look for them in logs)."""
    return lambda: list(web.state.sessions._logins)


def test_session_tokens_are_not_logged(web, caplog, tokens_in):
    caplog.set_level(logging.DEBUG)
    client = web.client()
    client.sign_in("boss")
    client.get("/today")
    client.get("/api/attendance?date=2026-11-25")
    (token,) = tokens_in()
    assert all(token not in r.getMessage() for r in caplog.records)


def sign_in_form(reply) -> str:
    """Where the sign-in form on this page posts to."""
    found = re.search(r'<form class="login" method="post" action="([^"]*)"', reply.text)
    assert found, reply.text
    return html.unescape(found.group(1))


def sign_in_with(client, action: str, staff_id: str = "prof"):
    token = client.login_token()
    return client.post(action, {"csrf": token, "staff_id": staff_id, "pin": PINS[staff_id]})


def test_signing_out_says_so_on_the_sign_in_page(web):
    client = web.client()
    client.sign_in("prof")
    reply = client.post("/logout", {"csrf": client.csrf()})
    assert reply.status == 303 and reply.headers["location"] == "/login?why=signed-out"
    page = client.get(reply.headers["location"])
    assert page.status == 200 and 'id="flash"' in page.text and "You are signed out." in page.text
    for plain in ("/login", "/login?why=%3Cb%3Ehi%3C%2Fb%3E"):  # only a fixed note is shown, never the text sent
        assert 'id="flash"' not in client.get(plain).text and "hi</b>" not in client.get(plain).text


def test_signing_in_again_after_the_session_ended_goes_back_to_the_page(web):
    ticks = {"t": 0.0}
    web.state.sessions.now = lambda: ticks["t"]
    client = web.client()
    client.sign_in("prof")
    ticks["t"] += web.state.sessions.idle_s + 1
    page = f"/session/{quote(CS101)}?view=roster&x=%2F"
    expired = client.get(page)
    assert expired.status == 401 and "sign in again" in expired.text
    reply = sign_in_with(client, sign_in_form(expired))
    assert reply.status == 303 and reply.headers["location"] == page
    assert client.get(page).status == 200


def test_a_form_sent_after_the_session_ended_goes_back_to_the_page_it_was_on(web):
    ticks = {"t": 0.0}
    web.state.sessions.now = lambda: ticks["t"]
    client = web.client()
    client.sign_in("prof")
    token = client.csrf()
    ticks["t"] += web.state.sessions.idle_s + 1
    page = f"/session/{quote(CS101)}"
    mine = client.post(f"{page}/mark", {"csrf": token}, headers={"Referer": f"http://127.0.0.1:{web.port}{page}"})
    assert mine.status == 401 and sign_in_form(mine) == f"/login?next={quote(page, safe='/')}"
    client.sign_in("prof")
    ticks["t"] += web.state.sessions.idle_s + 1
    elsewhere = client.post(f"{page}/mark", {"csrf": token}, headers={"Referer": f"http://evil.example{page}"})
    assert elsewhere.status == 401 and sign_in_form(elsewhere) == "/login"


def test_a_first_visit_to_a_page_signs_in_and_lands_there(web):
    client = web.client()
    reply = client.get("/class/CS101?from=2026-11-01")
    assert reply.status == 303 and reply.headers["location"] == "/login?next=/class/CS101%3Ffrom%3D2026-11-01"
    form = client.get(reply.headers["location"])
    assert sign_in_form(form) == "/login?next=/class/CS101%3Ffrom%3D2026-11-01"
    assert sign_in_with(client, sign_in_form(form)).headers["location"] == "/class/CS101?from=2026-11-01"
    signed_in_already = client.get("/login?next=/kiosks")
    assert signed_in_already.status == 303 and signed_in_already.headers["location"] == "/kiosks"


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "/\t/evil.example",
                                    "https://evil.example/", "http:/evil.example", "javascript:alert(1)",
                                    "evil.example", "/login", "/logout", "/today\r\nSet-Cookie: x=1", "/" + "a" * 600,
                                    "/people/\u00e9"])
def test_sign_in_never_sends_a_browser_to_another_site(web, target):
    client = web.client()
    reply = sign_in_with(client, f"/login?next={quote(target, safe='')}")
    assert reply.status == 303 and reply.headers["location"] == "/today"
    assert client.get(f"/login?next={quote(target, safe='')}").headers["location"] == "/today"
    client.post("/logout", {"csrf": client.csrf()})
    token = client.login_token()
    wrong = client.post(f"/login?next={quote(target, safe='')}", {"csrf": token, "staff_id": "prof", "pin": "1111"})
    assert wrong.status == 401 and sign_in_form(wrong) == "/login"  # the form shown again keeps no bad target


def test_the_sign_in_form_says_why_a_live_page_sent_it_there(web):
    page = web.client().get("/login?why=ended&next=/session/CS101").text
    assert "Your session ended" in page and "/session/CS101" in page  # the form goes back there
    assert "Your session ended" not in web.client().get("/login?why=<script>").text  # a fixed note, never echoed
