"""The sync outbox and sync state in the local SQLite file.

Triggers (migration m003) queue an outbox entry in the same transaction as
every attendance, session and audit row write. The push side reads a batch,
sends the rows' *current* contents, and deletes exactly the entries it read
once the server has acknowledged them. An entry is never deleted for any
other reason, so a crash or an outage at any point only means a replay,
and replays are idempotent upserts on the server.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk.store.database import Database

KINDS = ("session", "attendance", "audit")  # push order: sessions before their check-ins
_TABLES = {"session": "sessions", "attendance": "attendance", "audit": "audit"}


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    kind: str
    ref: str
    attempts: int


def pending_count(db: Database) -> int:
    """Outbox entries waiting for the server (one row may have several)."""
    return db.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]


def queued_checkins(db: Database) -> int:
    """Distinct check-ins not yet acknowledged by the server: what the banner shows."""
    return db.conn.execute("SELECT count(DISTINCT ref) FROM outbox WHERE kind = 'attendance'").fetchone()[0]


def take_batch(db: Database, limit: int) -> list[OutboxEntry]:
    """The next `limit` entries: never-refused ones first (a row the server keeps
    refusing cannot hold up the queue), sessions before check-ins, oldest first."""
    rows = db.query(
        "SELECT id, kind, ref, attempts FROM outbox ORDER BY attempts > 0,"
        " CASE kind WHEN 'session' THEN 0 WHEN 'attendance' THEN 1 ELSE 2 END, id LIMIT ?",
        (limit,),
    )
    return [OutboxEntry(r["id"], r["kind"], r["ref"], r["attempts"]) for r in rows]


def load_rows(db: Database, kind: str, refs: list[str]) -> dict[str, dict]:
    """The current contents of the referenced rows, keyed by ref (as text)."""
    if not refs:
        return {}
    table = _TABLES[kind]
    found: dict[str, dict] = {}
    for start in range(0, len(refs), 500):  # stay under SQLite's bound-parameter limit
        chunk = refs[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"SELECT * FROM {table} WHERE id IN ({marks})", tuple(chunk)):
            found[str(row["id"])] = dict(row)
    return found


def acknowledge(db: Database, entry_ids: list[int]) -> None:
    """The server holds these entries' rows: drop exactly these entries."""
    with db.transaction() as conn:
        _in_chunks(conn, "DELETE FROM outbox WHERE id IN ({})", entry_ids)


def mark_failed(db: Database, entry_ids: list[int], error: str) -> None:
    """Keep the entries for the next cycle, noting why they were refused."""
    with db.transaction() as conn:
        for start in range(0, len(entry_ids), 500):
            chunk = entry_ids[start:start + 500]
            conn.execute(
                f"UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id IN ({','.join('?' * len(chunk))})",
                (error[:300], *chunk),
            )


def get_state(db: Database, key: str, default: str | None = None) -> str | None:
    row = db.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def record_state(db: Database, key: str, value: str) -> None:
    """Write one sync-state key on its own."""
    with db.transaction() as conn:
        set_state(conn, key, value)


def set_state(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Write one sync-state key inside the caller's transaction."""
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _in_chunks(conn: sqlite3.Connection, sql: str, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        conn.execute(sql.format(",".join("?" * len(chunk))), tuple(chunk))
