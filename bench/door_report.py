#!/usr/bin/env python
"""Reads bench/door_days.py's output, chooses the door reference rule on other people than it is
judged on, and prints the tables of docs/ACCURACY.md ("Learning from the door").

    .venv/bin/python bench/door_report.py [--model sface]

Harm is counted beyond the kiosk without door references: a wrong name or a named stranger counts
only when the same walk-up (same day, same person) was not named so in the run with none. For each
fold k of people: among the settings that, on the other folds' people, did no harm in the honest run
nor in either attack, the one naming the most students in the honest run, judged on fold k. The sums
over the five folds are the honest estimate. Writes bench/out/door_report-<model>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from _common import OUT

SAFETY_RUNS = ("honest", "stranger", "lookalike")
FOLDS = ("0", "1", "2", "3", "4")


def excess(run: dict, baseline: dict, fold_of: dict, folds) -> int:
    """Wrong names and named strangers of `run` on people of `folds` that the run without door
    references did not make on the same walk-up."""
    total = 0
    for day, base in zip(run["days"], baseline["days"]):
        extra = Counter(map(tuple, day["errors"])) - Counter(map(tuple, base["errors"]))
        total += sum(n for (person, _), n in extra.items() if fold_of[person] in folds)
    return total


def fold_sum(run: dict, folds, key: str) -> int:
    return sum(day["by_fold"].get(f, {}).get(key, 0) for day in run["days"] for f in folds)


def choose(data: dict, fold_of: dict, folds) -> dict | None:
    safe = [r for r in data["results"]
            if all(excess(r["runs"][run], data["baseline"], fold_of, folds) == 0 for run in SAFETY_RUNS)]
    return max(safe, key=lambda r: (fold_sum(r["runs"]["honest"], folds, "named_right"), r["setting"]["own_bar"]),
               default=None)


def cross_validated(data: dict, fold_of: dict) -> list[dict]:
    rows = []
    for k in FOLDS:
        pick = choose(data, fold_of, [f for f in FOLDS if f != k])
        runs = pick["runs"]
        rows.append({"fold": k, "setting": pick["setting"],
                     "named": fold_sum(runs["honest"], [k], "named_right"),
                     "walkups": fold_sum(runs["honest"], [k], "walkups"),
                     "none_named": fold_sum(data["baseline"], [k], "named_right"),
                     "harm": {run: excess(runs[run], data["baseline"], fold_of, [k]) for run in runs}})
    return rows


def grid_table(data: dict, fold_of: dict) -> list[str]:
    """Every (bar, lead, vector) of the grid at keep 3 and weight 1: named, and harm per run."""
    lines = ["| bar against the enrolment | lead | reference | walk-ups named (of 4,000) | harm: honest | stranger attack "
             "| look-alike attack | automatic adding |", "|---|---|---|---|---|---|---|---|"]
    for r in sorted(data["results"], key=lambda r: (r["setting"]["own_bar"], r["setting"]["margin"], r["setting"]["vector"])):
        s = r["setting"]
        if s["keep"] != 3 or s["weight"] != 1.0:
            continue
        harm = [excess(r["runs"][run], data["baseline"], fold_of, FOLDS) for run in (*SAFETY_RUNS, "auto")]
        named = fold_sum(r["runs"]["honest"], FOLDS, "named_right")
        lines.append(f"| {s['own_bar']:.3f} | {s['margin']:.2f} | {s['vector']} | {named:,} | " + " | ".join(map(str, harm))
                     + " |")
    return lines


def per_day_table(shipped: dict, baseline: dict) -> list[str]:
    lines = ["| day | named, none | named, learning | wrong names | strangers named (of walk-ups) | attempts "
             "| references added | refused |", "|---|---|---|---|---|---|---|---|"]
    for i, (day, base) in enumerate(zip(shipped["runs"]["honest"]["days"], baseline["days"]), 1):
        lines.append(f"| {i} | {base['named_right']}/{base['walkups']} | {day['named_right']}/{day['walkups']} | "
                     f"{day['wrong']} | {day['strangers_named']} ({day['stranger_walkups']}) | {day['attempts']} | "
                     f"{day['added']} | {day['refused']} |")
    return lines


def main(argv=None) -> int:
    import calib_eval as ev

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="sface")
    args = parser.parse_args(argv)
    data = json.loads((OUT / f"door_days-{args.model}.json").read_text(encoding="utf-8"))
    fold_of = ev.folds()
    shipped = data["shipped"]
    report = {"model": args.model, "days": data["days"], "cross_validated": cross_validated(data, fold_of),
              "chosen_on_everyone": choose(data, fold_of, FOLDS)["setting"], "shipped": shipped["setting"],
              "shipped_harm": {run: excess(shipped["runs"][run], data["baseline"], fold_of, FOLDS)
                               for run in shipped["runs"]},
              "shipped_exam": {run: {k: v for k, v in shipped["runs"][run].items() if k != "days"}
                               for run in shipped["runs"]},
              "none_exam": {k: v for k, v in data["baseline"].items() if k != "days"},
              "attack_day1": {run: {k: shipped["runs"][run]["days"][0][k] for k in ("attempts", "added", "refused")}
                              for run in ("stranger", "lookalike")}}
    (OUT / f"door_report-{args.model}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report, indent=1))
    print("\n".join(grid_table(data, fold_of)))
    print()
    print("\n".join(per_day_table(shipped, data["baseline"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
