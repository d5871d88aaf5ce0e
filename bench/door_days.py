#!/usr/bin/env python
"""Simulated school days at a door that learns from staff (issue 24): what door references buy, and
whether they can ever make a wrong name.

    .venv/bin/python bench/door_days.py [--model sface] [--days 20]

The simulation is bench/door_sim.py's (read its docstring); the frames bench/door_frames.py's.
Runs, each over --days days:
- none: no door reference ever (the kiosk before this change);
- honest: staff confirm every unrecognised student's attempt, the rule adds what it allows;
- stranger / lookalike: the two attacks on day 1, honest review after;
- auto: honest, plus references that add themselves (the issue's "measure first");
for every reference rule of the grid (own bar, margin, references kept, the attempt's vector: the
track's mean or its best frame), and door references weighted 1 or 0.5 in the centroid.
Parameters are chosen on other people than they are judged on: 5 folds of people; the rule judged
on fold k is the one that, on the other folds, made no wrong name and named no stranger in every run
(attacks included) and named the most students. Output: bench/out/door_days.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import asdict, dataclass

import numpy as np

import door_frames
import door_sim as sim
from _common import OUT

RUNS = ("none", "honest", "stranger", "lookalike", "auto")
OWN_BARS = (0.30, 0.36, 0.40, 0.444, 0.48, 0.52)
MARGINS = (0.0, 0.08, 0.16)
KEEPS = (1, 3, 5)
VECTORS = ("mean", "best")
WEIGHTS = (1.0, 0.5)


@dataclass(frozen=True)
class Setting:
    own_bar: float
    margin: float
    keep: int
    vector: str
    weight: float


def one_day(w: sim.World, g: sim.Gallery, rule, day: int, run: str, setting: Setting, out: sim.Day) -> None:
    rng = np.random.default_rng(1000 * day + 17)
    staff: list[tuple[str, np.ndarray]] = []
    kiosk = g.kiosk()
    for person in sorted(w.daily):
        frames = sim.frames_of(w, w.daily[person], rng)
        if not frames:
            continue
        walk = sim.walk(w.rule, kiosk, person, frames)
        _count(w, out, walk)
        if walk.named is None and walk.frames >= sim.MIN_FRAMES and walk.best.keepable:
            out.attempts += 1
            vector = walk.mean if setting.vector == "mean" else walk.best.vector
            target = _confirmed_as(w, g, run, day, person, vector)
            if target is not None:
                staff.append((target, vector))
        elif run == "auto" and walk.named is not None and walk.lead >= sim.AUTO_LEAD \
                and g.best_to_rows(walk.named, walk.mean) < sim.AUTO_FAR:
            out.auto_added += g.offer(_reference_rule(w, setting), walk.named, walk.mean)
    for target, vector in staff:
        added = g.offer(_reference_rule(w, setting), target, vector)
        out.added += added
        out.refused += not added
        out.attack_added += added and run in ("stranger", "lookalike") and day == 1


def _confirmed_as(w: sim.World, g: sim.Gallery, run: str, day: int, person: str, vector) -> str | None:
    """Who staff say the attempt is: the student themself, nobody for a stranger; on day 1 of an
    attack, the student the face looks most like (a stranger's), or the other student it looks
    most like (a student's look-alike)."""
    attacked = day == 1 and (run == "stranger" and person in w.strangers or run == "lookalike"
                             and person not in w.strangers)
    if attacked:
        scores, ids = g.others(vector, person)
        return ids[int(np.argmax(scores))]
    if person in w.strangers or run == "none":
        return None
    return person


def _count(w: sim.World, out: sim.Day, walk: sim.Walk) -> None:
    if walk.named not in (None, walk.person):
        out.errors.append([walk.person, walk.named])
    fold = out.by_fold.setdefault(w.fold[walk.person], {"walkups": 0, "named_right": 0, "wrong": 0,
                                                        "strangers_named": 0})
    if walk.person in w.strangers:
        out.stranger_walkups += 1
        out.strangers_named += walk.named is not None
        fold["strangers_named"] += walk.named is not None
        return
    out.walkups += 1
    out.named_right += walk.named == walk.person
    out.wrong += walk.named not in (None, walk.person)
    fold["walkups"] += 1
    fold["named_right"] += walk.named == walk.person
    fold["wrong"] += walk.named not in (None, walk.person)


def _reference_rule(w: sim.World, s: Setting):
    from kiosk.vision.naming import same_face_score
    from kiosk.vision.references import ReferenceRule

    return ReferenceRule(s.own_bar, same_face_score(w.vision), s.margin, s.keep)


def exam(w: sim.World, g: sim.Gallery) -> dict:
    """The held-back photo of every student, once, as a walk-up against the final gallery; and
    photo-size probes (identify_calib's own protocol: every other photo at its own size, and the
    strangers) against it, to see whether door references drag the centroids."""
    from kiosk.vision.naming import name_faces

    rng = np.random.default_rng(99)
    kiosk = g.kiosk()
    counts = {"exam_walkups": 0, "exam_right": 0, "exam_wrong": 0}
    for person, file in sorted(w.exam.items()):
        frames = sim.frames_of(w, [file], rng)
        if not frames:
            continue
        walk = sim.walk(w.rule, kiosk, person, frames)
        counts["exam_walkups"] += 1
        counts["exam_right"] += walk.named == person
        counts["exam_wrong"] += walk.named not in (None, person)
    p = w.probes
    named = [m.person_id for m in name_faces(w.rule, kiosk, p.vectors)]
    genuine = [i for i in range(len(named)) if p.found[i] and not p.stranger[i] and p.people[i] in w.enrol]
    strangers = [i for i in range(len(named)) if p.found[i] and p.stranger[i]]
    counts.update(photos=len(genuine), photos_right=sum(named[i] == p.people[i] for i in genuine),
                  photos_wrong=sum(named[i] not in (None, p.people[i]) for i in genuine),
                  photo_strangers=len(strangers), photo_strangers_named=sum(named[i] is not None for i in strangers))
    held = [len(v) for v in g.door.values() if v]
    counts["people_with_references"] = len(held)
    counts["references_per_person_max"] = max(held, default=0)
    return counts


def simulate(w: sim.World, run: str, setting: Setting, days: int) -> dict:
    g = sim.Gallery(w, setting.weight)
    per_day = []
    for day in range(1, days + 1):
        out = sim.Day()
        one_day(w, g, _reference_rule(w, setting) if run != "none" else None, day, run, setting, out)
        per_day.append(out)
    return {"days": [_plain(d) for d in per_day], **exam(w, g),
            "references": sum(len(v) for v in g.door.values())}


def _plain(d: sim.Day) -> dict:
    return asdict(d)


def grid() -> list[Setting]:
    return [Setting(*values) for values in itertools.product(OWN_BARS, MARGINS, KEEPS, VECTORS, WEIGHTS)]


def shipped(model: str, keep: int | None = None) -> Setting:
    """The rule the kiosk ships (kiosk/enrolment/door.py) for `model`, as a Setting."""
    from kiosk.config import VisionSection
    from kiosk.enrolment.door import reference_rule

    rule = reference_rule(VisionSection(embedder=model))  # the model's own naming threshold
    return Setting(rule.own_bar, rule.margin, keep or rule.keep, "mean", 1.0)


def keep_sweep(w: sim.World, model: str, days: int) -> dict:
    """The shipped rule over a longer term, keeping 1, 2, 3, 5 or 20 door references a person."""
    out = {}
    for keep in (1, 2, 3, 5, 20):
        setting = shipped(model, keep)
        out[str(keep)] = {run: simulate(w, run, setting, days) for run in ("honest", "stranger")}
        print(f"keep {keep}: done", file=sys.stderr, flush=True)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="sface")
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="only the shipped rule, no grid")
    parser.add_argument("--keep-sweep", type=int, metavar="DAYS", help="the shipped rule over DAYS days, by how many "
                                                                         "references a person keeps")
    parser.add_argument("--hard", action="store_true", help="a harder door: small faces, mostly dim light")
    args = parser.parse_args(argv)
    w = sim.world(args.model, door_frames.frames(args.model))
    suffix = "-hard" if args.hard else ""
    if args.hard:
        sim.harder()
    if args.keep_sweep:
        path = OUT / f"door_keep-{args.model}{suffix}.json"
        path.write_text(json.dumps({"days": args.keep_sweep, "baseline": simulate(w, "none", shipped(args.model), args.keep_sweep),
                                    "keeps": keep_sweep(w, args.model, args.keep_sweep)}, indent=1), encoding="utf-8")
        print(f"wrote {path}")
        return 0
    settings = [shipped(args.model)] if args.quick else grid() + [shipped(args.model)]
    results = []
    started = time.monotonic()
    for setting in settings:
        runs = {run: simulate(w, run, setting, args.days) for run in RUNS if run != "none"}
        results.append({"setting": asdict(setting), "runs": runs})
        print(f"{setting}: {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    baseline = simulate(w, "none", settings[0], args.days)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"door_days-{args.model}{suffix}.json"
    path.write_text(json.dumps({"model": args.model, "days": args.days, "baseline": baseline, "results": results[:-1],
                                "shipped": results[-1]}, indent=1), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
