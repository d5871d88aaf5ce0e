"""kill -9 the real kiosk at random moments while students check in, many times.

    python bench/kill9.py [--kills 50] [--out bench/out/kill9.json]

The kiosk runs on the synthetic line of students (bench/door_queue.py's video,
18 people), with the config this script writes (liveness off: the synthetic faces
cannot blink), passed to every command including `run`. Each run is killed with
SIGKILL after a random 1-15 s, then restarted on the same data folder. A check-in
counts as shown when the kiosk logged it ("checked in ..."): that line is written
after the database commit and before the event reaches the screen. Afterwards:
`PRAGMA integrity_check`, and every shown check-in must be stored exactly once.
It fails (exit 1) when nothing was shown at all: a run that saw nothing proves
nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _common import OUT
from _kiosk import config_args, kiosk, schedule_now, start_run, write_config
from door_queue import build_video, pick_students

CHECKED_IN = re.compile(r"checked in (\S+) to (\S+)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--out", type=Path, default=OUT / "kill9.json")
    args = parser.parse_args()
    students = pick_students()
    video = build_video(students, OUT / "queue.mp4", 1.2, 1)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        cfg = config_args(write_config(data / "kiosk.toml", {"liveness": {"enabled": False}}))
        for s in students:
            kiosk(data, *cfg, "enroll", "--id", s.pid, "--name", s.name, str(s.enrol))
        kiosk(data, *cfg, "class", "add", "LINE", "--name", "Line", "--students", ",".join(s.pid for s in students))
        schedule_now(data, "LINE", data / "kiosk.toml", minutes=60)
        shown = [kill_once(data, video, cfg, rng.uniform(1.0, 15.0)) for _ in range(args.kills)]
        result = verify(data / "kiosk.db", [pid for run in shown for pid in run], args.kills)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    if result["checkins_shown"] == 0:
        print("error: no check-in was shown in any run: the benchmark saw nothing happen", file=sys.stderr)
        return 1
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 and result["integrity"] == "ok" else 1


def kill_once(data: Path, video: Path, cfg: list[str], after_s: float) -> list[str]:
    kiosk_process = start_run(data, *cfg, "--camera", str(video), "--windowed")
    time.sleep(after_s)
    kiosk_process.send_signal(signal.SIGKILL)
    kiosk_process.wait()
    log = (data / "run.err").read_text()
    (data / "runs.err").open("a").write(log)  # every run's log, for a look afterwards
    return [m.group(1) for m in CHECKED_IN.finditer(log)]


def verify(db: Path, shown: list[str], kills: int) -> dict:
    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        stored = dict(conn.execute("SELECT person_id, count(*) FROM attendance GROUP BY person_id"))
    finally:
        conn.close()
    return {
        "kills": kills,
        "checkins_shown": len(shown),
        "stored": sum(stored.values()),
        "people_shown": len(set(shown)),
        "shown_twice_as_new": len(shown) - len(set(shown)),
        "lost": sum(1 for pid in set(shown) if stored.get(pid, 0) == 0),
        "duplicated": sum(1 for n in stored.values() if n > 1),
        "integrity": integrity,
    }


if __name__ == "__main__":
    sys.exit(main())
