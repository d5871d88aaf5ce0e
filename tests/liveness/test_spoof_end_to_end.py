"""End to end: a video of one still frame of Lin-Manuel Miranda, moved by a
hand-like jitter (a printed photo held up to the kiosk), never checks him in
and records a spoof event. The real kiosk runs in a subprocess, as in
tests/test_end_to_end.py (whose genuine clip must still check him in once)."""

import csv
import io
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import cv2
import numpy as np

from tests.test_end_to_end import install_liveness_model, kiosk, midday_zone  # noqa: F401  (fixture)

STILL_FRAME = 120  # Lin faces the camera here


def still_jitter_video(clip, out, seconds=8.0, fps=30.0):
    cap = cv2.VideoCapture(str(clip))
    cap.set(cv2.CAP_PROP_POS_FRAMES, STILL_FRAME)
    ok, still = cap.read()
    cap.release()
    assert ok
    h, w = still.shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    rng = np.random.default_rng(7)
    phase = rng.uniform(0, 2 * np.pi, 4)
    for i in range(int(seconds * fps)):
        t = i / fps
        wave = np.sin(2 * np.pi * np.array([0.3, 0.4, 0.5, 0.35]) * t + phase)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), 3.0 * wave[0], 1.0 + 0.04 * wave[1])
        m[:, 2] += (10 * wave[2], 6 * wave[3])
        writer.write(cv2.warpAffine(still, m, (w, h), borderMode=cv2.BORDER_REFLECT))
    writer.release()
    return out


def test_still_photo_with_hand_jitter_never_checks_in(kiosk, shared, tmp_path, data_dir):  # noqa: F811
    photos = shared / "face_recognition"
    video = still_jitter_video(photos / "short_hamilton_clip.mp4", tmp_path / "still.mp4")
    install_liveness_model(kiosk, shared)
    assert kiosk("enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photos / "lin-manuel-miranda.png")).returncode == 0
    assert kiosk("class", "add", "HAM1", "--name", "Hamilton", "--students", "lin").returncode == 0
    now = datetime.now(ZoneInfo(midday_zone()))
    start, end = now - timedelta(minutes=2), now + timedelta(minutes=60)
    assert kiosk("schedule", "add", "HAM1", "--start", f"{start:%H:%M}", "--end", f"{end:%H:%M}",
                 "--date", f"{now:%Y-%m-%d}").returncode == 0

    ran = kiosk("run", "--camera", str(video), "--windowed", "--exit-after", "9")
    assert ran.returncode == 0, ran.stderr

    export = kiosk("attendance", "export", "--format", "csv")
    assert [r["status"] for r in csv.DictReader(io.StringIO(export.stdout))] == ["not yet"]  # never checked in
    db = sqlite3.connect(data_dir / "kiosk.db")
    rows = db.execute("SELECT person_id, session_id, liveness_score, cues FROM spoof_events").fetchall()
    assert rows, "a rejected attempt must be recorded as a spoof event"
    assert rows[0][0] == "lin" and rows[0][1] is not None and rows[0][2] < 0.5
