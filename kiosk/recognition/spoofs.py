"""A failed live check, written down for the instructor: a spoof event row, and a face
crop only if config allows; old crops are purged when recognition starts."""

from __future__ import annotations

import logging

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.model import room_scope
from kiosk.recognition.gate import LiveCheckFailed
from kiosk.store import spoof_events as spoofs
from kiosk.store.sqlite_store import SqliteStore

log = logging.getLogger(__name__)


class SpoofRecorder:
    def __init__(self, cfg: Config, store: SqliteStore, clock: Clock):
        self.cfg = cfg
        self.store = store
        self.clock = clock

    def record(self, failed: LiveCheckFailed) -> None:
        guess, result = failed.guess, failed.result
        now = self.clock()
        session = self.store.active_session(set(room_scope(self.store.classes(), self.cfg.kiosk.room)))
        snapshot = None
        if failed.crop is not None:
            snapshot = spoofs.save_snapshot(self.cfg.data_dir, now, failed.crop)
        event = spoofs.SpoofEvent(
            now, session.session_id if session else None, guess.person_id if guess else None,
            guess.name if guess else None, round(guess.score, 3) if guess else None,
            result.score, result.cues, snapshot, self.cfg.kiosk.id,
        )
        try:
            spoofs.record_spoof_event(self.store, event)
        except Exception as err:  # a locked database must not stop recognition
            log.warning("spoof event not stored: %s", err)
        log.info("live check failed (score %.2f, guess %s)", result.score, event.person_id)

    def purge_snapshots(self) -> None:
        try:
            spoofs.purge_snapshots(self.store, self.clock(), self.cfg.liveness.retention_days)
        except Exception as err:
            log.warning("spoof snapshots not purged: %s", err)
