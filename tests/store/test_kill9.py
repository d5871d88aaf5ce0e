"""kill -9 at random moments while check-ins stream in: the database stays
intact and every check-in that reached the screen is stored exactly once."""

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

WRITER = Path(__file__).resolve().parents[2] / "bench" / "checkin_writer.py"
KILLS = 50


def test_kill_minus_nine_fifty_times(data_dir):
    rng = random.Random(9)
    shown: list[str] = []
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, str(WRITER), str(data_dir)], stdout=subprocess.PIPE, text=True)
        # Killed at a random moment once it is writing, however long the machine took to start it.
        first = child.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.35))
        child.kill()  # SIGKILL
        out, _ = child.communicate()
        shown += [words[1] for words in map(str.split, (first + out).splitlines())
                  if len(words) == 3 and words[0] == "shown" and words[2] in ("present", "late")]
    conn = sqlite3.connect(data_dir / "kiosk.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = dict(conn.execute("SELECT person_id, count(*) FROM attendance GROUP BY person_id"))
    assert len(shown) > KILLS, f"only {len(shown)} check-ins shown: the kills came too early"
    missing = [pid for pid in shown if stored.get(pid) != 1]
    assert missing == []
    assert len(shown) == len(set(shown))  # never shown as newly checked in twice
