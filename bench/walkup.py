#!/usr/bin/env python
"""Walk-up sequences built from identify_calib photos: one photo after another is one track.

    .venv/bin/python bench/walkup.py

A person's photos 2..k, shown in turn, stand for the frames of one walk-up;
every fold of people is held out once as strangers (never enrolled), so their
multi-photo tracks and the single-photo strangers test refusal. The gallery
is enrolled from photo 1 of everyone else, with the shipped threshold for
its size. Two track rules, each judged on the same tracks:

- votes: each frame is matched alone; a name is confirmed when
  vision.confirm_frames consecutive frames agree (kiosk/vision/tracker.py);
- evidence: the mean of the frames so far is matched (kiosk/vision/evidence.py);
- kiosk: either (kiosk/vision/tracker.py Track.decide), what the kiosk ships.

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


def by_votes(gallery, frames) -> tuple[str | None, int | None]:
    from kiosk.vision.tracker import Track
    from kiosk.vision.base import FaceBox

    track = Track(1, FaceBox(0, 0, 100, 100, 1.0), 0.0, 0.0)
    for i, vector in enumerate(frames, 1):
        track.vote(gallery.match(vector[None])[0], CONFIRM_FRAMES)
        if track.confirmed is not None:
            return track.confirmed.person_id, i
    return None, None


def by_evidence(gallery, frames) -> tuple[str | None, int | None]:
    from kiosk.vision.evidence import TrackEvidence, judge

    evidence = TrackEvidence()
    for i, vector in enumerate(frames, 1):
        evidence.add(vector)
        verdict = judge(evidence, gallery, CONFIRM_FRAMES)
        if verdict.confirmed:
            return verdict.match.person_id, i
        if verdict.stranger:
            return None, None
    return None, None


def by_kiosk(gallery, frames) -> tuple[str | None, int | None]:
    """What the kiosk does (Track.decide): agreeing frames, or the mean of the frames."""
    from kiosk.vision.base import FaceBox
    from kiosk.vision.evidence import judge
    from kiosk.vision.tracker import Track

    track = Track(1, FaceBox(0, 0, 100, 100, 1.0), 0.0, 0.0)
    for i, vector in enumerate(frames, 1):
        track.evidence.add(vector)
        track.decide(gallery.match(vector[None])[0], judge(track.evidence, gallery, CONFIRM_FRAMES), CONFIRM_FRAMES)
        if track.confirmed is not None:
            return track.confirmed.person_id, i
        if track.refused:
            return None, None
    return None, None


def run(rules: tuple[str, ...] = ("votes", "evidence", "kiosk")) -> dict:
    from kiosk.config import VisionSection
    from kiosk.vision.matching import decision_settings

    emb = calib_data.embedded("sface")
    everyone = ev.enrol_set(emb, ("1.jpg",), "sface")
    frames_of = tracks(emb)
    fold = ev.folds()
    counts = {rule: defaultdict(int) for rule in rules}
    confirm_at = {rule: [] for rule in counts}
    for k in range(ev.K_FOLDS):
        held = {p for p, f in fold.items() if f == k}
        enrolled_here = {p for p in everyone.person_ids if p not in held}
        threshold, margin = decision_settings(VisionSection(), people=len(enrolled_here))
        gallery = ev.gallery(everyone, threshold, margin, keep=lambda pid: pid in enrolled_here)
        for person, frames in frames_of.items():
            genuine = person in enrolled_here
            if not genuine and person not in held:
                continue  # enrolled but its enrolment was refused: neither genuine nor a fair stranger
            for rule in rules:
                named, at = RULES[rule](gallery, frames)
                _count(counts[rule], genuine, person, named, len(frames))
                if genuine and named == person:
                    confirm_at[rule].append(at)
    return {rule: {**dict(c), "median_confirm_frame": float(np.median(confirm_at[rule]))}
            for rule, c in counts.items()}


RULES = {"votes": by_votes, "evidence": by_evidence, "kiosk": by_kiosk}
HEADROOMS = (0.03, 0.05, 0.06, 0.07, 0.09)


def headroom_sweep() -> list[dict]:
    """The evidence rule at other values of kiosk.vision.evidence.TRACK_HEADROOM: how far a track's
    mean must clear the photo threshold (docs/ACCURACY.md, "Walk-up tracks")."""
    from kiosk.vision import evidence

    shipped, out = evidence.TRACK_HEADROOM, []
    try:
        for headroom in HEADROOMS:
            evidence.TRACK_HEADROOM = headroom
            out.append({"headroom": headroom, **run(("evidence",))["evidence"]})
    finally:
        evidence.TRACK_HEADROOM = shipped
    return out


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
