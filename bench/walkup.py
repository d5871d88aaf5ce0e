#!/usr/bin/env python
"""Walk-up sequences built from identify_calib photos: one photo after another is one track.

    .venv/bin/python bench/walkup.py

A person's photos 2..k, shown in turn, stand for the frames of one walk-up;
every fold of people is held out once as strangers (never enrolled), so their
multi-photo tracks and the single-photo strangers test that a stranger is
called one. The gallery is enrolled from photo 1 of everyone else, named by
the shipped rule (kiosk/vision/naming.py) at its size, for each model (`--model`,
default both kiosk models). Three track rules, each judged on the same tracks, all from naming.py:

- votes: each frame is matched alone; a name is confirmed when
  vision.confirm_frames frames agree (count_votes);
- evidence: the mean of the frames so far is matched (judge_mean);
- kiosk: either (name_track), what the kiosk ships.

Reported: tracks named right, wrong names, strangers named, and the frame at
which each genuine track was confirmed. Output: bench/out/walkup.json.

The track headroom (how far a track's mean must clear the photo threshold) is swept per model
and chosen as choose_headroom says: each model has its own score scale, and the mean of a
look-alike stranger's frames rises above the threshold by a model's own amount.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import numpy as np

import calib_data
import calib_eval as ev
from _common import OUT

CONFIRM_FRAMES = 2


def tracks(emb) -> dict[str, list[np.ndarray]]:
    """person id -> the probe vectors of their photos 2..k (strangers: their one photo)."""
    out: dict[str, list[np.ndarray]] = defaultdict(list)
    for photo in calib_data.photos():
        if (photo.stranger or photo.number != "1.jpg") and photo.file in emb.probe:
            out[ev.person_id(photo.person)].append(emb.probe[photo.file])
    return out


def by_votes(rule, gallery, frames) -> tuple[str | None, int | None]:
    from kiosk.vision.naming import count_votes, name_faces

    votes, named = (), None
    for i, vector in enumerate(frames, 1):
        votes, named = count_votes(rule, votes, named, name_faces(rule, gallery, vector[None])[0])
        if named is not None:
            return named.person_id, i
    return None, None


def by_evidence(rule, gallery, frames) -> tuple[str | None, int | None]:
    from kiosk.vision.evidence import TrackEvidence
    from kiosk.vision.naming import judge_mean

    evidence = TrackEvidence()
    for i, vector in enumerate(frames, 1):
        evidence.add(vector)
        verdict = judge_mean(rule, gallery, evidence)
        if verdict.named is not None:
            return verdict.named.person_id, i
        if verdict.stranger:
            return None, None
    return None, None


def by_kiosk(rule, gallery, frames) -> tuple[str | None, int | None]:
    """What the kiosk does (name_track): agreeing frames, or the mean of the frames."""
    from kiosk.vision.evidence import TrackEvidence
    from kiosk.vision.naming import name_faces, name_track

    evidence, votes, named = TrackEvidence(), (), None
    for i, vector in enumerate(frames, 1):
        evidence.add(vector)
        verdict = name_track(rule, gallery, evidence, name_faces(rule, gallery, vector[None])[0], votes, named)
        votes, named = verdict.votes, verdict.named
        if named is not None:
            return named.person_id, i
        if verdict.stranger:
            return None, None
    return None, None


def shipped(model: str, calibrated: dict | None = None):
    """The model's NamingRule: from `calibrated` (a rule bench/identify_calib.py is about to write:
    by_people, margin) when given, else as kiosk/vision/calibration.py has it."""
    from kiosk.config import VisionSection
    from kiosk.vision.naming import NamingRule, naming_rule, threshold_for_people, REFERENCE_PEOPLE

    if calibrated is None:
        return naming_rule(VisionSection(embedder=model))
    curve = tuple((int(n), round(float(t), 3)) for n, t in calibrated["by_people"])
    return NamingRule(threshold_for_people(curve, REFERENCE_PEOPLE), calibrated["margin"], curve)


def run(rules: tuple[str, ...] = ("votes", "evidence", "kiosk"), model: str = "edgeface-s",
        calibrated: dict | None = None, **changes) -> dict:
    """Every rule on every fold; `changes` replace fields of the shipped NamingRule (a sweep)."""
    from dataclasses import replace

    rule = replace(shipped(model, calibrated), confirm_frames=CONFIRM_FRAMES, **changes)
    emb = calib_data.embedded(model)
    everyone = ev.enrol_set(emb, ("1.jpg",), model)
    frames_of = tracks(emb)
    fold = ev.folds()
    counts = {name: defaultdict(int) for name in rules}
    confirm_at = {name: [] for name in counts}
    for k in range(ev.K_FOLDS):
        held = {p for p, f in fold.items() if f == k}
        enrolled_here = {p for p in everyone.person_ids if p not in held}
        gallery = ev.scored(everyone, keep=lambda pid: pid in enrolled_here)  # named at its own size
        for person, frames in frames_of.items():
            genuine = person in enrolled_here
            if not genuine and person not in held:
                continue  # enrolled but its enrolment was refused: neither genuine nor a fair stranger
            for name in rules:
                named, at = RULES[name](rule, gallery, frames)
                _count(counts[name], genuine, person, named, len(frames))
                if genuine and named == person:
                    confirm_at[name].append(at)
    return {name: {**dict(c), "median_confirm_frame": float(np.median(confirm_at[name]))}
            for name, c in counts.items()}


RULES = {"votes": by_votes, "evidence": by_evidence, "kiosk": by_kiosk}
HEADROOMS = tuple(round(0.01 * i, 2) for i in range(0, 11))  # 0.00 .. 0.10
ROOM = 0.02  # the headroom shipped: this far above the last one that named a stranger track


def headroom_sweep(model: str = "edgeface-s", calibrated: dict | None = None) -> list[dict]:
    """The evidence rule at other values of the track headroom (NamingRule.track_headroom): how far
    a track's mean must clear the photo threshold (docs/ACCURACY.md, "Walk-up tracks")."""
    return [{"headroom": headroom, **run(("evidence",), model, calibrated, track_headroom=headroom)["evidence"]}
            for headroom in HEADROOMS]


def choose_headroom(sweep: list[dict]) -> float:
    """ROOM above the largest headroom at which a stranger track was named (a step of room: the
    strangers of other galleries are not these), or the smallest swept when none was."""
    named = [r["headroom"] for r in sweep if r["strangers_named"]]
    return round(max(named) + ROOM, 2) if named else sweep[0]["headroom"]


def _count(c, genuine: bool, person: str, named: str | None, frames: int) -> None:
    if genuine:
        c["genuine_tracks"] += 1
        c["named_right"] += named == person
        c["wrong_name"] += named not in (None, person)
    else:
        key = "stranger_tracks_multi" if frames > 1 else "stranger_tracks_single"
        c[key] += 1
        c["strangers_named"] += named is not None


def main() -> int:
    models = sys.argv[1:] or ["edgeface-s", "sface"]
    results = {model: run(model=model) for model in models}
    for model, result in results.items():
        for rule, c in result.items():
            print(f"{model:10s} {rule:9s} right {c['named_right']}/{c['genuine_tracks']} "
                  f"({100 * c['named_right'] / c['genuine_tracks']:.1f} %), wrong {c['wrong_name']}, strangers named "
                  f"{c['strangers_named']}/{c['stranger_tracks_multi'] + c['stranger_tracks_single']}, "
                  f"median frame of confirmation {c['median_confirm_frame']}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "walkup.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
