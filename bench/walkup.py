#!/usr/bin/env python
"""Walk-up sequences built from identify_calib photos: one photo after another is one track.

    .venv/bin/python bench/walkup.py

A person's photos 2..k, shown in turn, stand for the frames of one walk-up;
every fold of people is held out once as strangers (never enrolled), so their
multi-photo tracks and the single-photo strangers test that a stranger is
called one. The gallery is enrolled from photo 1 of everyone else, named by
the shipped rule (kiosk/vision/naming.py) at its size. Three track rules, each
judged on the same tracks, all from naming.py:

- votes: each frame is matched alone; a name is confirmed when
  vision.confirm_frames frames agree (count_votes);
- evidence: the mean of the frames so far is matched (judge_mean);
- kiosk: either (name_track), what the kiosk ships.

Reported: tracks named right, wrong names, strangers named, and the frame at
which each genuine track was confirmed. Output: bench/out/walkup.json.
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


def run(rules: tuple[str, ...] = ("votes", "evidence", "kiosk"), **changes) -> dict:
    """Every rule on every fold; `changes` replace fields of the shipped NamingRule (a sweep)."""
    from dataclasses import replace

    from kiosk.config import VisionSection
    from kiosk.vision.naming import naming_rule

    rule = replace(naming_rule(VisionSection()), confirm_frames=CONFIRM_FRAMES, **changes)
    emb = calib_data.embedded("sface")
    everyone = ev.enrol_set(emb, ("1.jpg",), "sface")
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
HEADROOMS = (0.03, 0.05, 0.06, 0.07, 0.09)


def headroom_sweep() -> list[dict]:
    """The evidence rule at other values of the track headroom (NamingRule.track_headroom): how far
    a track's mean must clear the photo threshold (docs/ACCURACY.md, "Walk-up tracks")."""
    return [{"headroom": headroom, **run(("evidence",), track_headroom=headroom)["evidence"]}
            for headroom in HEADROOMS]


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
    result = run()
    for rule, c in result.items():
        print(f"{rule:9s} right {c['named_right']}/{c['genuine_tracks']} "
              f"({100 * c['named_right'] / c['genuine_tracks']:.1f} %), wrong {c['wrong_name']}, strangers named "
              f"{c['strangers_named']}/{c['stranger_tracks_multi'] + c['stranger_tracks_single']}, "
              f"median frame of confirmation {c['median_confirm_frame']}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "walkup.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
