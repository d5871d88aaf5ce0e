"""EdgeFace-S on 2 cores: onnxruntime against OpenCV DNN, one face and three faces a call,
with the graph as shipped (one face per run: its Reshapes hold a batch of 1) and with the batch
freed (kiosk/vision/onnx_graph.py). Also checks that every variant gives the same embeddings.

    python bench/embedder_runtime.py [--model PATH] [--rounds 300] [--out bench/out/embedder_runtime.json]

The variants run interleaved (each round runs every variant once, in a shuffled order), so a
neighbour's load on the shared cores falls on all of them alike; medians are reported. Input:
real ArcFace-aligned crops from the shared photos (deepface/img*.jpg), found by YuNet.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

import numpy as np
from _common import OUT, SHARED

import cv2
from kiosk.config import VisionSection
from kiosk.vision.images import load_image
from kiosk.vision.onnx_graph import free_batch_reshapes
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.sface import arcface_crops
from kiosk.vision.weights import find_optional

THREADS = 2


def crops_from_photos(limit: int) -> list[np.ndarray]:
    """The largest face of each shared deepface photo, aligned to 112x112."""
    pipeline = FacePipeline(VisionSection(), OUT / "models")
    crops = []
    for path in sorted((SHARED / "deepface").glob("img*.jpg"))[:limit]:
        image = load_image(path)
        faces = pipeline.detect(image)
        if faces:
            crops.extend(arcface_crops(image, faces[:1]))
    return crops


def to_blob(crops: list[np.ndarray]) -> np.ndarray:
    """What OnnxArcStyleEmbedder feeds the graph: RGB, (x - 127.5) / 127.5, NCHW."""
    batch = np.stack(crops)[:, :, :, ::-1].astype(np.float32)
    return np.ascontiguousarray(((batch - 127.5) / 127.5).transpose(0, 3, 1, 2))


def runners(model: Path) -> dict:
    """name -> fn(blob) -> (N, 512); "per face" variants loop over the batch."""
    import onnxruntime as ort

    shipped = model.read_bytes()
    freed = free_batch_reshapes(shipped, model.name)
    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.log_severity_level = 3
    cv2.setNumThreads(THREADS)

    def ort_run(graph: bytes, per_face: bool):
        session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        run = lambda blob: session.run(None, {name: blob})[0]  # noqa: E731
        return (lambda blob: np.concatenate([run(blob[i:i + 1]) for i in range(len(blob))])) if per_face else run

    def cv_run(graph: bytes, per_face: bool):
        net = cv2.dnn.readNetFromONNX(np.frombuffer(graph, np.uint8))

        def run(blob):
            net.setInput(blob, "data")  # OpenCV 5: the input is named
            return net.forward().reshape(len(blob), -1).copy()

        return (lambda blob: np.concatenate([run(blob[i:i + 1]) for i in range(len(blob))])) if per_face else run

    return {
        "onnxruntime, as shipped (a run per face)": ort_run(shipped, True),
        "onnxruntime, batch freed": ort_run(freed, False),
        "opencv dnn, as shipped (a run per face)": cv_run(shipped, True),
        "opencv dnn, batch freed": cv_run(freed, False),
    }


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def agreement(variants: dict, crops: list[np.ndarray]) -> dict[str, float]:
    """Lowest cosine, over every photo, between each variant and onnxruntime as shipped."""
    blob = to_blob(crops)
    names = list(variants)
    reference = unit(variants[names[0]](blob))
    return {name: float(np.min(np.sum(unit(variants[name](blob)) * reference, axis=1))) for name in names[1:]}


def timings(variants: dict, crops: list[np.ndarray], rounds: int, seed: int = 0) -> dict:
    """Median ms per call for 1 and 3 faces, interleaved rounds."""
    rng = random.Random(seed)
    blobs = {faces: to_blob(crops[:faces]) for faces in (1, 3)}
    samples = {(name, faces): [] for name in variants for faces in blobs}
    for fn in variants.values():  # warm-up: first calls allocate
        for blob in blobs.values():
            fn(blob)
            fn(blob)
    for _ in range(rounds):
        order = list(samples)
        rng.shuffle(order)
        for name, faces in order:
            started = time.perf_counter()
            variants[name](blobs[faces])
            samples[(name, faces)].append((time.perf_counter() - started) * 1000)
    return {f"{name} | {faces} face{'s' if faces > 1 else ''}": round(statistics.median(values), 2)
            for (name, faces), values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="edgeface_s_gamma_05.onnx (default: where the kiosk finds it)")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--photos", type=int, default=61, help="shared photos for the agreement check")
    parser.add_argument("--out", type=Path, default=OUT / "embedder_runtime.json")
    args = parser.parse_args()
    model = args.model or find_optional("edgeface-s", OUT / "models")
    crops = crops_from_photos(args.photos)
    variants = runners(model)
    agree = agreement(variants, crops)
    medians = timings(variants, crops, args.rounds)
    report = {"model": str(model), "threads": THREADS, "rounds": args.rounds, "photos": len(crops),
              "median_ms": medians, "min_cosine_vs_onnxruntime_as_shipped": agree}
    for name, ms in medians.items():
        print(f"{ms:8.2f} ms  {name}")
    for name, cosine in agree.items():
        print(f"min cosine {cosine:.7f}  {name} vs onnxruntime as shipped ({len(crops)} photos)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
