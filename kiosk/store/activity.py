"""The newest moment the store wrote something: the clock checks compare the wall clock
with it (a clock set a day back must not open yesterday's class again)."""

from __future__ import annotations

from datetime import datetime

from kiosk.store.database import Database, from_iso


def newest_write_at(db: Database) -> datetime | None:
    """The latest check-in, audit row or session opening stored here (None: nothing yet). A session
    counts by when it opened (never later than its activation), so an early start is no future write."""
    row = db.conn.execute(
        "SELECT max(t) FROM (SELECT max(checked_in_at) AS t FROM attendance"
        " UNION ALL SELECT max(at) FROM audit UNION ALL SELECT max(opens_at) FROM sessions)").fetchone()
    return from_iso(row[0]) if row and row[0] else None
