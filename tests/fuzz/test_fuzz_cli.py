"""Fuzzing the admin CLI: random arguments never give a traceback, and a
rejected command (non-zero exit) leaves the database exactly as it was."""

import sqlite3

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli.main import main
from kiosk.store.database import DB_FILE
from kiosk.store.sqlite_store import Person, SqliteStore

WORDS = st.sampled_from([
    "class", "add", "list", "schedule", "attendance", "export", "enroll", "identify",
    "--name", "--students", "--room", "--instructor", "--start", "--end", "--date", "--days", "--timezone",
    "--class", "--format", "csv", "--id", "--role", "--replace",  # --from-dir: would scan the cwd
    "CS101", "MA201", "maya", "lin", "maya,lin", "ghost", "09:00", "10:00", "25:99", "2026-11-25", "2026-02-30",
    "mon,wed", "funday", "Europe/London", "Mars/Base", "", "-", "--", "student", "teacher", "/nonexistent.jpg",
    "audit", "staff", "remove", "import-roster", "--kind", "--since", "today", "yesterday", "spoof",
])
COMMANDS = st.one_of(
    st.lists(WORDS, max_size=10),
    st.tuples(st.sampled_from(["class", "schedule", "attendance", "enroll", "identify", "audit", "staff"]),
              st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=8)).map(lambda t: [t[0], *t[1]]),
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("fuzz")
    store = SqliteStore.in_dir(data_dir)
    for pid in ("maya", "lin"):
        store.add_person(Person(pid, pid.title(), "student"), "sface", np.ones((1, 128), np.float32), ["a"])
    store.add_class("CS101", "Intro", ["maya"])
    store.close()
    return data_dir


def dump(data_dir):
    conn = sqlite3.connect(data_dir / DB_FILE)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(COMMANDS)
def test_random_commands(seeded, capsys, argv):
    if not argv or "run" in argv or "demo" in argv or any(a in ("-h", "--help") for a in argv):
        return  # no command (or run, demo) starts the kiosk itself; --help exits through argparse
    before = dump(seeded)
    code = main(["--data-dir", str(seeded), *argv])
    _, err = capsys.readouterr()
    assert isinstance(code, int) and "Traceback" not in err
    if code != 0:
        assert dump(seeded) == before, argv
