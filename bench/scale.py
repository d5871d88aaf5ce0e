"""Gallery matching time at scale: one query against 1k, 10k and 100k enrolled identities.

    python bench/scale.py [--sizes 1000,10000,100000] [--queries 200] [--out bench/out/scale.json]

The gallery is kiosk.vision.gallery.Gallery, as the kiosk builds it, each face
named by kiosk.vision.naming.name_faces: random unit float32 embeddings of the
default model's size (512-d for EdgeFace-S, 128-d for SFace; fixed seed), one row
per person, plus that model's real embeddings of the shared photos (one per person
of deepface/identities.csv and knn_examples/train). From 20,000 people the gallery
is searched in two stages (kiosk/vision/gallery.py). One BLAS thread, as main.py
runs the kiosk.
Faces are named at the reference gallery's threshold (naming.REFERENCE_PEOPLE)
at every size, as this bench always has; the kiosk's threshold for 100k people
is higher (kiosk/vision/calibration.py) and names fewer of the probes. Queries are the real people's
other photos, so every query is also checked to name the right person.
Reported per size: median and p95 ms per single-face `name_faces`, build time, and
the gallery's memory (its row matrix, and the process RSS growth while building).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as main.py runs the kiosk, before numpy loads

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from _common import OUT, Timer, deepface_identities, knn_identities

TARGET_MS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=OUT / "scale.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    real = real_embeddings()
    rows = [measure(size, real, args.queries) for size in sizes]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"real_people": len(real[0]), "rows": rows}, indent=2) + "\n")
    print(markdown_table(rows, len(real[0])))
    return 0


def real_embeddings() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """(enrolled ids, enrolled rows, probe ids, probe rows): the first photo with a face of each
    person is enrolled, the others are probes."""
    from kiosk.config import Config
    from kiosk.vision.images import load_image
    from kiosk.vision.pipeline import FacePipeline

    pipeline = FacePipeline(Config().vision, OUT / "models")
    enrolled: dict[str, np.ndarray] = {}
    probe_ids, probes = [], []
    for data in (deepface_identities(), knn_identities()):
        for path, person in zip(data.files, data.people):
            pid = f"{data.name}:{person}"
            try:
                vector = pipeline.enrolment_face(load_image(path), pid).vector
            except Exception:  # no face / several faces: not usable here, as in enrolment
                continue
            if pid in enrolled:
                probe_ids.append(pid)
                probes.append(vector)
            else:
                enrolled[pid] = vector
    return list(enrolled), np.stack(list(enrolled.values())), probe_ids, np.stack(probes)


def measure(size: int, real, queries: int) -> dict:
    from kiosk.vision.base import l2_normalise
    from kiosk.vision.gallery import Gallery
    from kiosk.vision.naming import name_faces, naming_rule
    from kiosk.config import Config

    real_ids, real_rows, probe_ids, probe_rows = real
    rng = np.random.default_rng(size)
    noise = l2_normalise(rng.standard_normal((size, real_rows.shape[1]))).astype(np.float32)
    ids = [f"r{i:06d}" for i in range(size)] + real_ids
    rule = replace(naming_rule(Config().vision), by_people=())  # the reference threshold at every size
    rss_before = rss_mb()
    started = time.perf_counter()
    gallery = Gallery(ids, ids, np.vstack([noise, real_rows]))
    build_ms = (time.perf_counter() - started) * 1000
    rss_growth = rss_mb() - rss_before
    times: list[float] = []
    correct = wrong = 0
    name_faces(rule, gallery, probe_rows[:1])  # warm caches
    for q in range(queries):
        i = q % len(probe_rows)
        with Timer(times):
            match = name_faces(rule, gallery, probe_rows[i])[0]
        correct += match.person_id == probe_ids[i]
        wrong += match.person_id is not None and match.person_id != probe_ids[i]
    return {
        "identities": len(gallery), "random": size, "real": len(real_ids), "queries": queries,
        "match_ms_median": round(statistics.median(times), 3),
        "match_ms_p95": round(float(np.percentile(times, 95)), 3),
        "build_ms": round(build_ms, 1),
        "matrix_mb": round(gallery._centroids.nbytes / 2**20, 1),
        "rss_growth_mb": round(rss_growth, 1),
        "named_right": correct, "named_wrong": wrong,
    }


def rss_mb(pid: str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def markdown_table(rows: list[dict], real: int) -> str:
    lines = [f"| enrolled identities (random + {real} real) | match one face, median / p95 (ms) | build (ms) "
             f"| matrix (MB) | RSS growth (MB) | probes named right / wrong | target |",
             "|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['identities']:,} | {r['match_ms_median']} / {r['match_ms_p95']} | {r['build_ms']} "
                     f"| {r['matrix_mb']} | {r['rss_growth_mb']} | {r['named_right']} / {r['named_wrong']} "
                     f"| <= {TARGET_MS} ms at 100k |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
