"""A 600-user OneRoster import: how long `main.py import oneroster` takes (target: <= 5 s).

    python bench/oneroster.py [--runs 5] [--users 600] [--classes 30] [--central] [--out bench/out/oneroster.json]

The bundle is the tests' own school system (tests/oneroster_support.py): 2 schools, 30 classes,
600 users (30 teachers, 570 students in two classes each: 1,170 enrollments), OneRoster 1.1,
zipped. Each run starts from an empty data folder and times, as a whole process (Python start,
imports, reading and checking the zip, planning, one SQLite transaction, the audit row):

- the first import (everything added), then the same bundle again (everything unchanged);
- in process (main() called directly): the same two, without the interpreter's start.

`--central` also times the first import through the central admin path: SecantusDB
in-process on 127.0.0.1 (the test server; a real mongod is faster), written centrally and
then pulled into the local file, as with mongo.uri set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import OUT, REPO

sys.path.insert(0, str(REPO / "tests"))  # the tests' own bundle writer
from oneroster_support import school, write_zip  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--classes", type=int, default=30)
    parser.add_argument("--central", action="store_true", help="also through a central database (SecantusDB)")
    parser.add_argument("--out", type=Path, default=OUT / "oneroster.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bundle = write_zip(Path(tmp) / "sis.zip", school(args.users, args.classes).files())
        results = {"process": _runs(args.runs, lambda d: _process(bundle, d), Path(tmp)),
                   "in_process": _runs(args.runs, lambda d: _in_process(bundle, d), Path(tmp))}
        if args.central:
            results["central"] = _runs(args.runs, lambda d: _central(bundle, d), Path(tmp))
    summary = {"users": args.users, "classes": args.classes, "runs": args.runs, **{
        way: {step: {"median_s": round(statistics.median(times), 3), "all_s": [round(t, 3) for t in times]}
              for step, times in steps.items()} for way, steps in results.items()}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n")
    for way, steps in summary.items():
        if isinstance(steps, dict):
            print(way, ", ".join(f"{step} {v['median_s']:.3f} s (median of {args.runs})" for step, v in steps.items()))
    return 0


def _runs(runs: int, once, tmp: Path) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for n in range(runs):
        for step, seconds in once(tmp / f"run-{time.monotonic_ns()}-{n}").items():
            times.setdefault(step, []).append(seconds)
    return times


def _process(bundle: Path, data: Path) -> dict[str, float]:
    took = {}
    for step in ("first", "again"):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(REPO / "main.py"), "--data-dir", str(data), "import", "oneroster",
                               str(bundle)], capture_output=True, text=True, cwd=REPO,
                              env={**os.environ, "KIOSK_MONGO_URI": ""})
        took[step] = time.perf_counter() - start
        assert done.returncode == 0, done.stderr
    return took


def _in_process(bundle: Path, data: Path) -> dict[str, float]:
    import contextlib
    import io

    from kiosk.cli.main import main as kiosk

    took = {}
    for step in ("first", "again"):
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            assert kiosk(["--data-dir", str(data), "import", "oneroster", str(bundle)]) == 0
        took[step] = time.perf_counter() - start
    return took


def _central(bundle: Path, data: Path) -> dict[str, float]:
    import contextlib
    import io

    from secantus import SecantusDBServer

    from kiosk.cli.main import main as kiosk

    server = SecantusDBServer(host="127.0.0.1", port=0, storage_path=str(data / "central"), sync_on_commit=True)
    server.start()
    os.environ["KIOSK_MONGO_URI"] = f"mongodb://127.0.0.1:{server.port}/"
    try:
        took = {}
        for step in ("first", "again"):
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                assert kiosk(["--data-dir", str(data / "local"), "import", "oneroster", str(bundle)]) == 0
            took[step] = time.perf_counter() - start
        return took
    finally:
        os.environ.pop("KIOSK_MONGO_URI", None)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
