#!/usr/bin/env python
"""What each enrolment gate costs: every identify_calib photo as a would-be reference.

    .venv/bin/python bench/enrolment_gates.py   (about 2 minutes; bench/out/enrolment_gates.json)

Every photo of an enrolled-set person goes through FacePipeline.enrolment_face,
the kiosk's own gates: it is clean, enrolled with a caution (a weaker
reference: turned, dim or bright, cut by a tight crop), or refused. Each is
then used as that person's only reference, refused ones included (their
subject face embedded anyway), and judged at the shipped threshold for the
whole gallery: recall is the share of the person's other photos scoring at
least the threshold against it, and strangers the share of other people's
photos (and of strangers/) that do. A gate earns a refusal only where the
reference it would give is worse than none: a refused student is never named.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict

import numpy as np

import calib_data
import calib_eval as ev
from _common import OUT


def tier(found) -> str:
    """clean | caution: <kind> | refused: <kind>, from what enrolment_face said."""
    if isinstance(found, Exception):
        return "refused: " + _kind(str(found).split(": ", 1)[-1])
    return "caution: " + _kind(found.caution) if found.caution else "clean"


def _kind(said: str) -> str:
    """The reason without its numbers: 'face is turned 48 degrees ...' -> 'turned'."""
    for word in ("turned", "dark", "bright", "edge", "cut off", "blurred", "faces", "tilted", "tipped", "px wide",
                 "no face"):
        if word in said:
            return "cut by the edge" if word in ("edge", "cut off") else word
    return re.sub(r"[\d.]+", "n", said)[:40]


def references(pipe) -> list[tuple[calib_data.Photo, str, np.ndarray | None]]:
    """(photo, its tier, its subject's vector, also for refused photos when a face is there)."""
    from kiosk.errors import ImageError
    from kiosk.vision.images import load_image
    from kiosk.vision.subject import AmbiguousPhoto, choose_subject

    out = []
    for photo in (p for p in calib_data.photos() if not p.stranger):
        image = load_image(calib_data.CALIB / photo.file)
        try:
            found = pipe.enrolment_face(image, photo.file)
            out.append((photo, tier(found), found.vector))
            continue
        except ImageError as err:
            refused = err
        faces, vector = pipe.photo_faces(image), None
        try:
            if faces.faces:
                vector = pipe.embed(faces.image, [choose_subject(faces).face])[0]
        except AmbiguousPhoto:
            pass
        out.append((photo, tier(refused), vector))
    return out


def judge(refs, emb: calib_data.Embedded, threshold: float) -> dict:
    files = sorted(emb.probe)
    people = np.array([ev.person_id(ev.as_photo(f).person) if not f.startswith("strangers/") else f for f in files])
    vectors = np.stack([emb.probe[f] for f in files])
    by_tier: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for photo, name, vector in refs:
        if vector is None:
            by_tier[name].append((0.0, 0.0))
            continue
        scores = vectors @ vector
        own = (people == ev.person_id(photo.person)) & (np.array(files) != photo.file)
        if own.any():
            by_tier[name].append((float((scores[own] >= threshold).mean()),
                                  float((scores[people != ev.person_id(photo.person)] >= threshold).mean())))
    return {name: {"photos": len(v), "recall": round(float(np.mean([r for r, _ in v])), 4),
                   "strangers_per_10k": round(1e4 * float(np.mean([s for _, s in v])), 2)}
            for name, v in sorted(by_tier.items(), key=lambda kv: -len(kv[1]))}


def measure(model: str = "edgeface-s") -> dict:
    """The table of docs/ACCURACY.md, "Enrolment" (bench/accuracy.py runs it after calibrating)."""
    from kiosk.config import VisionSection
    from kiosk.vision.naming import naming_rule

    emb = calib_data.embedded(model)
    threshold = naming_rule(VisionSection(embedder=model)).threshold_at(ev.enrol_set(emb, ("1.jpg",), model).people)
    print(f"enrolment gates ({model}): every photo as a reference, threshold {threshold:.3f} ...", file=sys.stderr,
          flush=True)
    return {"model": model, "threshold": threshold,
            "tiers": judge(references(calib_data.pipeline_for(model)), emb, threshold)}


def main() -> int:
    result = measure(sys.argv[1] if len(sys.argv) > 1 else "edgeface-s")
    for name, row in result["tiers"].items():
        print(f"{name:28s} {row}")
    (OUT / "enrolment_gates.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
