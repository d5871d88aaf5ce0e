"""Failed live checks show in the instructor's reconciliation and the session summary."""

from datetime import datetime, timedelta, timezone

import numpy as np

from kiosk.model import SessionInfo
from kiosk.store.sessions import session_reconciliation
from kiosk.store.spoof_events import SpoofEvent, record_spoof_event
from kiosk.store.sqlite_store import Person, SqliteStore

T0 = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)


def test_reconciliation_counts_failed_live_checks(data_dir):
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("lin", "Lin", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("HAM", "Hamilton", ["lin"])
    store.activate_session(SessionInfo("S1", "HAM", "Hamilton", "", T0, T0 + timedelta(hours=1), T0, "active"))
    assert session_reconciliation(store, "S1").failed_live_checks == 0
    for _ in range(2):
        record_spoof_event(store, SpoofEvent(T0, "S1", "lin", "Lin", 0.6, 0.1, {"minifasnet": 0.05}))
    record_spoof_event(store, SpoofEvent(T0, "S2", None, None, None, 0.1, {}))
    assert session_reconciliation(store, "S1").failed_live_checks == 2
    store.close()
