"""Check-ins decided while the database fails: kept in memory, in order, and saved once it
works again.

Bounded: the oldest are kept and a check-in past the limit is dropped with a loud log
line (and counted), since memory must not grow without end through a long outage. The
unique (session, person) key makes a save that is retried after an unclear failure
harmless: a row already stored is not stored twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from kiosk.store.sqlite_store import AttendanceRow, SqliteStore

log = logging.getLogger(__name__)

MAX_PENDING = 500  # several classes' worth of check-ins


class PendingCheckIns:
    def __init__(self, limit: int = MAX_PENDING):
        self.limit = limit
        self.rows: dict[tuple[str, str], AttendanceRow] = {}
        self.dropped = 0
        self.saved = 0

    def __len__(self) -> int:
        return len(self.rows)

    def keep(self, row: AttendanceRow) -> bool:
        """Hold a check-in that could not be saved; False when it had to be dropped (full)."""
        key = (row.session_id, row.person_id)
        if key in self.rows:
            return True
        if len(self.rows) >= self.limit:
            self.dropped += 1
            log.error("CHECK-IN LOST: %s in %s could not be saved and %d others already wait in memory "
                      "(%d dropped so far); mark them by hand", row.person_id, row.session_id, self.limit,
                      self.dropped)
            return False
        self.rows[key] = row
        log.warning("check-in of %s kept in memory until the database works again (%d waiting)", row.person_id,
                    len(self.rows))
        return True

    def held_at(self, session_id: str, person_id: str) -> datetime | None:
        row = self.rows.get((session_id, person_id))
        return row.checked_in_at if row else None

    def flush(self, store: SqliteStore) -> int:
        """Save what waits, oldest first; stops at the first failure (StoreFault propagates).
        Returns how many were saved now."""
        saved = 0
        for key, row in list(self.rows.items()):
            _, created = store.record_attendance(row)
            del self.rows[key]
            saved += 1
            log.info("saved check-in of %s to %s, kept while the database failed%s", row.person_id,
                     row.session_id, "" if created else " (it was already stored)")
        self.saved += saved
        return saved
