"""The console on the central database (SecantusDB over the wire protocol, or
KIOSK_TEST_MONGO_URI), with two doors: door-1 serves B12, door-2 serves C3, and the
console runs in the office, a machine with no door of its own. Every change is made
centrally and reaches both doors on their next pull; with the central database down a
change is refused and nothing is written anywhere."""

from __future__ import annotations

import pytest
from sync_support import kiosk_config
from test_console import add_person, photo
from test_mongo import Door
from web_support import RunningWeb, clock_at, pin_hash

from kiosk.store import staff
from kiosk.store.embeddings import models_of
from kiosk.store.pins import pin_holders
from kiosk.store.sqlite_store import Person
from kiosk.sync import central_writes as admin
from kiosk.sync.central import Central


@pytest.fixture
def school(tmp_path, central_server):
    central = Central.open(kiosk_config(tmp_path / "seed", central_server).mongo)
    central.init_schema()
    admin.add_person(central, Person("boss", "Ms Boss", "admin"))
    admin.set_pin_hash(central, "boss", pin_hash("boss"))
    central.close()
    doors = [Door(tmp_path, central_server, "door-1", "B12"), Door(tmp_path, central_server, "door-2", "C3")]
    office = Door(tmp_path, central_server, "office", "")
    office.sync()  # the admin's PIN hash, to sign in with
    web = RunningWeb(office.cfg, clock_at(8, 0))
    boss = web.client()
    boss.sign_in("boss")
    yield boss, doors, office, central_server
    web.stop()
    for door in (*doors, office):
        door.store.close()


def central_doc(server, collection: str, key: str) -> dict | None:
    client = server.client()
    try:
        return client[server.database][collection].find_one({"_id": key})
    finally:
        client.close()


def test_every_console_change_is_made_centrally_and_reaches_both_doors(school, shared):
    boss, doors, office, server = school
    reply = add_person(boss, {"person_id": "obama", "name": "Barack Obama", "role": "student", "consent_by": "self"},
                       [("obama.jpg", photo(shared, "obama.jpg")), ("obama2.jpg", photo(shared, "obama2.jpg"))])
    assert reply.status == 303, reply.text
    token = boss.csrf("/classes")
    assert boss.post("/classes", {"csrf": token, "code": "HIST", "name": "History", "room": "b12",
                                  "students": "obama"}).status == 303
    assert boss.post("/timetable", {"csrf": token, "class_code": "HIST", "start": "09:00", "end": "10:00",
                                    "day_mon": "mon", "day_wed": "wed"}).status == 303
    assert boss.post("/timetable/cancel", {"csrf": token, "class_code": "HIST", "from": "2026-12-21",
                                           "until": "2026-12-27", "reason": "winter break"}).status == 303
    assert boss.post("/staff", {"csrf": token, "person_id": "prof", "name": "Prof Ada"}).status == 303
    assert boss.post("/staff/prof/pin", {"csrf": token, "pin": "8264", "pin_again": "8264"}).status == 303
    assert boss.post("/class/HIST/edit", {"csrf": token, "name": "History", "room": "B12",
                                          "instructor": "prof"}).status == 303
    assert boss.post("/people/obama/name", {"csrf": token, "name": "Barack H. Obama"}).status == 303

    assert central_doc(server, "people", "obama")["name"] == "Barack H. Obama"  # central first
    for door in doors:
        door.sync()
        store = door.store
        assert store.person("obama").name == "Barack H. Obama"
        models = models_of(store, "obama")  # every installed model's vectors, both photos each
        assert models and all(store.embedding_counts(m).get("obama") == 2 for m in models)
        hist = store.class_record("HIST")
        assert (hist.room, hist.instructor_id, hist.roster) == ("B12", "prof", {"obama"})
        (schedule,) = [s for s in store.schedules() if s.class_code == "HIST"]
        assert {d.isoformat() for d in schedule.cancelled} == {"2026-12-21", "2026-12-23"}
        assert "prof" in [p.id for p, _ in pin_holders(store, ["prof"])]  # (and the admin, at any door)

    assert boss.post("/people/obama/erase", {"csrf": token, "confirm": "obama"}).status == 303
    for door in doors:
        door.sync()
        assert door.store.person("obama") is None and door.store.class_record("HIST").roster == set()


def test_with_the_central_database_down_a_change_is_refused_and_nothing_is_written(school):
    boss, doors, office, server = school
    token = boss.csrf("/classes")
    server.stop()
    reply = boss.post("/classes", {"csrf": token, "code": "ART9", "name": "Art", "room": "C3"})
    assert reply.status == 503 and "nothing was changed" in reply.text and "Traceback" not in reply.text
    assert office.store.class_record("ART9") is None
    server.start()
    assert central_doc(server, "classes", "ART9") is None
    assert boss.post("/classes", {"csrf": token, "code": "ART9", "name": "Art", "room": "C3"}).status == 303
    doors[1].sync()
    assert doors[1].store.class_record("ART9").room == "C3"
    assert staff.staff_members(doors[1].store)[0].id == "boss"


def test_cancel_this_day_cancels_one_meeting_centrally_and_never_one_a_door_held(school):
    boss, doors, office, server = school
    token = boss.csrf("/classes")
    assert boss.post("/classes", {"csrf": token, "code": "HIST", "name": "History", "room": "B12"}).status == 303
    for start, end in (("09:00", "10:00"), ("14:00", "15:00")):
        assert boss.post("/timetable", {"csrf": token, "class_code": "HIST", "start": start, "end": end,
                                        "day_wed": "wed"}).status == 303
    ids = {f"{s.start:%H:%M}": s.id for s in office.store.schedules() if s.class_code == "HIST"}
    form = {"csrf": token, "class_code": "HIST", "from": "2026-12-02"}
    assert boss.post("/timetable/cancel", {**form, "schedule_id": str(ids["14:00"])}).status == 303
    docs = {d["start"]: d.get("cancelled") for d in _schedules(server, "HIST")}
    assert docs == {"09:00": None, "14:00": ["2026-12-02"]}
    client = server.client()  # a door held the 09:00 meeting and pushed its session
    try:
        client[server.database]["sessions"].insert_one({"_id": "HIST@2026-12-02T09:00Z", "class_code": "HIST"})
    finally:
        client.close()
    for extra in ({"schedule_id": str(ids["09:00"])}, {}):
        reply = boss.post("/timetable/cancel", {**form, **extra})
        assert reply.status == 400 and "HIST on 2026-12-02 at 09:00 is already held" in reply.text
    assert {d["start"]: d.get("cancelled") for d in _schedules(server, "HIST")} == docs


def _schedules(server, code: str) -> list[dict]:
    client = server.client()
    try:
        return list(client[server.database]["schedules"].find({"class_code": code}))
    finally:
        client.close()
