"""Memory over a long run: the real kiosk on a looping clip, its RSS sampled every few seconds.

    python bench/soak.py [--minutes 10] [--every 5] [--clip PATH] [--out bench/out/soak.json]

`main.py run --camera CLIP --loop --windowed --exit-after MINUTES*60 --stats` in a
fresh data folder (Lin-Manuel Miranda and Barack Obama enrolled, a class active
now, the MiniFASNet liveness model imported: as in bench/latency.py). VmRSS of the kiosk process is read from
/proc/<pid>/status every `--every` seconds. Reports the peak, the least-squares
slope in MB/min over the whole run and after the first minute (warm-up: models,
fonts, first surfaces), and plots bench/out/soak.png.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import OUT, SHARED
from _kiosk import check_video, fail, prepare_hamilton, start_run

PHOTOS = SHARED / "face_recognition"
CLIP = PHOTOS / "short_hamilton_clip.mp4"
PEAK_TARGET_MB = 400
FLAT_MB_PER_MIN = 1.0  # what "flat" means here: under 1 MB/min after warm-up


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=5.0)
    parser.add_argument("--clip", type=Path, default=CLIP)
    parser.add_argument("--out", type=Path, default=OUT / "soak.json")
    parser.add_argument("--plot", type=Path, default=OUT / "soak.png")
    args = parser.parse_args()
    if problem := check_video(args.clip):
        return fail(problem)
    result = soak(args.clip, args.minutes, args.every)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    plot(result, args.plot)
    print(json.dumps({k: v for k, v in result.items() if k not in ("samples", "stats")}))
    print(markdown_table(result))
    return 0 if result["exit_code"] == 0 else 1


def soak(clip: Path, minutes: float, every: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        prepare_hamilton(data, minutes=int(minutes) + 30)  # the full liveness stack, as bench/latency.py runs it
        stats_path = data / "stats.json"
        proc = start_run(data, "--camera", str(clip), "--windowed", "--loop",
                         "--exit-after", str(minutes * 60), "--stats", str(stats_path))
        samples = sample_rss(proc, every, minutes * 60 + 30)
        code = proc.wait()
        stats = json.loads(stats_path.read_text()) if stats_path.is_file() else {}
        if code != 0:
            print(f"error: kiosk exited with {code}: {(data / 'run.err').read_text().strip()[-300:]}", file=sys.stderr)
    t = np.array([s[0] for s in samples]) / 60
    mb = np.array([s[1] for s in samples])
    late = t >= 1.0
    return {
        "preliminary": True, "minutes": minutes, "samples_n": len(samples), "exit_code": code,
        "peak_rss_mb": round(float(mb.max()), 1) if len(mb) else None,
        "start_rss_mb": round(float(mb[0]), 1) if len(mb) else None,
        "end_rss_mb": round(float(mb[-1]), 1) if len(mb) else None,
        "slope_mb_per_min": slope(t, mb),
        "slope_after_1min_mb_per_min": slope(t[late], mb[late]),
        "ui_fps_median": stats.get("ui_fps_median"), "ui_fps_min": stats.get("ui_fps_min"),
        "checkins": stats.get("checkins"), "recognitions": stats.get("recognitions"),
        "samples": [(round(s, 1), round(m, 1)) for s, m in samples],
        "stats": {k: v for k, v in stats.items() if k != "frame_ms_histogram"},
    }


def sample_rss(proc: subprocess.Popen, every: float, timeout: float) -> list[tuple[float, float]]:
    """(seconds since start, VmRSS MB) until the process exits; killed if it overruns."""
    started, samples = time.monotonic(), []
    while proc.poll() is None:
        rss = vm_rss_mb(proc.pid)
        if rss is not None:
            samples.append((time.monotonic() - started, rss))
        if time.monotonic() - started > timeout:
            proc.terminate()
            break
        try:
            proc.wait(every)
        except subprocess.TimeoutExpired:
            pass
    return samples


def vm_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:  # exited between poll() and the read
        return None
    return None


def slope(t: np.ndarray, mb: np.ndarray) -> float | None:
    """Least-squares MB per minute."""
    if len(t) < 2 or np.ptp(t) == 0:
        return None
    return round(float(np.polyfit(t, mb, 1)[0]), 3)


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not result["samples"]:
        return
    t = np.array([s[0] for s in result["samples"]]) / 60
    mb = np.array([s[1] for s in result["samples"]])
    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    ax.plot(t, mb, marker=".", label="kiosk VmRSS")
    ax.axhline(PEAK_TARGET_MB, color="grey", linestyle="--", label=f"target peak {PEAK_TARGET_MB} MB")
    ax.set_xlabel("minutes")
    ax.set_ylabel("MB")
    ax.set_ylim(0, max(PEAK_TARGET_MB * 1.1, mb.max() * 1.1))
    ax.set_title(f"Kiosk memory, looping clip, {result['minutes']:g} min "
                 f"(slope after 1 min: {result['slope_after_1min_mb_per_min']} MB/min)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def markdown_table(r: dict) -> str:
    return "\n".join([
        "| measure | kiosk | target |", "|---|---|---|",
        f"| peak RSS over {r['minutes']:g} min (MB) | {r['peak_rss_mb']} | <= {PEAK_TARGET_MB} |",
        f"| RSS slope, whole run / after 1 min (MB/min) | {r['slope_mb_per_min']} / "
        f"{r['slope_after_1min_mb_per_min']} | flat (< {FLAT_MB_PER_MIN}) |",
        f"| RSS start -> end (MB) | {r['start_rss_mb']} -> {r['end_rss_mb']} | |",
        f"| UI fps median / min | {r['ui_fps_median']} / {r['ui_fps_min']} | >= 30 / >= 25 |",
    ])


if __name__ == "__main__":
    sys.exit(main())
