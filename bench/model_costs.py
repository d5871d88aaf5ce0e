#!/usr/bin/env python
"""What each face model costs at the door: ms to embed one face (and its mirror image, for flip
test-time augmentation), and the memory its loaded embedder holds.

    .venv/bin/python bench/model_costs.py [--rounds 300] [MODEL ...]

Each model is measured in a fresh process (the memory of one does not count for the next): the
RSS growth from loading the embedder and embedding once, then the median ms of `embed_crops` for
one aligned crop and for two (a face and its mirror), interleaved, on vision.threads threads.
A fusion runs both models on every face: its cost is the sum of theirs. Output: one JSON line per
model, and bench/out/model_costs.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from _common import OUT, SHARED

MODELS = ("edgeface-s", "sface")


def one(model: str, rounds: int) -> dict:
    """In this process: load `model`, then time it (see the module's doc)."""
    from kiosk.config import VisionSection
    from kiosk.vision.base import DETECTORS, EMBEDDERS
    from kiosk.vision.images import load_image
    from kiosk.vision.sface import arcface_crops

    image = load_image(SHARED / "face_recognition" / "obama.jpg")
    detector = DETECTORS.get("yunet")(VisionSection(), OUT / "models")
    crop = arcface_crops(image, detector.detect(image)[:1])  # the same aligned crop for every model
    before = _rss_mb()
    cfg = VisionSection(embedder=model)
    embedder = EMBEDDERS.get(model)(cfg, OUT / "models")
    embedder.embed_crops(crop)
    grown = _rss_mb() - before
    mirrored = crop + [crop[0][:, ::-1].copy()]
    single, double = [], []
    for _ in range(rounds):
        for batch, times in ((crop, single), (mirrored, double)):
            started = time.perf_counter()
            embedder.embed_crops(batch)
            times.append((time.perf_counter() - started) * 1000)
    return {"model": model, "embed_ms": round(statistics.median(single), 2),
            "embed_flip_ms": round(statistics.median(double), 2), "rss_mb": round(grown, 1)}


def _rss_mb() -> float:
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(models=MODELS, rounds: int = 300) -> dict:
    """Every model in its own process; and their sum, the cost of fusing them."""
    out = {}
    for model in models:
        done = subprocess.run([sys.executable, __file__, "--one", model, "--rounds", str(rounds)],
                              capture_output=True, text=True, check=True)
        out[model] = json.loads(done.stdout.strip().splitlines()[-1])
    if len(models) == 2:
        a, b = (out[m] for m in models)
        out["&".join(sorted(models, key=lambda m: m != "sface"))] = {
            "model": "fusion", "embed_ms": round(a["embed_ms"] + b["embed_ms"], 2),
            "embed_flip_ms": round(a["embed_flip_ms"] + b["embed_flip_ms"], 2),
            "rss_mb": round(a["rss_mb"] + b["rss_mb"], 1)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=list(MODELS))
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.rounds)))
        return 0
    result = measure(tuple(args.models), args.rounds)
    for row in result.values():
        print(json.dumps(row))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "model_costs.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
