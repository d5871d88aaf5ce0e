"""Helpers for the web tests: a small school in a real SQLite file, the real app under
a real uvicorn server on a free 127.0.0.1 port, and a plain HTTP client (no redirects
followed, cookies kept by hand)."""

from __future__ import annotations

import functools
import http.client
import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import numpy as np
from form_body import multipart_body

from kiosk.attendance.service import AttendanceService
from kiosk.clock import FixedClock
from kiosk.config import Config
from kiosk.model import Schedule
from kiosk.scheduler.thread import SessionScheduler
from kiosk.store import staff
from kiosk.store.pins import hash_pin
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.web.app import create_app
from kiosk.web.server import BackgroundServer
from kiosk.web.source import open_source

TZ = ZoneInfo("Europe/London")
DAY = date(2026, 11, 25)
CS101 = "CS101@2026-11-25T09:00Z"
ART2 = "ART2@2026-11-25T09:30Z"
PINS = {"prof": "4829", "other": "5930", "boss": "7315"}
STUDENTS = {"maya": "Maya Chen", "lin": "Lin Miranda", "tom": "Tom Okafor", "ana": "Ana Silva"}


@functools.cache
def pin_hash(person_id: str) -> str:
    return hash_pin(PINS[person_id])


def school(cfg: Config, clock: FixedClock) -> SqliteStore:
    """CS101 (Prof Ada, room B12, 09:00-10:00) is on now; ART2 (Prof Bo, C3, 09:30) is later today."""
    store = SqliteStore.in_dir(cfg.data_dir)
    for pid, name in STUDENTS.items():
        store.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    staff.add_staff(store, "prof", "Prof Ada")
    staff.add_staff(store, "other", "Prof Bo")
    staff.add_staff(store, "boss", "Ms Boss", role="admin")
    with store.transaction() as conn:  # the hashes set_pin makes, made once per test run (scrypt is slow on purpose)
        conn.executemany("INSERT INTO pins (person_id, pin_hash, updated_at) VALUES (?, ?, '')",
                         [(pid, pin_hash(pid)) for pid in PINS])
    store.add_class("CS101", "Intro to Computing", ["maya", "lin", "tom"], room="B12", instructor_id="prof")
    store.add_class("ART2", "Drawing", ["ana", "tom"], room="C3", instructor_id="other")
    store.add_schedule(Schedule("CS101", dtime(9), dtime(10), "Europe/London", on_date=DAY))
    store.add_schedule(Schedule("ART2", dtime(9, 30), dtime(10, 30), "Europe/London", on_date=DAY))
    SessionScheduler(store, cfg, clock, lambda event: None).tick()
    return store


def school_config(data_dir, kiosk_id: str = "door-7") -> Config:
    """This door is B12's, where CS101 meets (each kiosk serves its own room); on SFace, like the
    `faces` fixture's embeddings."""
    return (Config().replace("store", data_dir=str(data_dir)).replace("vision", embedder="sface")
            .replace("kiosk", id=kiosk_id, room="B12", timezone="Europe/London")
            .replace("pin", max_tries=5, lockout_base_s=30.0))


def check_in(cfg: Config, clock: FixedClock, person_id: str) -> None:
    """A check-in as the recognition worker writes it, on its own connection."""
    store = SqliteStore.in_dir(cfg.data_dir)
    try:
        AttendanceService(store, cfg, clock).check_in(person_id, STUDENTS[person_id], 0.9, time.monotonic())
    finally:
        store.close()


class RunningWeb(BackgroundServer):
    """The real app under uvicorn in a thread, on a free port."""

    def __init__(self, cfg: Config, clock, source=None, idle_s: float = 900.0, poll_s: float = 0.1):
        self.app = create_app(cfg, clock, source or open_source(cfg, clock), idle_s=idle_s, poll_s=poll_s)
        super().__init__(cfg, self.app)

    @property
    def state(self):
        return self.app.state.web

    def client(self) -> "Client":
        return Client(self.port)

    def stop(self) -> None:
        super().stop()
        assert not self.thread.is_alive()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


@dataclass
class Client:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None, body: bytes | None = None,
                headers: dict | None = None) -> Reply:
        headers = dict(headers or {})
        if form is not None:
            body = urlencode(form).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if self.cookies and "Cookie" not in headers:  # a test may send a cookie of its own
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            for key, value in response.getheaders():
                if key.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if "max-age=0" in value.lower() or not cookie_value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = cookie_value
            return reply
        finally:
            conn.close()

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, form: dict, **kw) -> Reply:
        return self.request("POST", path, form=form, **kw)

    def post_files(self, path: str, fields: dict, files: list[tuple[str, str, bytes]]) -> Reply:
        """A multipart/form-data POST: text fields, and files as (field name, file name, bytes)."""
        body, kind = multipart_body(fields, files)
        return self.request("POST", path, body=body, headers={"Content-Type": kind})

    def login(self, form: dict, **kw) -> Reply:
        """POST /login as a browser does: with the token of the sign-in form it loaded first."""
        return self.post("/login", {"csrf": self.login_token(), **form}, **kw)

    def login_token(self) -> str:
        signed_in = self.cookies.pop("staff_session", None)  # the form is shown to a browser not signed in
        try:
            page = self.get("/login").text
        finally:
            if signed_in:
                self.cookies["staff_session"] = signed_in
        marker = 'name="csrf" value="'
        start = page.index(marker) + len(marker)
        return page[start:page.index('"', start)]

    def sign_in(self, staff_id: str, pin: str | None = None) -> Reply:
        reply = self.login({"staff_id": staff_id, "pin": pin or PINS[staff_id]})
        assert reply.status == 303, reply.text
        return reply

    def csrf(self, path: str = "/today") -> str:
        page = self.get(path).text
        marker = 'name="csrf" value="'
        start = page.index(marker) + len(marker)
        return page[start:page.index('"', start)]


def clock_at(hour: int, minute: int) -> FixedClock:
    return FixedClock(datetime(2026, 11, 25, hour, minute, tzinfo=TZ))
