"""The recognition worker's decisions on the Hamilton clip, frame by frame, for two trees.

    python bench/replay.py --base /tmp/base [--embedder sface] [--out bench/out/replay.json]

Feeds every frame of the clip, with a fixed 1/30 s clock step (no wall clock, no
dropped frames), to the recognition worker of each tree, with the liveness model
imported, Lin-Manuel Miranda and Barack Obama enrolled and their class in session.
Records, per frame, every message the worker sent (check-ins, faces with names,
scores and live scores, prompts, refusals) and every track's state (first seen,
confirmed as, announced as, liveness verdict), and reports the frames where the
two trees differ. Works for trees from before kiosk/recognition/ too. Each tree runs its own
default face model, or `--embedder` in both (the same model: a change that must keep its
decisions); the check-in frame of each is printed either way.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from _common import OUT, REPO, SHARED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="the other tree; without it, print this tree's decisions")
    parser.add_argument("--embedder", default="", help="run both trees with this vision.embedder")
    parser.add_argument("--tree", type=Path, default=REPO, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=OUT / "replay.json")
    args = parser.parse_args()
    if args.base is None:
        from _replay import replay

        for line in replay(args.tree.resolve(), SHARED, args.embedder):
            print(json.dumps(line))
        return 0
    base, new = decisions(args.base.resolve(), args.embedder), decisions(REPO, args.embedder)
    differing = [b[0] for b, n in zip(base, new) if b != n] + ([-1] if len(base) != len(new) else [])
    checkins = {name: [[f, m] for f, msgs, _ in tree[:-1] for m in msgs if m[0] == "checkin"]
                for name, tree in (("base", base), ("new", new))}
    result = {"frames": len(new) - 1, "embedder": args.embedder or "each tree's default",
              "frames_differing": differing, "checkins_new": checkins["new"], "checkins_base": checkins["base"],
              "rows_base": base[-1][1], "rows_new": new[-1][1]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{result['frames']} frames ({result['embedder']}), {len(differing)} differing")
    for name in ("base", "new"):
        print(f"  {name}: check-ins (frame, message): {checkins[name]}")
    return 1 if differing else 0


def decisions(tree: Path, embedder: str = "") -> list:
    extra = ["--embedder", embedder] if embedder else []
    done = subprocess.run([sys.executable, __file__, "--tree", str(tree), *extra], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"error: {tree}: {done.stderr.strip().splitlines()[-1:]}")
    return [json.loads(line) for line in done.stdout.splitlines()]


if __name__ == "__main__":
    sys.exit(main())
