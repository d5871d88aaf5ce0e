"""Migration 9 on a database written by the previous version: rooms take one form (the
spellings that merged are kept for doctor), hand marks keep their reason, the ledger still
verifies, and the outbox still fills."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.store.database import _statements, sha256_hex
from kiosk.store.ledger import verify_ledger
from kiosk.store.rosters import room_clashes, room_merges
from kiosk.store.roll import session_roll
from kiosk.store.schema import MIGRATIONS
from kiosk.store.sessions import Actor, mark_manual
from kiosk.store.sqlite_store import SqliteStore

NOW = "2026-11-25T09:00:00.000+00:00"


def version_8(path) -> None:
    """A database as the previous version left it: schema 8, with mixed-case rooms and a hand mark."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("kiosk_sha256", 1, sha256_hex, deterministic=True)
    for number, script in enumerate(MIGRATIONS[:8]):
        conn.execute("BEGIN")
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number + 1}")
        conn.execute("COMMIT")
    for pid in ("maya", "lin"):
        conn.execute("INSERT INTO people (id, name, role, created_at, updated_at) VALUES (?, ?, 'student', ?, ?)",
                     (pid, pid.title(), NOW, NOW))
    conn.execute("INSERT INTO classes VALUES ('MATH', 'Maths', 'R1', NULL)")
    conn.execute("INSERT INTO classes VALUES ('MUSIC', 'Music', ' r1 ', NULL)")
    conn.execute("INSERT INTO roster VALUES ('MATH', 'maya'), ('MATH', 'lin')")
    for code in ("MATH", "MUSIC"):
        conn.execute("INSERT INTO schedules (class_code, start_time, end_time, weekdays, timezone)"
                     " VALUES (?, '09:00', '10:00', 'mon', 'Europe/London')", (code,))
    conn.execute("INSERT INTO sessions (id, class_code, starts_at, ends_at, opens_at, state, activated_at)"
                 " VALUES ('MATH@x', 'MATH', ?, ?, ?, 'active', ?)", (NOW, NOW, NOW, NOW))
    conn.execute("INSERT INTO attendance (session_id, person_id, status, checked_in_at, method, made_by)"
                 " VALUES ('MATH@x', 'lin', 'absent', ?, 'manual', 'prof')", (NOW,))
    conn.execute("INSERT INTO audit (at, actor_id, action, session_id, target_id, detail)"
                 " VALUES (?, 'prof', 'manual_mark', 'MATH@x', 'lin', 'none -> absent: web: went home ill')", (NOW,))
    conn.close()


def test_migration_9_keeps_everything_and_gives_rooms_one_form(data_dir):
    version_8(data_dir / "kiosk.db")
    store = SqliteStore.in_dir(data_dir)
    try:
        assert store.schema_version == len(MIGRATIONS)
        assert {code: info.room for code, info in store.classes().items()} == {"MATH": "R1", "MUSIC": "R1"}
        assert room_merges(store) == {"R1": [" r1 ", "R1"]}
        assert [(room, a.class_code, b.class_code) for room, a, b in room_clashes(store)] == [("R1", "MATH", "MUSIC")]
        lin = next(line for line in session_roll(store, "MATH@x").lines if line.person_id == "lin")
        assert (lin.status, lin.reason) == ("absent", "web: went home ill")
        assert verify_ledger(store)[1] == []
        mark_manual(store, "MATH@x", "maya", "excused", Actor("prof"), datetime.fromisoformat(NOW), reason="trip")
        assert verify_ledger(store)[1] == []
        assert store.query("SELECT count(*) FROM outbox WHERE kind = 'attendance'")[0][0] >= 2
    finally:
        store.close()
