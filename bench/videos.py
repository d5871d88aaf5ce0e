#!/usr/bin/env python
"""Every real video we have, through the recognition worker, against a large gallery, for two trees.

    python bench/videos.py [--base /tmp/base] [--out bench/out/videos.json]

The gallery: photo 1 of every identify_calib person (through `main.py enroll
--from-dir`, about 200 people) plus Lin-Manuel Miranda and Barack Obama, all on
the roster of one class in session, so any name the worker settles on is a
check-in. Liveness is off: this measures who is named, not who is live
(bench/liveness.py measures that). Each video's frames are fed in order with a
fixed 1/30 s clock step. The people in the replay clips are enrolled nowhere:
every check-in there is a stranger named. In the Hamilton clip only Lin-Manuel
may be named (Obama sits turned away; the rest are strangers).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from _common import OUT, REPO, SHARED

VIDEOS = {
    "hamilton": "face_recognition/short_hamilton_clip.mp4",
    "lestari15 live": "antispoof/replay-videos/real/lestari15.mp4",
    "lestari15 replayed": "antispoof/replay-videos/spoof/lestari15.mp4",
    "tranvanluyt2203 live": "antispoof/replay-videos/real/tranvanluyt2203.mp4",
    "tranvanluyt2203 replayed": "antispoof/replay-videos/spoof/tranvanluyt2203.mp4",
}
ALLOWED = {"hamilton": {"lin"}}  # who may be named in each video


def run_tree(tree: Path) -> dict:
    """In a subprocess with that tree's kiosk/ first on the path (see main)."""
    done = subprocess.run([sys.executable, __file__, "--tree", str(tree)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"error: {tree}: {done.stderr.strip().splitlines()[-3:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def inside(tree: Path) -> dict:
    sys.path.insert(0, str(tree))
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from _replay import ZONE, frame_type, start_worker  # noqa: E402 - after the path is set

    data = Path(tempfile.mkdtemp())
    people = prepare(tree, data, ZONE)
    out = {"gallery": people, "videos": {}}
    for name, rel in VIDEOS.items():
        worker, drain, _ = start_worker(tree, data, {"liveness": {"enabled": False}})
        out["videos"][name] = feed(worker, SHARED / rel, frame_type(tree), drain)
    return out


def feed(worker, path: Path, frame_cls, drain) -> dict:
    """Every frame in order; who was named (first frame) and how often "not recognised" was shown."""
    import cv2

    capture, index, t = cv2.VideoCapture(str(path)), 0, 1000.0
    named, strangers = {}, 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        worker.process(frame_cls(image, t, index))
        for message in drain():
            if type(message).__name__ == "CheckInPosted":
                if message.checkin.person_id:
                    named.setdefault(message.checkin.person_id, index)
                else:
                    strangers += 1
        index, t = index + 1, t + 1 / 30
    return {"frames": index, "named_first_frame": named, "not_recognised": strangers}


def prepare(tree: Path, data: Path, zone: str) -> int:
    env = {**os.environ, "KIOSK_DATA_DIR": str(data), "KIOSK_TIMEZONE": zone}

    def cli(*argv: str, check=True) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(tree / "main.py"), *argv], env=env, check=check,
                              capture_output=True, text=True, cwd=tree)

    folder = data / "photo1"
    for person in sorted((SHARED / "identify_calib" / "lfw").iterdir()) + sorted(
            (SHARED / "identify_calib" / "pins").iterdir()):
        (folder / person.name).mkdir(parents=True)
        (folder / person.name / "1.jpg").symlink_to(person / "1.jpg")
    cli("enroll", "--from-dir", str(folder), check=False)  # refused photos are reported, not fatal
    photos = SHARED / "face_recognition"
    cli("enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photos / "lin-manuel-miranda.png"))
    cli("enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"))
    ids = [line.split("\t")[0] for line in cli("person", "list").stdout.splitlines() if "\t" in line]
    cli("class", "add", "ALL", "--name", "Everyone", "--students", ",".join(ids))
    now = datetime.now(ZoneInfo(zone))
    cli("schedule", "add", "ALL", "--start", f"{now - timedelta(minutes=1):%H:%M}",
        "--end", f"{now + timedelta(minutes=90):%H:%M}", "--date", f"{now:%Y-%m-%d}")
    return len(ids)


def report(result: dict) -> dict:
    """Per video: the people named, and which of them are strangers (not allowed there)."""
    rows = {}
    for name, v in result["videos"].items():
        wrong = sorted(set(v["named_first_frame"]) - ALLOWED.get(name, set()))
        rows[name] = {**v, "strangers_named": wrong}
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="the other tree (e.g. the previous commit)")
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=OUT / "videos.json")
    args = parser.parse_args()
    if args.tree:
        print(json.dumps(inside(args.tree.resolve())))
        return 0
    result = {"new": run_tree(REPO)}
    if args.base:
        result["base"] = run_tree(args.base.resolve())
    for tree, r in result.items():
        print(f"== {tree}: gallery of {r['gallery']} people")
        for name, v in report(r).items():
            print(f"  {name:26s} {v['frames']:4d} frames  named {v['named_first_frame']}  "
                  f"strangers named {v['strangers_named']}  'not recognised' {v['not_recognised']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
