"""The HTTP contract: /api/attendance gives the CLI export's rows; /api/events carries
each check-in the attendance service writes, and resumes where a browser left off."""

from __future__ import annotations

import csv
import http.client
import io
import json
import socket
import threading

import pytest
from web_support import CS101, Client, check_in, clock_at

from kiosk.attendance.service import AttendanceService
from kiosk.reports.rows import EXPORT_COLUMNS
from kiosk.store.sqlite_store import SqliteStore


def exported(cli, *args) -> list[dict]:
    code, out, err = cli("attendance", "export", *args)
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def as_text(rows: list[dict]) -> list[dict]:
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]


def test_without_a_session_the_api_answers_401_json(web):
    reply = web.client().get("/api/attendance?date=2026-11-25")
    assert reply.status == 401 and reply.json()["error"] == "sign in first"


def test_the_api_gives_the_same_rows_as_attendance_export(web, cfg, clock, cli):
    check_in(cfg, clock, "maya")
    check_in(cfg, clock_at(9, 12), "lin")  # late
    client = web.client()
    client.sign_in("boss")
    rows = client.get("/api/attendance?date=2026-11-25").json()
    # Tom is on CS101's list and not seen yet: the export lists him too, as "not yet".
    assert [(r["person_id"], r["status"]) for r in rows] == [("maya", "present"), ("lin", "late"), ("tom", "not yet")]
    assert set(rows[0]) >= {"person_id", "name", "class", "session_start", "status", "checked_in_at", "method"}
    assert list(rows[0]) == EXPORT_COLUMNS
    assert as_text(rows) == exported(cli, "--date", "2026-11-25")
    assert as_text(client.get("/api/attendance?date=2026-11-25&class=CS101").json()) == \
        exported(cli, "--date", "2026-11-25", "--class", "CS101")
    assert client.get("/api/attendance?date=2026-11-26").json() == []


def test_an_instructor_gets_only_their_classes_rows(web, cfg, clock):
    check_in(cfg, clock, "maya")
    client = web.client()
    client.sign_in("other")  # teaches ART2 only
    assert client.get("/api/attendance?date=2026-11-25").json() == []


@pytest.mark.parametrize("query, status, words", [
    ("", 400, "date is required"),
    ("?date=25/11/2026", 400, "is not a date in YYYY-MM-DD"),
    ("?date=2026-02-30", 400, "is not a date in YYYY-MM-DD"),
    ("?date=2026-11-25&class=NOPE", 404, "unknown class 'NOPE'"),
])
def test_bad_api_queries_get_json_errors(web, query, status, words):
    client = web.client()
    client.sign_in("boss")
    reply = client.get("/api/attendance" + query)
    assert reply.status == status and reply.headers["content-type"] == "application/json"
    assert words in reply.json()["error"]


class EventReader:
    """A raw text/event-stream connection, read frame by frame with a deadline."""

    def __init__(self, port: int, cookie: str, last_event_id: str | None = None, timeout: float = 2.0):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        headers = {"Cookie": cookie, "Accept": "text/event-stream"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        self.conn.request("GET", "/api/events", headers=headers)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("content-type").startswith("text/event-stream")

    def next(self, event: str = "attendance") -> tuple[str | None, dict]:
        """The next frame of this type (socket timeout = the deadline)."""
        while True:
            fields: dict[str, str] = {}
            while (line := self.response.readline().decode()) not in ("\n", ""):
                key, _, value = line.rstrip("\n").partition(": ")
                fields[key] = value
            if fields.get("event") == event:
                return fields.get("id"), json.loads(fields["data"])

    def close(self) -> None:
        self.conn.close()


def cookie_of(client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def test_a_check_in_reaches_the_event_stream_within_2_s(web, cfg, clock):
    client = web.client()
    client.sign_in("prof")
    stream = EventReader(web.port, cookie_of(client), timeout=2.0)
    try:
        check_in(cfg, clock, "lin")  # the attendance service, on its own connection, as at the door
        _, change = stream.next()  # raises socket.timeout after 2 s without it
        assert (change["person_id"], change["name"], change["status"], change["session_id"]) == \
            ("lin", "Lin Miranda", "present", CS101)
        assert change["checked_in_at"].startswith("2026-11-25T09:03")
    finally:
        stream.close()


def test_a_reconnecting_stream_gets_what_it_missed(web, cfg, clock):
    client = web.client()
    client.sign_in("prof")
    first = EventReader(web.port, cookie_of(client))
    check_in(cfg, clock, "maya")
    last_id, _ = first.next()
    first.close()
    check_in(cfg, clock, "lin")
    check_in(cfg, clock, "tom")
    again = EventReader(web.port, cookie_of(client), last_event_id=last_id)
    try:
        assert [again.next()[1]["person_id"] for _ in range(2)] == ["lin", "tom"]
    finally:
        again.close()


def test_an_id_from_another_run_of_the_server_asks_the_page_to_reload(web):
    client = web.client()
    client.sign_in("prof")
    stream = EventReader(web.port, cookie_of(client), last_event_id="0123abcd.17")
    try:
        assert stream.next("reset")[1] == {"reason": "restarted"}
    finally:
        stream.close()


def test_an_instructors_stream_carries_only_their_classes(web, cfg, store, clock):
    client = web.client()
    client.sign_in("other")  # ART2
    stream = EventReader(web.port, cookie_of(client), timeout=1.0)
    try:
        check_in(cfg, clock, "maya")  # CS101
        with pytest.raises((socket.timeout, TimeoutError)):
            stream.next()
    finally:
        stream.close()


def test_the_stream_is_never_stored(web):
    client = web.client()
    client.sign_in("prof")
    stream = EventReader(web.port, cookie_of(client))
    try:
        assert stream.response.getheader("cache-control") == "no-store"
    finally:
        stream.close()


def test_the_stream_needs_a_session(web):
    reply = web.client().get("/api/events", headers={"Cookie": "staff_session=forged"})
    assert reply.status == 401 and "sign in again" in reply.json()["error"]


def test_thirty_open_streams_each_get_every_one_of_fifty_check_ins(web, cfg, clock, store):
    """No loss and no duplicate with 30 browsers open (timing is bench/web.py's job)."""
    people = [f"x{i:02d}" for i in range(50)]
    for pid in people:
        store.conn.execute("INSERT INTO people (id, name, role, created_at, updated_at)"
                           " VALUES (?, ?, 'student', '', '')", (pid, f"Student {pid}"))
        store.conn.execute("INSERT INTO roster (class_code, person_id) VALUES ('CS101', ?)", (pid,))
    client = web.client()
    client.sign_in("boss")
    streams = [EventReader(web.port, cookie_of(client), timeout=20.0) for _ in range(30)]
    seen: list[list[str]] = [[] for _ in streams]

    def read(i: int) -> None:
        while len(seen[i]) < len(people):
            seen[i].append(streams[i].next()[1]["person_id"])

    readers = [threading.Thread(target=read, args=(i,)) for i in range(len(streams))]
    for reader in readers:
        reader.start()
    door = SqliteStore.in_dir(cfg.data_dir)
    service = AttendanceService(door, cfg, clock)
    for pid in people:
        service.check_in(pid, pid, 0.9, 0.0)
    door.close()
    for reader in readers:
        reader.join(30)
    for stream in streams:
        stream.close()
    assert all(got == people for got in seen), [len(got) for got in seen]
    assert Client(web.port).get("/healthz").status == 200
