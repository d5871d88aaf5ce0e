"""The console's class pages over real HTTP (the real app under uvicorn, a real SQLite file):
a class is found by its whole code, never by a shorter one, and a code is one path segment."""

from __future__ import annotations

from datetime import time as dtime

import pytest
from web_support import DAY

from kiosk.enrolment.rules import MAX_ID_LEN
from kiosk.model import Schedule

LONG = "SCIENCE-" + "7" * 92  # 100 characters: the command line took such codes before the id rule
SHORT = LONG[:40]  # what the console used to cut LONG down to


def test_a_code_longer_than_the_rule_is_refused_and_never_cut_to_another_class(boss, store):
    store.add_class(LONG, "Long", [])
    store.add_class(SHORT, "Short", ["tom"])
    token = boss.csrf("/classes")
    for what, form in (("roster-add", {"students": "maya"}), ("edit", {"name": "Renamed", "room": "Z9"}),
                       ("roster-remove", {"students": "tom"}), ("remove", {"confirm": SHORT})):
        reply = boss.post(f"/class/{LONG}/{what}", {"csrf": token, **form})
        assert reply.status == 404 and f"at most {MAX_ID_LEN} characters" in reply.text, what
    assert boss.get(f"/class/{LONG}").status == 404
    short = store.class_record(SHORT)
    assert (short.name, short.room, short.roster) == ("Short", "", frozenset({"tom"}))
    assert store.class_record(LONG).roster == frozenset()


def test_a_new_code_longer_than_the_rule_is_a_400_with_the_form_kept(boss, store):
    token = boss.csrf("/classes")
    code = "N" * (MAX_ID_LEN + 1)
    reply = boss.post("/classes", {"csrf": token, "code": code, "name": "Too long"})
    assert reply.status == 400 and f"longer than {MAX_ID_LEN} characters" in reply.text
    assert 'value="Too long"' in reply.text
    assert not [c for c in store.classes() if c.startswith("N")]
    assert boss.post("/classes", {"csrf": token, "code": code[:MAX_ID_LEN], "name": "Fits"}).status == 303
    assert store.class_record(code[:MAX_ID_LEN]).name == "Fits"


def test_a_code_with_a_slash_made_before_the_rule_keeps_its_pages(boss, store):
    store.add_class("C/D", "Slashed", ["maya"], room="D4")
    store.add_schedule(Schedule("C/D", dtime(11), dtime(12), "Europe/London", on_date=DAY))
    assert 'href="/class/C%2FD"' in boss.get("/classes").text
    page = boss.get("/class/C%2FD")
    assert page.status == 200 and "Slashed" in page.text and 'action="/class/C%2FD/edit"' in page.text
    token = boss.csrf("/class/C%2FD")
    reply = boss.post("/class/C%2FD/roster-add", {"csrf": token, "students": "lin"})
    assert reply.status == 303 and reply.headers["location"] == "/class/C%2FD"
    assert boss.post("/class/C%2FD/edit", {"csrf": token, "name": "Still slashed", "room": "D4"}).status == 303
    record = store.class_record("C/D")
    assert record.name == "Still slashed" and record.roster == {"maya", "lin"}
    today = boss.get("/today").text  # its meeting's link, and the register it opens
    assert 'href="/session/C%2FD%402026-11-25T11%3A00Z"' in today
    assert boss.get("/session/C%2FD%402026-11-25T11%3A00Z").status == 200
    assert boss.get("/class/C/D").status == 405  # unencoded, it is another route: links never send it


@pytest.mark.parametrize("code", ["E/F", "E F", "/E"])
def test_a_new_code_follows_the_person_id_rule(boss, store, code):
    token = boss.csrf("/classes")
    reply = boss.post("/classes", {"csrf": token, "code": code, "name": "Odd"})
    assert reply.status == 400 and "may use only letters, digits" in reply.text
    assert store.class_record(code) is None
