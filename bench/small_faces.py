#!/usr/bin/env python
"""Recall against face size: identify_calib probes shrunk to door-camera face sizes.

    .venv/bin/python bench/small_faces.py [--heights 56,72,96,128] [--widths 640,1280] [--sample 400]

A camera 1.5-2 m from the door gives faces of 60-120 px in a 1280x720 frame.
Each probe photo is scaled so its face is H px high, placed in a 1280x720
grey frame, and run through the kiosk's camera path (FacePipeline.detect at
vision.detect_width W, embedding on the full frame, the usable-face rule)
against the gallery enrolled from photo 1, at the shipped threshold and
margin. Reported per (H, W): faces found, faces usable, genuine named right,
wrong names, strangers named. Output: bench/out/small_faces.json.
"""

from __future__ import annotations

import argparse
import json
import sys

import cv2
import numpy as np

import calib_data
import calib_eval as ev
from _common import OUT

FRAME = (720, 1280)  # the kiosk's default camera frame, (height, width)


def in_frame(image: np.ndarray, face_h: float, target_h: int) -> np.ndarray:
    """The photo scaled so the face is target_h px high, centred in a grey 1280x720 frame."""
    scale = target_h / face_h
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((*FRAME, 3), 110, np.uint8)
    h, w = min(small.shape[0], FRAME[0]), min(small.shape[1], FRAME[1])
    y, x = (FRAME[0] - h) // 2, (FRAME[1] - w) // 2
    frame[y:y + h, x:x + w] = small[:h, :w]
    return frame


def measure(heights: list[int], widths: list[int], sample: int, min_face_px: int, model: str = "edgeface-s") -> dict:
    from kiosk.config import VisionSection
    from kiosk.vision.images import load_image
    from kiosk.vision.naming import naming_rule
    from kiosk.vision.pipeline import FacePipeline

    emb = calib_data.embedded(model)
    enrolled = ev.enrol_set(emb, ("1.jpg",), model)
    rule = naming_rule(VisionSection(embedder=model))
    threshold, margin = rule.threshold_at(enrolled.people), rule.margin
    gallery = ev.gallery(enrolled, threshold, margin)
    probes = _sample([p for p in calib_data.photos() if (p.stranger or p.number != "1.jpg") and p.file in emb.probe],
                     sample)
    out = {"model": model, "threshold": threshold, "margin": margin, "probes": len(probes), "cells": []}
    for width in widths:
        pipe = FacePipeline(VisionSection(embedder=model, detect_width=width, min_face_px=min_face_px), OUT / "models")
        for height in heights:
            counts = _run(pipe, gallery, probes, emb, height, load_image)
            out["cells"].append({"face_px": height, "detect_width": width, **counts})
            print(f"face {height:4d} px, detect at {width:4d}: {counts}", file=sys.stderr, flush=True)
    return out


def _run(pipe, gallery, probes, emb, height: int, load_image) -> dict:
    counts = {"genuine": 0, "strangers": 0, "found": 0, "usable": 0, "correct": 0, "wrong": 0,
              "strangers_named": 0}
    for photo in probes:
        frame = in_frame(load_image(calib_data.CALIB / photo.file), emb.probe_face_px[photo.file], height)
        counts["strangers" if photo.stranger else "genuine"] += 1
        faces = pipe.detect(frame)
        if not faces:
            continue
        face = max(faces, key=lambda f: f.size)
        counts["found"] += 1
        if not calib_data.usable(face, pipe.cfg):
            continue
        counts["usable"] += 1
        match = gallery.match(pipe.embed(frame, [face]))[0]
        if photo.stranger:
            counts["strangers_named"] += match.person_id is not None
        elif match.person_id == ev.person_id(photo.person):
            counts["correct"] += 1
        elif match.person_id is not None:
            counts["wrong"] += 1
    counts["recall"] = round(counts["correct"] / max(counts["genuine"], 1), 4)
    return counts


def _sample(photos, count: int):
    rng = np.random.default_rng(3)
    genuine = [p for p in photos if not p.stranger]
    strangers = [p for p in photos if p.stranger]
    pick = rng.choice(len(genuine), min(count, len(genuine)), replace=False)
    return [genuine[i] for i in sorted(pick)] + strangers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heights", default="40,48,56,64,72,96,128")
    parser.add_argument("--widths", default="640,1280")
    parser.add_argument("--sample", type=int, default=400, help="genuine probes drawn (all strangers are used)")
    parser.add_argument("--min-face-px", type=int, default=16,
                        help="vision.min_face_px while measuring (16: see the whole curve)")
    parser.add_argument("--model", default="edgeface-s", help="the face model (its shipped rule names the faces)")
    parser.add_argument("--out", default=str(OUT / "small_faces.json"))
    args = parser.parse_args(argv)
    result = measure([int(h) for h in args.heights.split(",")], [int(w) for w in args.widths.split(",")],
                     args.sample, args.min_face_px, args.model)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=1)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
