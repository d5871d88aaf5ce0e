"""A school with one running class and door attempts in its real SQLite file, for the door-attempt
tests: students enrolled from the shared photos' real embeddings (`faces`), one awaiting enrolment."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from kiosk.model import Schedule
from kiosk.scheduler.timetable import current_and_next
from kiosk.store import attempts as stored
from kiosk.store import staff
from kiosk.store.sqlite_store import Person, SqliteStore

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 9, 3, tzinfo=TZ)  # a Wednesday, three minutes into CS101
PROF, OTHER, BOSS = (Person("prof", "Prof Ada", "instructor"), Person("bo", "Prof Bo", "instructor"),
                     Person("boss", "Ms Boss", "admin"))
STUDENTS = {"obama": "Barack Obama", "biden": "Joe Biden", "lin": "Lin-Manuel Miranda"}


def school(store: SqliteStore, faces: dict[str, np.ndarray]) -> str:
    """Three students enrolled, one awaiting enrolment (`newkid`), CS101 meeting now; its session id."""
    for pid, name in STUDENTS.items():
        store.add_person(Person(pid, name, "student"), "sface", faces[pid][None], [f"{pid}.jpg"])
    staff.add_person(store, Person("newkid", "New Kid", "student"))
    for person in (PROF, OTHER, BOSS):
        staff.add_staff(store, person.id, person.name, person.role)
    store.add_class("CS101", "Intro", [*STUDENTS, "newkid"], room="B12", instructor_id="prof")
    store.add_class("ART2", "Art", ["lin"], room="B13", instructor_id="bo")
    store.add_schedule(Schedule("CS101", time(9), time(10), "Europe/London", weekdays=frozenset({2})))
    current, _ = current_and_next(store.schedules(), store.classes(), NOW, timedelta(minutes=10))
    store.activate_session(current)
    return current.session_id


def face_picture(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 255, (112, 112, 3), dtype=np.uint8)


def add_attempt(store: SqliteStore, session_id: str, vector: np.ndarray, at: datetime = NOW,
                candidates: tuple[tuple[str, float], ...] = (("obama", 0.41),), picture: bool = True,
                image: np.ndarray | None = None) -> int:
    """One pending attempt, as the recognition worker keeps it (picture file and all: `image`, or noise)."""
    new = stored.NewAttempt(at, "door-7", session_id, 80.0, 120.0, 110.0, 4.0, 6,
                            tuple(stored.Candidate(p, s) for p, s in candidates), {"sface": vector})
    name = stored.save_crop(store, at, face_picture() if image is None else image) if picture else None
    return stored.record_attempt(store, new, name)
