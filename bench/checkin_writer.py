"""A stream of check-ins through the real AttendanceService, for kill -9 tests.

    python bench/checkin_writer.py DATA_DIR [PAUSE_S]

Prints "shown <person id>" after each check-in returns, the moment the kiosk
would post it to the screen; "kept <person id>" for one decided while the
database failed (the screen shows the notice instead), and "saved <person id>"
when it is saved later. Resumes where an earlier (killed) run stopped.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime, time as dtime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from kiosk.attendance.service import AttendanceService  # noqa: E402
from kiosk.clock import FixedClock  # noqa: E402
from kiosk.config import Config  # noqa: E402
from kiosk.errors import StoreError  # noqa: E402
from kiosk.model import Schedule  # noqa: E402
from kiosk.scheduler.thread import SessionScheduler  # noqa: E402
from kiosk.store.sqlite_store import SqliteStore  # noqa: E402

PEOPLE = 2000
DAY = date(2026, 11, 25)


def prepare(store: SqliteStore) -> None:
    if store.class_record("LOAD") is not None:
        return
    with store.transaction() as conn:
        now = "2026-11-25T08:00:00+00:00"
        conn.executemany(
            "INSERT INTO people (id, name, role, created_at, updated_at) VALUES (?, ?, 'student', ?, ?)",
            [(f"p{i:04d}", f"Person {i}", now, now) for i in range(PEOPLE)],
        )
    store.add_class("LOAD", "Load test", [f"p{i:04d}" for i in range(PEOPLE)])
    store.add_schedule(Schedule("LOAD", dtime(9), dtime(17), "UTC", on_date=DAY))


def save_kept(service: AttendanceService) -> None:
    """As the recognition worker does on each turn: save the check-ins kept while the file failed."""
    kept = list(service.pending.rows)
    try:
        saved = service.save_pending()
    except StoreError:
        return
    for _, pid in kept[:saved]:
        print(f"saved {pid}", flush=True)


def main() -> int:
    store = SqliteStore.in_dir(Path(sys.argv[1]))
    pause_s = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    prepare(store)
    clock = FixedClock(datetime(2026, 11, 25, 9, 1, tzinfo=timezone.utc))
    SessionScheduler(store, Config(), clock, lambda e: None).tick()
    service = AttendanceService(store, Config(), clock)
    done = {r[0] for r in store.query("SELECT person_id FROM attendance")}
    for i in range(PEOPLE):
        pid = f"p{i:04d}"
        if pid in done:
            continue
        save_kept(service)
        try:
            checkin = service.check_in(pid, pid, 0.8, time.monotonic())
        except StoreError as err:  # the kiosk shows a notice and keeps going; so does this writer
            print(f"notice {err}", flush=True)
            time.sleep(0.05)
            continue
        if checkin.queued:  # not saved: the notice, never "Checked in"; kept to save later
            print(f"notice {service.last_fault}", flush=True)
            print(f"kept {pid}", flush=True)
            time.sleep(0.05)
            continue
        print(f"shown {pid} {checkin.status.value}", flush=True)
        time.sleep(pause_s)
    while service.pending:
        save_kept(service)
        time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
