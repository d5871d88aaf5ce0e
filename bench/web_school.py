"""A school day in a real kiosk database, for the web view's benchmark and screenshots.

`build(data_dir, ...)` enrols a pool of students and one instructor per room,
gives each room a run of back-to-back classes (one roster each), and holds
every meeting that has started by `now` the way the kiosk would have: check-in
rows (mostly on time, some late, a few by hand), and absent rows once a
session has ended. Rows go in through SQL in one transaction each, so the
ledger and outbox triggers fire exactly as for the kiosk's own writes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from _common import REPO  # noqa: F401  (puts the repository on sys.path)

from kiosk.config import Config
from kiosk.model import ClassInfo, Schedule, meeting
from kiosk.store.database import to_iso, utc_now
from kiosk.store.pins import hash_pin
from kiosk.store.sqlite_store import SqliteStore

TZ = ZoneInfo("Europe/London")
FIRST = ["Maya", "Lin", "Tom", "Ana", "Noor", "Ravi", "Zoe", "Sam", "Ines", "Kofi", "Mei", "Olu", "Eva", "Luca",
         "Aya", "Ben", "Chloe", "Dev", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jade"]
LAST = ["Chen", "Miranda", "Okafor", "Silva", "Haddad", "Patel", "Novak", "Reyes", "Berg", "Mensah", "Tanaka",
        "Adeyemi", "Rossi", "Kowalski", "Sato", "Dubois", "Moreau", "Khan", "Larsen", "Ortiz"]
SUBJECTS = ["MATH", "ENG", "SCI", "HIST", "ART", "CS", "GEO", "MUS", "PE", "FR"]
PIN = "4829"  # every instructor's, for the demo; the admin's is below
ADMIN_PIN = "7315"


def build(data_dir: Path, day: date, now: datetime, sessions: int = 40, roster: int = 30, rooms: int = 8,
          pool: int = 400, seed: int = 7) -> Config:
    """A kiosk database for `day` as it stands at `now`; returns the kiosk's config."""
    rng = random.Random(seed)
    cfg = (Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-1", room="", timezone="Europe/London"))
    store = SqliteStore.in_dir(data_dir)
    try:
        students = _people(store, rng, pool, rooms)
        meetings = _timetable(store, rng, day, sessions, roster, rooms, students)
        _hold(store, rng, meetings, now, cfg.kiosk.id)
    finally:
        store.close()
    return cfg


def _people(store: SqliteStore, rng: random.Random, pool: int, rooms: int) -> list[str]:
    now = utc_now()
    people = [(f"s{i:04d}", f"{rng.choice(FIRST)} {rng.choice(LAST)}", "student") for i in range(pool)]
    people += [(f"t{r}", f"{rng.choice(['Dr', 'Ms', 'Mr'])} {LAST[r % len(LAST)]}", "instructor") for r in range(rooms)]
    people.append(("admin", "Ms Admin", "admin"))
    staff_hash, admin_hash = hash_pin(PIN), hash_pin(ADMIN_PIN)
    with store.transaction() as conn:
        conn.executemany("INSERT INTO people (id, name, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                         [(*p, now, now) for p in people])
        conn.executemany("INSERT INTO pins (person_id, pin_hash, updated_at) VALUES (?, ?, ?)",
                         [(f"t{r}", staff_hash, now) for r in range(rooms)] + [("admin", admin_hash, now)])
    return [p[0] for p in people if p[2] == "student"]


def _timetable(store, rng, day, sessions, roster, rooms, students):
    """Back-to-back 50-minute classes from 08:30 in each room; returns (meeting, roster ids)."""
    found = []
    for n in range(sessions):
        room, period = n % rooms, n // rooms
        code = f"{SUBJECTS[n % len(SUBJECTS)]}{100 + n}"
        members = rng.sample(students, roster)
        store.add_class(code, f"{SUBJECTS[n % len(SUBJECTS)].title()} {period + 1}", members, room=f"R{room + 1}",
                        instructor_id=f"t{room}")
        start = datetime.combine(day, time(8, 30)) + timedelta(minutes=55 * period)
        schedule = Schedule(code, start.time(), (start + timedelta(minutes=50)).time(), "Europe/London",
                            on_date=day)
        store.add_schedule(schedule)
        found.append((meeting(schedule, day, ClassInfo(code, code, f"R{room + 1}"), timedelta(minutes=10)), members))
    return found


def _hold(store: SqliteStore, rng: random.Random, meetings, now: datetime, kiosk_id: str) -> None:
    with store.transaction() as conn:
        for info, members in meetings:
            if info.opens_at > now:
                continue  # still to come: the page shows it as scheduled
            ended = info.ends_at <= now
            conn.execute(
                "INSERT INTO sessions (id, class_code, starts_at, ends_at, opens_at, state, activated_at, ended_at,"
                " ended_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (info.session_id, info.class_code, to_iso(info.starts_at), to_iso(info.ends_at), to_iso(info.opens_at),
                 "ended" if ended else "active", to_iso(info.opens_at), to_iso(info.ends_at) if ended else None,
                 "schedule" if ended else ""))
            conn.executemany(
                "INSERT INTO attendance (session_id, person_id, status, checked_in_at, latency_ms, score, method,"
                " kiosk_id, made_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row for pid in members if (row := _row(rng, info, pid, now, ended, kiosk_id))])


def _row(rng, info, pid, now, ended, kiosk_id):
    roll = rng.random()
    if roll < 0.82:
        status, at = "present", info.opens_at + timedelta(seconds=rng.uniform(0, 14 * 60))
    elif roll < 0.92:
        status, at = "late", info.starts_at + timedelta(seconds=rng.uniform(6 * 60, 25 * 60))
    else:
        status, at = "absent", info.ends_at
    if at > now:
        return None  # not here yet
    if status == "absent" and not ended:
        return None  # absent rows are written when the session ends
    manual = status != "absent" and rng.random() < 0.04
    return (info.session_id, pid, status, to_iso(at), None if manual or status == "absent" else
            round(rng.uniform(90, 260), 1), None if manual else round(rng.uniform(0.5, 0.8), 3),
            "manual" if manual else ("auto" if status == "absent" else "face"), kiosk_id,
            "t0" if manual else ("schedule" if status == "absent" else ""))
