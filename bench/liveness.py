"""Liveness benchmark: APCER / BPCER / ACER per attack type, for the seed
Laplacian check, the learned model alone, the cues alone, and the fused score.

    .venv/bin/python bench/liveness.py [--quick] [--out bench/out/liveness.json]

Each presentation (a genuine window, an attack clip or an image) is run once
through the full judge, recording every cue's score at every step; the
systems are then replayed from those scores with their own weights and the
kiosk's decision rule (judge.next_state), so all systems see the same frames.
Synthetic attacks come from bench/attacks.py with fixed seeds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from _common import OUT, SHARED  # noqa: F401  (adds the repo to sys.path)
import attacks
from kiosk.config import LivenessSection, VisionSection
from kiosk.liveness.fusion import fuse
from kiosk.liveness.base import LIVENESS
from kiosk.liveness.judge import LEARNED_CUE, LIVE, MAX_SAMPLES, Evidence, LivenessJudge, capped, convincing, next_state
from kiosk.liveness.temporal import blinked
from kiosk.liveness.texture import SEED_THRESHOLD, laplacian_variance
from kiosk.vision.pipeline import FacePipeline

FPS = 15.0  # the worker's rate while liveness runs
WINDOW_S = 3.0
ANTISPOOF = SHARED / "antispoof"
HAMILTON = SHARED / "face_recognition" / "short_hamilton_clip.mp4"
ALL_CUES = "minifasnet:2.0, planar:1.2, frozen:0.8, blink:0.7, screen:0.6, print:0.5, edges:0.4, laplacian:0.1"


@dataclass
class Presentation:
    name: str
    kind: str  # "bona fide" or the attack type
    frames: list[np.ndarray]
    still: bool = False  # a single image: no temporal evidence


def read_clip(path: Path, start_s: float = 0.0, seconds: float = WINDOW_S, fps: float = FPS) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    rate = cap.get(cv2.CAP_PROP_FPS) or 30.0
    cap.set(cv2.CAP_PROP_POS_FRAMES, int(start_s * rate))
    step = max(1, round(rate / fps))
    frames, i = [], 0
    while len(frames) < seconds * fps:
        ok, frame = cap.read()
        if not ok:
            break
        if i % step == 0:
            frames.append(frame)
        i += 1
    cap.release()
    return frames


def clip_length(path: Path) -> float:
    cap = cv2.VideoCapture(str(path))
    n, rate = cap.get(cv2.CAP_PROP_FRAME_COUNT), cap.get(cv2.CAP_PROP_FPS) or 30.0
    cap.release()
    return n / rate


def windows(path: Path, every_s: float, limit: int) -> list[float]:
    length = clip_length(path)
    starts = list(np.arange(0.0, max(length - WINDOW_S, 0.0) + 1e-6, every_s))[:limit]
    return starts or [0.0]


def presentations(pipe: FacePipeline, quick: bool) -> list[Presentation]:
    out: list[Presentation] = []
    genuine_clips = [HAMILTON, *sorted((ANTISPOOF / "replay-videos" / "real").glob("*.mp4"))]
    sources = []  # (frames, face box) windows the synthetic attacks are made from
    for path in genuine_clips:
        for start in windows(path, 1.5 if not quick else 3.0, 8 if not quick else 2):
            frames = read_clip(path, start)
            out.append(Presentation(f"{path.stem}@{start:.1f}s", "bona fide", frames))
            box = _largest(pipe, frames[len(frames) // 2])
            if box is not None:
                sources.append((path.stem, start, frames, box))
    for path in sorted((ANTISPOOF / "replay-videos" / "spoof").glob("*.mp4")):
        for start in windows(path, 1.5 if not quick else 3.0, 8 if not quick else 2):
            out.append(Presentation(f"{path.stem}@{start:.1f}s", "real screen replay", read_clip(path, start)))
    n = int(WINDOW_S * FPS)
    for i, (stem, start, frames, box) in enumerate(sources):
        mid = frames[len(frames) // 2]
        rng = np.random.default_rng(1000 + i)
        out.append(Presentation(f"print {stem}@{start:.1f}", "print (synthetic)", attacks.print_attack(mid, box, rng, n)))
        rng = np.random.default_rng(2000 + i)
        out.append(Presentation(f"screen {stem}@{start:.1f}", "screen photo (synthetic)",
                                attacks.screen_photo_attack(mid, box, rng, n, handheld=i % 2 == 0)))
        rng = np.random.default_rng(3000 + i)
        out.append(Presentation(f"replay {stem}@{start:.1f}", "video replay (synthetic)",
                                attacks.video_replay_attack(frames, box, rng)))
    nuaa = ANTISPOOF / "nuaa-print"
    step = 4 if quick else 1
    for kind, folder in (("bona fide", "real"), ("print (NUAA)", "spoof")):
        for path in sorted((nuaa / folder).glob("*.jpg"))[::step]:
            out.append(Presentation(f"nuaa/{folder}/{path.name}", kind, [_padded(cv2.imread(str(path)))], True))
    for path in sorted((ANTISPOOF / "silent-face" / "samples").glob("*.jpg")):
        kind = "bona fide" if "_T" in path.name else "Silent-Face sample"
        out.append(Presentation(f"silent-face/{path.name}", kind, [cv2.imread(str(path))], True))
    return out


def _padded(image: np.ndarray) -> np.ndarray:
    """NUAA crops are ~1x the face: give the detector some margin around it."""
    h, w = image.shape[:2]
    return cv2.copyMakeBorder(image, h // 2, h // 2, w // 2, w // 2, cv2.BORDER_REPLICATE)


def _largest(pipe: FacePipeline, frame: np.ndarray, previous=None):
    """The face followed by the kiosk's tracker (IoU with the last one), else the largest."""
    faces = pipe.detect(frame)
    if previous is not None and faces:
        best = max(faces, key=previous.iou)
        return best if previous.iou(best) >= 0.3 else None
    return max(faces, key=lambda f: f.w * f.h) if faces else None


def record(pres: Presentation, pipe: FacePipeline, judge: LivenessJudge, cfg: LivenessSection) -> dict:
    """Every step's cue scores (and whether the challenge was met) for one presentation.
    Samples keep coming after any verdict, so every system can be replayed to its own."""
    steps, seed, box, samples = [], [], None, []
    for i, frame in enumerate(pres.frames):
        box = _largest(pipe, frame, box) or box
        if box is None:
            continue
        t = i / FPS
        samples = (samples + [judge.sample(frame, box, t)])[-MAX_SAMPLES:]
        result = judge.evaluate(samples)
        since = samples[0].t + cfg.passive_s if not pres.still else None
        challenged = since is not None and t >= since
        steps.append({"t": t, "cues": result.cues, "challenged": challenged,
                      "met": challenged and blinked(samples, since),
                      # asked at once (the kiosk without its learned model): a blink since the start
                      "met_at_once": not pres.still and blinked(samples, samples[0].t)})
        seed.append(laplacian_variance(frame, box))
    return {"name": pres.name, "kind": pres.kind, "still": pres.still, "steps": steps,
            "seed_var": float(np.median(seed[:3])) if seed else None}


def _fused(cues: dict, weights: dict[str, float]) -> float:
    return fuse({k: capped(v, LIVENESS.get(k).live_cap) for k, v in cues.items() if k in weights}, weights)


def _learned(step: dict, weights: dict[str, float]) -> float | None:
    """The learned model's own score, for systems that include it."""
    return step["cues"].get(LEARNED_CUE) if weights.get(LEARNED_CUE) else None


def replay(rec: dict, weights: dict[str, float], cfg: LivenessSection) -> tuple[bool, float, float | None]:
    """(accepted, final score, seconds to accept) for one system on one recording. A system
    without the learned model asks every face to blink at once, as the kiosk does (judge.py)."""
    steps = rec["steps"]
    model = bool(weights.get(LEARNED_CUE))
    if rec["still"]:  # one image: no waiting for more evidence, so it must convince at once
        score = _fused(steps[0]["cues"], weights)
        return model and convincing(cfg, score, _learned(steps[0], weights)), score, 0.0
    score = 0.5
    for n, step in enumerate(steps, 1):
        score = _fused(step["cues"], weights)
        evidence = Evidence(n, step["t"] - steps[0]["t"], score, _learned(step, weights), model)
        challenged, met = (step["challenged"], step["met"]) if model else (True, step.get("met_at_once", False))
        state = next_state(cfg, evidence, challenged, met)
        if state in (LIVE, "spoof"):
            return state == LIVE, score, step["t"] - steps[0]["t"]
    return False, score, None  # never decided: the face left, nothing was marked


def seed_accepts(rec: dict) -> bool:
    return rec["seed_var"] is not None and rec["seed_var"] > SEED_THRESHOLD


def metrics(decisions: list[tuple[str, bool, bool]]) -> dict:
    """decisions: (kind, accepted, still). APCER per attack kind; its BPCER is over the
    bona fide presentations of the same medium (images vs clips); ACER = their mean."""
    bpcer = {}
    for still in (False, True):
        bona = [acc for kind, acc, s in decisions if kind == "bona fide" and s == still]
        bpcer[still] = 1 - sum(bona) / len(bona) if bona else 0.0
    table = {}
    for kind in sorted({k for k, _, _ in decisions} - {"bona fide"}):
        attempts = [(acc, s) for k, acc, s in decisions if k == kind]
        apcer = sum(acc for acc, _ in attempts) / len(attempts)
        b = bpcer[attempts[0][1]]
        table[kind] = {"n": len(attempts), "APCER": round(apcer, 4), "BPCER": round(b, 4),
                       "ACER": round((apcer + b) / 2, 4)}
    return {"BPCER_clips": round(bpcer[False], 4), "BPCER_images": round(bpcer[True], 4), "per_attack": table}


def at_bpcer(recs: list[dict], weights: dict[str, float], cfg: LivenessSection, target: float = 0.05) -> dict:
    """APCER per attack at the lowest final-score threshold with BPCER <= target."""
    scored = [(r["kind"], replay(r, weights, cfg)[1], r["still"]) for r in recs]  # the score at the verdict
    out = {}
    for still, medium in ((False, "clips"), (True, "images")):
        bona = sorted(s for k, s, st in scored if k == "bona fide" and st == still)
        threshold = bona[int(np.floor(target * len(bona)))] if bona else 0.5
        out[medium] = {"threshold": round(threshold, 4),
                       **metrics([(k, s >= threshold, st) for k, s, st in scored if st == still])}
    return {"per_attack": {**out["clips"]["per_attack"], **out["images"]["per_attack"]},
            "thresholds": {m: out[m]["threshold"] for m in out}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer windows and images")
    parser.add_argument("--out", type=Path, default=OUT / "liveness.json")
    parser.add_argument("--models", type=Path, default=ANTISPOOF / "silent-face" / "onnx")
    parser.add_argument("--recordings", type=Path, help="reuse recorded cue scores (skip the models)")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    cfg = LivenessSection(cues=ALL_CUES, model_dir=str(args.models))
    if args.recordings and args.recordings.is_file():
        recs = json.loads(args.recordings.read_text())
    else:
        pipe = FacePipeline(VisionSection(), OUT / "models")
        judge = LivenessJudge(cfg, OUT / "models")
        started = time.perf_counter()
        recs = [record(p, pipe, judge, cfg) for p in presentations(pipe, args.quick)]
        print(f"recorded {len(recs)} presentations in {time.perf_counter() - started:.0f} s")
        (args.out.with_suffix(".steps.json")).write_text(json.dumps(recs))
    recs = [r for r in recs if r["steps"]]  # no face found: nothing to judge (listed below)
    all_w = cfg.cue_weights()
    systems = {
        "model": {k: w for k, w in all_w.items() if k == "minifasnet"},
        "cues": {k: w for k, w in all_w.items() if k != "minifasnet"},
        "fused": all_w,
    }
    report = {"presentations": len(recs),
              "seed_laplacian": metrics([(r["kind"], seed_accepts(r), r["still"]) for r in recs])}
    for name, weights in systems.items():
        runs = [(r, replay(r, weights, cfg)) for r in recs]
        report[name] = {
            "kiosk_decision": metrics([(r["kind"], acc, r["still"]) for r, (acc, _, _) in runs]),
            "at_bpcer_5pct": at_bpcer(recs, weights, cfg),
            "accept_s_median_bona_fide": _median([s for r, (acc, _, s) in runs
                                                  if acc and r["kind"] == "bona fide" and not r["still"]]),
        }
    report["acer_ratio_seed_over_fused"] = {
        kind: _ratio(report["seed_laplacian"]["per_attack"][kind]["ACER"], row["ACER"])
        for kind, row in report["fused"]["kiosk_decision"]["per_attack"].items()
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 1) if b else None


def print_table(report: dict) -> None:
    print(f"{'attack type':28} {'system':8} {'n':>4} {'APCER':>7} {'BPCER':>7} {'ACER':>7} | @BPCER<=5%: APCER")
    kinds = report["fused"]["kiosk_decision"]["per_attack"]
    for kind in kinds:
        for system in ("seed_laplacian", "model", "cues", "fused"):
            block = report[system] if system == "seed_laplacian" else report[system]["kiosk_decision"]
            row = block["per_attack"][kind]
            tail = "" if system == "seed_laplacian" else f"{report[system]['at_bpcer_5pct']['per_attack'][kind]['APCER']:.3f}"
            print(f"{kind:28} {system[:8]:8} {row['n']:4} {row['APCER']:7.3f} {row['BPCER']:7.3f} {row['ACER']:7.3f} | {tail}")
    for system in ("model", "cues", "fused"):
        print(f"{system}: median time to accept a live face {report[system]['accept_s_median_bona_fide']} s")


if __name__ == "__main__":
    main()
