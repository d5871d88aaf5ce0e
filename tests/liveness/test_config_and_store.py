"""Liveness config rules, spoof events in the store, and the screen's words."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import config_from_dict
from kiosk.errors import ConfigError
from kiosk.store.sqlite_store import SqliteStore
from kiosk.store.spoof_events import (
    SpoofEvent, purge_snapshots, record_spoof_event, save_snapshot, spoof_event_count, spoof_events,
)
from kiosk.ui import text


def test_config_rejects_no_cue_unless_liveness_is_off_explicitly():
    with pytest.raises(ConfigError, match="no cue enabled"):
        config_from_dict({"liveness": {"cues": ""}})
    with pytest.raises(ConfigError, match="no cue enabled"):
        config_from_dict({"liveness": {"cues": "planar:0"}})
    with pytest.raises(ConfigError, match="unknown cue"):
        config_from_dict({"liveness": {"cues": "sharpness"}})
    assert config_from_dict({"liveness": {"cues": "", "enabled": False}}).liveness.enabled is False
    assert config_from_dict({}).liveness.cue_weights()["minifasnet"] == 2.0


def test_spoof_events_round_trip_and_snapshot_retention(data_dir):
    store = SqliteStore.in_dir(data_dir)
    try:
        old = datetime.now(timezone.utc) - timedelta(days=40)
        snap = save_snapshot(data_dir, old, np.zeros((40, 40, 3), np.uint8))
        record_spoof_event(store, SpoofEvent(old, "S1", "lin", "Lin", 0.61, 0.12, {"planar": 0.1, "blink": None}, snap))
        record_spoof_event(store, SpoofEvent(datetime.now(timezone.utc), "S1", None, None, None, 0.2, {}))
        events = spoof_events(store, "S1")
        assert [e.person_id for e in events] == ["lin", None] and spoof_event_count(store, "S1") == 2
        assert events[0].cues == {"planar": 0.1, "blink": None} and events[0].snapshot == snap
        assert Path(snap).stat().st_mode & 0o777 == 0o600  # a face picture: the kiosk's user only
        assert purge_snapshots(store, datetime.now(timezone.utc), retention_days=30) == 1
        assert not Path(snap).exists()
        assert spoof_events(store, "S1")[0].snapshot is None
        assert spoof_events(store, "other") == []
    finally:
        store.close()


def test_face_label_shows_the_liveness_score():
    assert text.face_label("Maya", 0.71, True, True, 0.93) == "Maya · 0.71 · live 0.93"
    assert text.face_label(None, None, False, True, 0.4) == "live 0.40"
    assert text.face_label("Maya", 0.71, True, False, 0.93) == "Maya"
    assert "step closer" in text.CARD_LIVENESS_FAILED_DETAIL
