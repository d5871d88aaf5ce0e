"""Spoof events: each face that failed the live check, with its best identity
guess, scores and cues. A face snapshot is kept only when
`liveness.keep_snapshots` is set, and deleted after `liveness.retention_days`.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from kiosk.store.database import Database, from_iso, to_iso

log = logging.getLogger(__name__)

SNAPSHOT_DIR = "spoof_snapshots"


@dataclass(frozen=True)
class SpoofEvent:
    at: datetime
    session_id: str | None
    person_id: str | None  # best identity guess, None if not recognised
    name: str | None
    match_score: float | None
    liveness_score: float
    cues: dict[str, float | None]
    snapshot: str | None = None  # file path, only when snapshots are kept
    kiosk_id: str = ""
    id: int | None = None


def record_spoof_event(db: Database, event: SpoofEvent) -> int:
    with db.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO spoof_events (at, session_id, person_id, name, match_score, liveness_score, cues,"
            " snapshot, kiosk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (to_iso(event.at), event.session_id, event.person_id, event.name, event.match_score,
             round(event.liveness_score, 4), json.dumps(_rounded(event.cues)), event.snapshot, event.kiosk_id),
        )
        return int(cur.lastrowid)


def spoof_events(db: Database, session_id: str | None) -> list[SpoofEvent]:
    """A session's spoof events, oldest first (session_id None: those outside any session)."""
    rows = db.query("SELECT * FROM spoof_events WHERE session_id IS ? ORDER BY at, id", (session_id,))
    return [_event(r) for r in rows]


def _event(r) -> SpoofEvent:
    return SpoofEvent(from_iso(r["at"]), r["session_id"], r["person_id"], r["name"], r["match_score"],
                      r["liveness_score"], json.loads(r["cues"] or "{}"), r["snapshot"], r["kiosk_id"], r["id"])


def spoof_events_since(db: Database, since: datetime | None) -> list[SpoofEvent]:
    """Every spoof event from `since` on (all of them for None), oldest first."""
    rows = db.query("SELECT * FROM spoof_events WHERE at >= ? ORDER BY at, id", (to_iso(since) if since else "",))
    return [_event(r) for r in rows]


def spoof_event_count(db: Database, session_id: str) -> int:
    return int(db.query("SELECT COUNT(*) FROM spoof_events WHERE session_id = ?", (session_id,))[0][0])


def save_snapshot(data_dir: Path, at: datetime, face_bgr: np.ndarray) -> str | None:
    """Write a face crop (JPEG, mode 0600) and return its path; None if it cannot be written."""
    import cv2

    folder = Path(data_dir) / SNAPSHOT_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{at:%Y%m%dT%H%M%S%f}.jpg"
        ok, data = cv2.imencode(".jpg", face_bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if not ok:
            return None
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data.tobytes())
        return str(path)
    except OSError as err:
        log.warning("spoof snapshot not saved: %s", err)
        return None


def purge_snapshots(db: Database, now: datetime, retention_days: int) -> int:
    """Delete snapshots older than the retention period; the events stay, without the picture."""
    cutoff = to_iso(now - timedelta(days=retention_days))
    rows = db.query("SELECT id, snapshot FROM spoof_events WHERE snapshot IS NOT NULL AND at < ?", (cutoff,))
    for row in rows:
        try:
            Path(row["snapshot"]).unlink(missing_ok=True)
        except OSError as err:
            log.warning("cannot delete spoof snapshot %s: %s", row["snapshot"], err)
    if rows:
        with db.transaction() as conn:
            conn.executemany("UPDATE spoof_events SET snapshot = NULL WHERE id = ?", [(r["id"],) for r in rows])
    return len(rows)


def _rounded(cues: dict[str, float | None]) -> dict[str, float | None]:
    return {k: (None if v is None else round(float(v), 3)) for k, v in cues.items()}
