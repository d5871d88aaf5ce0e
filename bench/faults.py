"""Fault injection against the real kiosk process.

    python bench/faults.py [--only CASE ...] [--out bench/out/faults.json]

Cases (all by default):
- camera_loss: the kiosk plays a copy of the clip to its end (an unplugged
  camera), the file is then replaced (plugged back in) after `--outage` seconds;
  measured: time from the replacement to the kiosk's "camera ok", over `--tries`.
- full_disk: the data folder is a tiny tmpfs (needs root to mount) that is
  filled up while check-ins stream in through the real AttendanceService;
  measured: the kiosk's reaction, and `PRAGMA integrity_check` afterwards.
- corrupt_page, deleted_wal, full_disk_at_boot (bench/fault_cases.py) and
  clock_+2.5h, clock_-24h, parallel_logins (bench/fault_attacks.py), on a door with
  18 students in a line (bench/door_queue.py's video); each reports shown, stored,
  lost, duplicated, notice seen and the exit code.

It exits 1 when a case saw nothing happen (no check-in shown where one was
expected), so a broken setup never reads as a clean result.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from _common import OUT, REPO, SHARED

CASES = ("camera_loss", "full_disk", "corrupt_page", "deleted_wal", "full_disk_at_boot", "clock_+2.5h",
         "clock_-24h", "parallel_logins")

CLIP = SHARED / "face_recognition" / "short_hamilton_clip.mp4"
STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT / "faults.json")
    parser.add_argument("--outage", type=float, default=3.0)
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=CASES, default=list(CASES))
    args = parser.parse_args()
    if not CLIP.is_file():
        print(f"error: clip not found: {CLIP}", file=sys.stderr)
        return 1
    result = {}
    if "camera_loss" in args.only:
        result["camera_loss"] = camera_loss(args.outage, args.tries)
    if "full_disk" in args.only:
        result["full_disk"] = full_disk()
    result.update(door_cases([c for c in args.only if c not in ("camera_loss", "full_disk")]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text()) if args.out.is_file() else {}
    args.out.write_text(json.dumps({**previous, **result}, indent=2) + "\n")  # --only updates its cases
    print(json.dumps(result, indent=2))
    runs = [("corrupt_page", r) for r in result.get("corrupt_page", {}).get("runs", [])]
    runs += [("deleted_wal", r) for r in result.get("deleted_wal", {}).values()]
    blind = sorted({name for name, r in runs if not r.get("shown") and not r.get("shown_before_damage")})
    if blind:
        print(f"error: no check-in was shown in {', '.join(blind)}: the case saw nothing happen", file=sys.stderr)
        return 1
    return 0


def repeated(case, times: int, timings: tuple[str, ...]) -> dict:
    """A case run `times` times: every run, and the median of each timing."""
    runs = [case(n) for n in range(times)]
    medians = {f"{key}_median": statistics.median(r[key] for r in runs if r.get(key) is not None)
               for key in timings if any(r.get(key) is not None for r in runs)}
    return {**medians, "runs": runs}


def door_cases(names: list[str]) -> dict:
    """The cases on a door with a line of students, prepared once and copied for each."""
    if not names:
        return {}
    import fault_attacks
    import fault_cases

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        prepared, cfg, video = fault_cases.prepare_door(folder)
        runs = {
            "corrupt_page": lambda: repeated(lambda n: fault_cases.corrupt_page(prepared, cfg, video, folder / f"c{n}"),
                                             3, ("notice_after_damage_s", "notice_after_first_failure_s",
                                                 "watchdog_last_ping_after_first_failure_s")),
            "deleted_wal": lambda: fault_cases.deleted_wal(prepared, cfg, video, folder),
            "full_disk_at_boot": lambda: fault_cases.full_disk_at_boot(prepared, cfg, folder),
            "clock_+2.5h": lambda: fault_attacks.clock_jump(prepared, folder / "kiosk.toml", folder, 2.5),
            "clock_-24h": lambda: fault_attacks.clock_jump(prepared, folder / "kiosk.toml", folder, -24.0),
            "parallel_logins": lambda: fault_attacks.parallel_logins(prepared, cfg, folder),
        }
        return {name: runs[name]() for name in names}


def camera_loss(outage_s: float, tries: int) -> dict:
    resumes = [one_camera_loss(outage_s) for _ in range(tries)]
    ok = [r for r in resumes if r is not None]
    return {"outage_s": outage_s, "resume_s": ok, "resume_s_median": round(statistics.median(ok), 2) if ok else None,
            "never_resumed": len(resumes) - len(ok)}


def one_camera_loss(outage_s: float) -> float | None:
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "camera.mp4"
        shutil.copy(CLIP, clip)
        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "KIOSK_DATA_DIR": tmp}
        kiosk = subprocess.Popen([sys.executable, str(REPO / "main.py"), "--log-level", "INFO", "run", "--camera",
                                  str(clip), "--windowed", "--exit-after", str(14 + outage_s)],
                                 env=env, cwd=REPO, stderr=subprocess.PIPE, text=True)
        time.sleep(9.5 + outage_s)  # the clip lasts 9.2 s: then the camera is "unplugged" for the outage
        replacement = Path(tmp) / "new.mp4"
        shutil.copy(CLIP, replacement)
        os.replace(replacement, clip)  # a new file at the path: plugged back in
        plugged = datetime.now()
        _, err = kiosk.communicate(timeout=60)
    back = [STAMP.match(line) for line in err.splitlines() if "camera ok" in line]
    stamps = [datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f") for m in back if m]
    after = [s for s in stamps if s >= plugged]
    return round((after[0] - plugged).total_seconds(), 2) if after else None


def full_disk() -> dict:
    if os.geteuid() != 0:
        return {"skipped": "needs root to mount a small tmpfs"}
    mount = Path(tempfile.mkdtemp())
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)]).returncode != 0:
        return {"skipped": "cannot mount tmpfs here"}
    try:
        writer = subprocess.Popen([sys.executable, str(REPO / "bench" / "checkin_writer.py"), str(mount), "0.01"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        filler = mount / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
        time.sleep(2.0)  # check-ins keep coming while the disk is full
        filler.unlink()  # IT frees space: the kiosk carries on
        time.sleep(1.0)
        time.sleep(1.0)  # the writer saves what it kept
        writer.kill()
        out, err = writer.communicate(timeout=60)
        lines = out.splitlines()
        shown = sum(1 for line in lines if line.startswith("shown "))
        notices = [line for line in lines if line.startswith("notice ")]
        last_notice = max((i for i, line in enumerate(lines) if line.startswith("notice ")), default=len(lines))
        resumed = sum(1 for line in lines[last_notice:] if line.startswith("shown "))
        import sqlite3

        conn = sqlite3.connect(mount / "kiosk.db")
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        stored = conn.execute("SELECT count(*) FROM attendance").fetchone()[0]
        duplicated = conn.execute("SELECT count(*) - count(DISTINCT person_id) FROM attendance").fetchone()[0]
        conn.close()
        kept = sum(1 for line in lines if line.startswith("kept "))
        saved = sum(1 for line in lines if line.startswith("saved "))
        return {"shown": shown, "kept_in_memory": kept, "saved_later": saved, "stored": stored,
                "lost": max(0, shown + saved - stored), "duplicated": duplicated,
                "integrity": integrity, "notices": len(notices), "shown_after_space_freed": resumed,
                "first_notice": notices[0][7:200] if notices else None,
                "traceback": "Traceback" in err}
    finally:
        subprocess.run(["umount", str(mount)])


if __name__ == "__main__":
    sys.exit(main())
