"""The class the clock-jump tests run in: CS101 in room B12, 09:00-10:00 every day, three students."""

from __future__ import annotations

from datetime import time

import numpy as np
import pytest

from kiosk.model import Schedule
from kiosk.store.sqlite_store import Person, SqliteStore

CLASS_ROSTER = ["maya", "tom", "ana"]


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    for pid in CLASS_ROSTER:
        s.add_person(Person(pid, pid.title(), "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    s.add_class("CS101", "Intro", CLASS_ROSTER, room="B12")
    s.add_schedule(Schedule("CS101", time(9), time(10), "Europe/London", weekdays=frozenset(range(7))))
    yield s
    s.close()
