"""This tree against another checkout (e.g. the previous commit), interleaved in one run.

    git worktree add --detach /tmp/base HEAD~1 && ln -s "$PWD/../shared" /tmp/shared
    python bench/compare.py --base /tmp/base [--pairs 8] [--out bench/out/compare.json]

Runs bench/latency.py's kiosk run (`--runs 1 --skip-baseline`: the real kiosk on the
Hamilton clip, 10 s, liveness model installed) from each tree in turn, alternating
which goes first, with this same Python. A shared, noisy machine slows both alike
that way. Reports the median of each measure per tree and the ratio new / base.
The other tree finds the shared data beside itself (its `../shared/data`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import OUT, REPO

MEASURES = ("latency_ms_p50", "ui_fps_median", "ui_fps_min", "peak_rss_mb", "process_ms_median", "ready_s",
            "first_frame_s", "frames_processed", "camera_frames_shown", "dropped_frames", "checkins")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the other checkout")
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--out", type=Path, default=OUT / "compare.json")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="a config override for both trees' runs (bench/latency.py --set)")
    args = parser.parse_args()
    base = args.base.resolve()
    if not (base / "bench" / "latency.py").is_file() or not (base.parent / "shared" / "data").is_dir():
        print(f"error: {base} needs bench/latency.py and the shared data at {base.parent / 'shared' / 'data'}",
              file=sys.stderr)
        return 2
    runs: dict[str, list[dict]] = {"base": [], "new": []}
    for pair in range(args.pairs):
        order = [("base", base), ("new", REPO)] if pair % 2 == 0 else [("new", REPO), ("base", base)]
        for name, tree in order:
            runs[name].append(run_once(tree, args.set))
            print(f"pair {pair + 1}/{args.pairs} {name}: {brief(runs[name][-1])}", flush=True)
    result = {"base": str(base), "base_commit": commit(base), "new_commit": commit(REPO), "runs": runs,
              "median": {name: medians(r) for name, r in runs.items()}}
    result["ratio_new_over_base"] = ratios(result["median"]["new"], result["median"]["base"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))
    return 0


def run_once(tree: Path, overrides: list[str] = ()) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "latency.json"
        extra = [arg for item in overrides for arg in ("--set", item)]
        done = subprocess.run([sys.executable, str(tree / "bench" / "latency.py"), "--runs", "1", "--skip-baseline",
                               "--out", str(out), *extra], cwd=tree, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"error: {tree}: {done.stderr.strip().splitlines()[-1:]}")
        return json.loads(out.read_text())["kiosk_runs"][0]


def commit(tree: Path) -> str:
    done = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip()


def medians(runs: list[dict]) -> dict:
    found = {}
    for key in MEASURES:
        values = [r[key] for r in runs if isinstance(r.get(key), (int, float))]
        if values:
            found[key] = round(statistics.median(values), 1)
    return found


def ratios(new: dict, base: dict) -> dict:
    return {k: round(new[k] / base[k], 2) for k in new if base.get(k)}


def brief(run: dict) -> str:
    return ", ".join(f"{k} {run.get(k)}" for k in ("latency_ms_p50", "ui_fps_median", "peak_rss_mb"))


def markdown(result: dict) -> str:
    base, new, ratio = result["median"]["base"], result["median"]["new"], result["ratio_new_over_base"]
    pairs = len(result["runs"]["new"])
    lines = [f"| measure (median of {pairs} runs each) | base {result['base_commit']} | new {result['new_commit']}"
             " | new / base |", "|---|---|---|---|"]
    lines += [f"| {k} | {base.get(k)} | {new.get(k)} | {ratio.get(k, '')} |" for k in MEASURES if k in new or k in base]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
