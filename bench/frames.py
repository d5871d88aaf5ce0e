"""Frame-time histogram of the kiosk's screen under full recognition load.

    python bench/frames.py [--seconds 30] [--clip PATH] [--docs]

`main.py run --camera CLIP --loop --windowed --exit-after SECONDS --stats` with
the shipped config (vision.interval_s = 0: the worker recognises as fast as it
can; liveness on with its MiniFASNet model imported), Lin-Manuel Miranda and Barack Obama enrolled and a class
active. The stats JSON's `frame_ms_histogram` (whole ms of UI work per frame:
events + update + draw + flip -> frame count, the whole run) is plotted to
bench/out/frame_times.png (`--docs` also copies it to docs/frame_times.png) and
summarised as percentiles. At 30 fps a frame has a 33.3 ms budget.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from _common import OUT, REPO, SHARED
from _kiosk import check_video, fail, kiosk, prepare_hamilton

CLIP = SHARED / "face_recognition" / "short_hamilton_clip.mp4"
BUDGET_MS = 1000 / 30
PERCENTILES = (50, 90, 95, 99, 99.9, 100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clip", type=Path, default=CLIP)
    parser.add_argument("--out", type=Path, default=OUT / "frames.json")
    parser.add_argument("--plot", type=Path, default=OUT / "frame_times.png")
    parser.add_argument("--docs", action="store_true", help="also copy the plot to docs/frame_times.png")
    args = parser.parse_args()
    if problem := check_video(args.clip):
        return fail(problem)
    stats = run(args.clip, args.seconds)
    histogram = {int(k): int(v) for k, v in stats.get("frame_ms_histogram", {}).items()}
    if not histogram:
        return fail("the stats JSON has no frame_ms_histogram (kiosk/runtime.py run_summary)")
    result = {"preliminary": True, "seconds": args.seconds, **summary(histogram),
              "ui_fps_median": stats.get("ui_fps_median"), "ui_fps_min": stats.get("ui_fps_min"),
              "process_ms_median": stats.get("process_ms_median"), "frames_processed": stats.get("frames_processed"),
              "histogram": histogram}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    plot(histogram, result, args.plot)
    if args.docs:
        shutil.copyfile(args.plot, REPO / "docs" / "frame_times.png")
    print(json.dumps({k: v for k, v in result.items() if k != "histogram"}))
    print(markdown_table(result))
    return 0


def run(clip: Path, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        prepare_hamilton(data)  # the full liveness stack, as bench/latency.py runs it
        stats_path = data / "stats.json"
        kiosk(data, "run", "--camera", str(clip), "--windowed", "--loop", "--exit-after", str(seconds),
              "--stats", str(stats_path))
        return json.loads(stats_path.read_text())


def summary(histogram: dict[int, int]) -> dict:
    """Percentiles of the per-frame ms (whole-ms bins, so each is a lower bound to within 1 ms)."""
    ms = np.array(sorted(histogram))
    counts = np.array([histogram[m] for m in ms])
    cumulative = np.cumsum(counts) / counts.sum()
    pct = {f"p{p:g}": int(ms[min(np.searchsorted(cumulative, p / 100 - 1e-12), len(ms) - 1)]) for p in PERCENTILES}
    over = int(counts[ms + 1 > BUDGET_MS].sum())
    return {"frames": int(counts.sum()), "percentiles_ms": pct, "over_budget": over,
            "over_budget_share": round(over / counts.sum(), 4)}


def plot(histogram: dict[int, int], result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ms = sorted(histogram)
    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    ax.bar(ms, [histogram[m] for m in ms], width=0.9, align="edge")
    ax.axvline(BUDGET_MS, color="red", linestyle="--", label="33.3 ms (30 fps budget)")
    ax.set_yscale("log")
    ax.set_xlabel("UI work per frame (ms: events + update + draw + flip)")
    ax.set_ylabel("frames (log)")
    p = result["percentiles_ms"]
    ax.set_title(f"Kiosk frame times under full recognition load, {result['frames']} frames "
                 f"(p50 {p['p50']} ms, p99 {p['p99']} ms)", fontsize=10)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def markdown_table(r: dict) -> str:
    p = r["percentiles_ms"]
    head = " | ".join(p)
    return "\n".join([
        f"| frames | {head} | over 33.3 ms | UI fps median / min |",
        "|---:|" + "---:|" * len(p) + "---:|---|",
        f"| {r['frames']} | " + " | ".join(f"{v} ms" for v in p.values())
        + f" | {r['over_budget']} ({r['over_budget_share']:.1%}) | {r['ui_fps_median']} / {r['ui_fps_min']} |",
    ])


if __name__ == "__main__":
    sys.exit(main())
