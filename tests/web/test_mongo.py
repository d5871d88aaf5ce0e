"""The same web view reading the central MongoDB (SecantusDB over the wire protocol, or
KIOSK_TEST_MONGO_URI), with two kiosks' data: door-1 in B12 holds CS101, door-2 in C3
holds ART2. The web view runs on door-1's data folder."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time as dtime, timedelta, timezone
from urllib.parse import quote

import numpy as np
import pytest
from sync_support import CentralServer, kiosk_config
from test_api import EventReader, as_text, cookie_of
from web_support import ART2, CS101, DAY, STUDENTS, RunningWeb, clock_at, pin_hash

from kiosk.attendance.service import AttendanceService
from kiosk.cli.main import main
from kiosk.model import ClassInfo, Schedule, meeting
from kiosk.store.sessions import Actor, mark_manual
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.sync import central_writes as admin
from kiosk.sync.central import Central
from kiosk.sync.engine import SyncEngine


class Door:
    """One kiosk: its own data folder and config, syncing with the central server."""

    def __init__(self, tmp_path, server: CentralServer, kiosk_id: str, room: str):
        self.cfg = kiosk_config(tmp_path / kiosk_id, server, kiosk_id=kiosk_id, room=room) \
            .replace("kiosk", id=kiosk_id, room=room, timezone="Europe/London")
        self.store = SqliteStore.in_dir(self.cfg.data_dir)

    def sync(self) -> None:
        engine = SyncEngine(self.store, self.cfg, clock=clock_at(10, 0))  # the school day of these tests
        try:
            report = engine.cycle()
            assert report.complete, report.error
        finally:
            engine.close()

    def hold(self, code: str, name: str, room: str, start: dtime, end: dtime, clock) -> None:
        """Open the meeting as the scheduler does (the class and room are the door's own)."""
        schedule = Schedule(code, start, end, "Europe/London", on_date=DAY)
        self.store.activate_session(meeting(schedule, DAY, ClassInfo(code, name, room), timedelta(minutes=10)))
        self.clock = clock

    def check_in(self, person_id: str, clock) -> None:
        AttendanceService(self.store, self.cfg, clock).check_in(person_id, STUDENTS[person_id], 0.9, 0.0)

    def export(self, capsys) -> list[dict]:
        assert main(["--data-dir", str(self.cfg.data_dir), "attendance", "export", "--date", DAY.isoformat()]) == 0
        return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def seed(central: Central) -> None:
    central.init_schema()
    vector = np.ones((1, 4), np.float32)
    for pid, name in STUDENTS.items():
        admin.enroll_person(central, Person(pid, name, "student"), "sface", vector, ["a.jpg"])
    for pid, name, role in (("prof", "Prof Ada", "instructor"), ("other", "Prof Bo", "instructor"),
                            ("boss", "Ms Boss", "admin")):
        admin.enroll_person(central, Person(pid, name, role), "sface", vector, ["a.jpg"])
        admin.set_pin_hash(central, pid, pin_hash(pid))
    admin.add_class(central, "CS101", "Intro to Computing", ["maya", "lin", "tom"], room="B12", instructor_id="prof")
    admin.add_class(central, "ART2", "Drawing", ["ana", "tom"], room="C3", instructor_id="other")
    admin.add_schedule(central, Schedule("CS101", dtime(9), dtime(10), "Europe/London", on_date=DAY))
    admin.add_schedule(central, Schedule("ART2", dtime(9, 30), dtime(10, 30), "Europe/London", on_date=DAY))


@pytest.fixture
def doors(tmp_path, central_server):
    central = Central.open(kiosk_config(tmp_path / "admin", central_server).mongo)
    seed(central)
    central.close()
    one, two = Door(tmp_path, central_server, "door-1", "B12"), Door(tmp_path, central_server, "door-2", "C3")
    for door in (one, two):
        door.sync()  # pull people, classes, schedules and PIN hashes
    one.hold("CS101", "Intro to Computing", "B12", dtime(9), dtime(10), clock_at(9, 3))
    two.hold("ART2", "Drawing", "C3", dtime(9, 30), dtime(10, 30), clock_at(9, 25))
    one.check_in("maya", clock_at(9, 3))
    one.check_in("lin", clock_at(9, 8))  # late
    two.check_in("ana", clock_at(9, 31))
    two.check_in("tom", clock_at(9, 32))
    for door in (one, two):
        door.sync()  # push sessions, check-ins and heartbeats
    yield one, two
    for door in (one, two):
        door.store.close()


@pytest.fixture
def central_web(doors):
    one, _ = doors
    running = RunningWeb(one.cfg, clock_at(9, 35), poll_s=0.2)
    yield running
    running.stop()


@pytest.fixture
def boss(central_web):
    client = central_web.client()
    client.sign_in("boss")  # with the PIN hash door-1 pulled from the central database
    return client


def test_today_shows_every_kiosks_sessions(central_web, boss):
    assert central_web.state.source.name == "mongo"
    page = boss.get("/today").text
    cs101 = page[page.index(f'data-session="{CS101}"'):page.index(f'data-session="{ART2}"')]
    art2 = page[page.index(f'data-session="{ART2}"'):]
    assert "kiosk door-1" in cs101 and 'data-count="present">1<' in cs101 and 'data-count="late">1<' in cs101
    assert "kiosk door-2" in art2 and 'data-count="present">2<' in art2 and "Room C3" in art2
    assert "the central database (every kiosk)" in page


def test_the_api_gives_both_kiosks_rows_as_their_exports_do(doors, boss, capsys):
    one, two = doors
    rows = boss.get("/api/attendance?date=2026-11-25").json()
    expected = one.export(capsys) + two.export(capsys)
    assert sorted(map(str, as_text(rows))) == sorted(map(str, expected))
    # By session start, then time; tom is on CS101's list and not seen there yet.
    assert [(r["person_id"], r["status"]) for r in rows] == [("maya", "present"), ("lin", "late"), ("tom", "not yet"),
                                                             ("ana", "present"), ("tom", "present")]
    art2 = boss.get("/api/attendance?date=2026-11-25&class=ART2").json()
    assert {r["person_id"] for r in art2} == {"ana", "tom"}


def test_roles_hold_against_the_central_data_too(central_web):
    other = central_web.client()
    other.sign_in("other")
    today = other.get("/today").text
    assert ART2 in today and CS101 not in today
    assert other.get("/api/attendance?date=2026-11-25&class=CS101").status == 403


def test_kiosks_shows_both_heartbeats_and_flags_a_stale_one(central_web, central_server, boss):
    db = central_server.db()
    db.kiosks.update_one({"_id": "door-2"}, {"$set": {"last_seen": datetime.now(timezone.utc) - timedelta(hours=1)}})
    page = boss.get("/kiosks").text
    one = page[page.index("<td>door-1</td>"):page.index("<td>door-2</td>")]
    two = page[page.index("<td>door-2</td>"):]
    assert "B12" in one and "<td>ok</td>" in one and ">stale<" not in one
    assert "C3" in two and ">stale<" in two


def test_check_ins_and_marks_at_either_door_reach_the_stream(doors, central_web, boss):
    one, two = doors
    stream = EventReader(central_web.port, cookie_of(boss), timeout=5.0)
    try:
        one.check_in("tom", clock_at(9, 40))  # a face check-in at door-1 ...
        one.sync()  # ... pushed centrally
        _, change = stream.next()
        assert (change["session_id"], change["person_id"], change["status"]) == (CS101, "tom", "late")
        mark_manual(two.store, ART2, "ana", "absent", Actor("other", "door-2"), clock_at(9, 50)(),
                    reason="web: went home ill")  # an instructor's correction at door-2
        two.sync()
        _, change = stream.next()
        assert (change["session_id"], change["person_id"], change["status"], change["method"]) == \
            (ART2, "ana", "absent", "manual")
    finally:
        stream.close()


def test_a_mark_fixed_here_reaches_the_central_database_and_a_remote_one_says_where(doors, central_web, boss,
                                                                                   central_server):
    one, _ = doors
    token = boss.csrf(f"/session/{quote(CS101)}")
    reply = boss.post(f"/session/{quote(CS101)}/mark", {"csrf": token, "person_id": "tom", "status": "present",
                                                       "reason": "was in the library"})
    assert reply.status == 303
    one.sync()
    doc = central_server.db().attendance.find_one({"_id": f"{CS101}|tom"})
    assert (doc["status"], doc["method"], doc["made_by"]) == ("present", "manual", "boss")
    page = boss.get(f"/session/{quote(CS101)}").text
    assert "web: was in the library" in page  # the note comes back from the central audit rows



def test_a_mark_on_the_central_web_reaches_the_door_that_held_the_session_once(doors, central_web, boss):
    one, two = doors
    remote = boss.get(f"/session/{quote(ART2)}").text  # held at door-2, in this machine's timetable
    assert f'action="/session/{quote(ART2)}/mark"' in remote
    token = boss.csrf(f"/session/{quote(ART2)}")
    reply = boss.post(f"/session/{quote(ART2)}/mark", {"csrf": token, "person_id": "ana", "status": "excused",
                                                       "reason": "dentist"})
    assert reply.status == 303
    one.sync()  # the web view's own sync pushes it too; here, at once
    two.sync()
    rows = two.store.query("SELECT status, method, made_by, reason FROM attendance WHERE session_id = ?"
                           " AND person_id = 'ana'", (ART2,))
    assert [tuple(r) for r in rows] == [("excused", "manual", "boss", "web: dentist")]
    two.sync()
    assert len(two.store.query("SELECT * FROM attendance WHERE session_id = ? AND person_id = 'ana'", (ART2,))) == 1


def test_an_unreachable_central_database_is_a_503_page(central_web, central_server, boss):
    central_server.stop()
    reply = boss.get("/today")
    assert reply.status == 503 and "central database" in reply.text and "Traceback" not in reply.text
    assert boss.get("/api/attendance?date=2026-11-25").status == 503
