"""Door attempts: faces the door saw (live, long enough, sharp enough) but could not name, kept
for staff to say who they were, for `privacy.attempt_retention_days`.

An attempt holds its time, kiosk and session, the best frame's quality, the three people it looked
most like, its embedding per model, and the aligned face crop as a small JPEG file (mode 0600) in
<data_dir>/door_attempts/ (the row holds the file's name; the folder is the database's own). It
ends once: confirmed as someone, not one of ours, or dismissed; its embedding and picture go then,
and the row stays (without them) until the retention purge. Erasing a person removes every
attempt confirmed as them or that named them as a candidate, picture and all.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from kiosk.store.database import Database, from_iso, to_iso

log = logging.getLogger(__name__)

ATTEMPT_DIR = "door_attempts"
PENDING, CONFIRMED, NOT_OURS, DISMISSED = "pending", "confirmed", "not_ours", "dismissed"
ENDINGS = (NOT_OURS, DISMISSED)  # how staff end an attempt without a name
_CROP_NAME = re.compile(r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{8}\.jpg$")


@dataclass(frozen=True)
class Candidate:
    person_id: str
    score: float
    name: str = ""


@dataclass(frozen=True)
class NewAttempt:
    """What the recognition worker keeps of an unnamed walk-up."""

    at: datetime
    kiosk_id: str
    session_id: str
    face_px: float
    sharpness: float
    brightness: float
    yaw: float
    frames: int
    candidates: tuple[Candidate, ...]
    vectors: dict[str, np.ndarray]  # model key -> embedding


@dataclass(frozen=True)
class Attempt:
    id: int
    at: datetime
    kiosk_id: str
    session_id: str
    class_code: str
    crop: str | None  # the picture's file name, None once removed
    face_px: float
    sharpness: float
    frames: int
    state: str
    person_id: str | None  # confirmed as
    reference: str  # 'added', or why no door reference was made ('' while pending)
    decided_by: str
    candidates: tuple[Candidate, ...]

    @property
    def pending(self) -> bool:
        return self.state == PENDING


def attempts_dir(db: Database) -> Path:
    return db.path.parent / ATTEMPT_DIR


def crop_path(db: Database, name: str | None) -> Path | None:
    """The picture's file for a name this module gave (None for anything else)."""
    return attempts_dir(db) / name if name and _CROP_NAME.match(name) else None


def save_crop(db: Database, at: datetime, face_bgr: np.ndarray) -> str | None:
    """Write a face crop (JPEG, mode 0600); its file name, or None if it cannot be written."""
    import cv2

    folder = attempts_dir(db)
    name = f"{at:%Y%m%dT%H%M%S%f}-{os.urandom(4).hex()}.jpg"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        ok, data = cv2.imencode(".jpg", face_bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if not ok:
            return None
        fd = os.open(folder / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data.tobytes())
        return name
    except OSError as err:
        log.warning("door attempt picture not saved: %s", err)
        return None


def record_attempt(db: Database, new: NewAttempt, crop: str | None) -> int:
    """One attempt with its candidates and embeddings, in one transaction."""
    with db.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO attempts (at, kiosk_id, session_id, crop, face_px, sharpness, brightness, yaw, frames)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (to_iso(new.at), new.kiosk_id, new.session_id, crop, round(new.face_px, 1), round(new.sharpness, 1),
             round(new.brightness, 1), round(new.yaw, 1), new.frames))
        attempt_id = int(cur.lastrowid)
        conn.executemany("INSERT INTO attempt_candidates (attempt_id, rank, person_id, score) VALUES (?, ?, ?, ?)",
                         [(attempt_id, i, c.person_id, round(c.score, 4)) for i, c in enumerate(new.candidates)])
        conn.executemany("INSERT INTO attempt_embeddings (attempt_id, model, vector) VALUES (?, ?, ?)",
                         [(attempt_id, model, np.asarray(v, np.float32).tobytes()) for model, v in new.vectors.items()])
    return attempt_id


_SELECT = ("SELECT a.*, s.class_code FROM attempts a JOIN sessions s ON s.id = a.session_id")


def attempt(db: Database, attempt_id: int) -> Attempt | None:
    rows = db.query(_SELECT + " WHERE a.id = ?", (attempt_id,))
    return _with_candidates(db, rows)[0] if rows else None


def session_attempts(db: Database, session_id: str) -> list[Attempt]:
    """A session's attempts, oldest first."""
    return _with_candidates(db, db.query(_SELECT + " WHERE a.session_id = ? ORDER BY a.at, a.id", (session_id,)))


def attempts_between(db: Database, start: datetime, end: datetime, class_code: str | None = None) -> list[Attempt]:
    """Attempts seen in [start, end), of one class when given, oldest first."""
    rows = db.query(_SELECT + " WHERE a.at >= ? AND a.at < ? AND (? IS NULL OR s.class_code = ?)"
                    " ORDER BY a.at, a.id", (to_iso(start), to_iso(end), class_code, class_code))
    return _with_candidates(db, rows)


def pending_count(db: Database, session_id: str) -> int:
    return int(db.query("SELECT count(*) FROM attempts WHERE session_id = ? AND state = 'pending'",
                        (session_id,))[0][0])


def attempt_vector(db: Database, attempt_id: int, model: str) -> np.ndarray | None:
    rows = db.query("SELECT vector FROM attempt_embeddings WHERE attempt_id = ? AND model = ?", (attempt_id, model))
    if not rows or not rows[0][0] or len(rows[0][0]) % 4:
        return None
    return np.frombuffer(rows[0][0], np.float32).copy()


def end_attempt(db: Database, attempt_id: int, state: str, person_id: str | None, reference: str, actor: str,
                now: datetime) -> tuple[bool, str | None]:
    """End a pending attempt (inside the caller's transaction, with its mark and audit row): its
    embedding goes. Returns (ended: False when it was not pending any more, the picture's file
    name to remove once committed)."""
    with db.transaction() as conn:
        row = conn.execute("SELECT crop FROM attempts WHERE id = ? AND state = 'pending'", (attempt_id,)).fetchone()
        if row is None:
            return False, None
        conn.execute("UPDATE attempts SET state = ?, person_id = ?, reference = ?, decided_by = ?, decided_at = ?,"
                     " crop = NULL WHERE id = ?", (state, person_id, reference[:200], actor, to_iso(now), attempt_id))
        conn.execute("DELETE FROM attempt_embeddings WHERE attempt_id = ?", (attempt_id,))
    return True, row[0]


def remove_crops(db: Database, names) -> None:
    """Delete pictures whose rows are gone or no longer name them (after the commit)."""
    for name in names:
        path = crop_path(db, name)
        if path is None:
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError as err:
            log.warning("cannot delete door attempt picture %s: %s", path, err.strerror)


def erase_attempts_of(conn: sqlite3.Connection, person_id: str) -> tuple[int, list[str]]:
    """Inside an erasure's transaction: every attempt confirmed as the person or naming them as a
    candidate (it may be their face). Returns (rows removed, pictures to delete after the commit)."""
    rows = conn.execute("SELECT id, crop FROM attempts WHERE person_id = ? OR id IN"
                        " (SELECT attempt_id FROM attempt_candidates WHERE person_id = ?)",
                        (person_id, person_id)).fetchall()
    conn.executemany("DELETE FROM attempts WHERE id = ?", [(r[0],) for r in rows])
    return len(rows), [r[1] for r in rows if r[1]]


def purge_attempts(db: Database, now: datetime, days: int) -> int:
    """Attempts older than `days` go, rows and pictures, and any picture file older than that
    whose row never was written (a crash between the two). Returns the rows removed."""
    cutoff = now - timedelta(days=days)
    with db.transaction() as conn:
        rows = conn.execute("SELECT id, crop FROM attempts WHERE at < ?", (to_iso(cutoff),)).fetchall()
        conn.executemany("DELETE FROM attempts WHERE id = ?", [(r[0],) for r in rows])
        kept = {r[0] for r in conn.execute("SELECT crop FROM attempts WHERE crop IS NOT NULL")}
    remove_crops(db, [r[1] for r in rows if r[1]])
    remove_crops(db, [p.name for p in _files(db) if p.name not in kept and _older(p, cutoff)])
    return len(rows)


def _files(db: Database) -> list[Path]:
    try:
        return [p for p in attempts_dir(db).iterdir() if _CROP_NAME.match(p.name)]
    except OSError:
        return []


def _older(path: Path, cutoff: datetime) -> bool:
    try:
        return path.stat().st_mtime < cutoff.timestamp()
    except OSError:
        return False


def _with_candidates(db: Database, rows) -> list[Attempt]:
    if not rows:
        return []
    found: dict[int, list[Candidate]] = {}
    for r in db.query_in("SELECT c.attempt_id, c.person_id, c.score, p.name FROM attempt_candidates c"
                         " LEFT JOIN people p ON p.id = c.person_id WHERE c.attempt_id IN ({}) ORDER BY c.rank",
                         [r["id"] for r in rows]):
        found.setdefault(r[0], []).append(Candidate(r[1], r[2], r[3] or r[1]))
    return [Attempt(r["id"], from_iso(r["at"]), r["kiosk_id"], r["session_id"], r["class_code"], r["crop"],
                    r["face_px"], r["sharpness"], r["frames"], r["state"], r["person_id"], r["reference"],
                    r["decided_by"], tuple(found.get(r["id"], ()))) for r in rows]
