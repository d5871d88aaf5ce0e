#!/usr/bin/env python
"""Face recognition accuracy: verification, open-set identification, calibration.

    /work/.venv/bin/python bench/accuracy.py [--quick] [--pipelines sface,dlib,...]
        [--out bench/out/accuracy.json] [--write-calibration]

For every pipeline: embed each photo of the shared sets once (plain and with
flip test-time augmentation), then score the DeepFace pair lists
(verification), run seeded open-set splits on both identity sets, and derive
the pipeline's default threshold and margin. Protocol: docs/ACCURACY.md.
Accuracy does not depend on CPU load; the ms columns do (indicative only).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from _common import (
    NORMS, OUT, REPO, SHARED, Labelled, Timer, accuracy_at, best_accuracy, cross_validated,
    d_prime, deepface_identities, knn_identities, make_splits, mean_sd, median, oracle,
    read_pairs, run_trials, summarise, tar_at_zero_far,
)

log = logging.getLogger("bench.accuracy")

# Per-comparison false-accept rate the default threshold is set for, under a
# normal fit of the impostor scores (z = 4.265 for 1e-5).
TARGET_FAR_Z = 4.265
SWEEP_Z = {"1e-3": 3.090, "1e-4": 3.719, "1e-5": 4.265, "1e-6": 4.753}
MARGIN_SHARE = 0.5  # the default margin is half the 1st percentile of genuine margins
LICENCE_CLEAN = ("sface", "dlib")


@dataclass(frozen=True)
class Variant:
    name: str  # row label
    group: str  # the --pipelines name that selects it
    key: str  # calibration key (kiosk.vision.base.model_key)
    detector: str = "yunet"
    embedder: str = ""  # empty: DeepFace.represent's own detection and alignment
    deepface_model: str = ""
    deepface_detector: str = ""

    @property
    def is_deepface_represent(self) -> bool:
        return not self.embedder


VARIANTS = [
    Variant("sface", "sface", "sface", embedder="sface"),
    Variant("dlib", "dlib", "dlib", detector="dlib", embedder="dlib"),
    Variant("deepface SFace/opencv", "deepface-represent", "deepface:SFace",
            deepface_model="SFace", deepface_detector="opencv"),
    Variant("deepface SFace/yunet", "deepface-represent", "deepface:SFace",
            deepface_model="SFace", deepface_detector="yunet"),
    # The same DeepFace SFace runner on OUR YuNet boxes and 5-point alignment:
    # against "deepface SFace/yunet" this isolates DeepFace's alignment.
    Variant("yunet+5pt -> deepface SFace", "deepface-represent", "deepface:SFace",
            embedder="deepface", deepface_model="SFace"),
    Variant("deepface Dlib/dlib (original)", "deepface-represent", "deepface:Dlib",
            deepface_model="Dlib", deepface_detector="dlib"),
    Variant("arcface-mbf", "arcface-mbf", "arcface-mbf", embedder="arcface-mbf"),
    Variant("edgeface-s", "edgeface-s", "edgeface-s", embedder="edgeface-s"),
]
BASELINE = "deepface Dlib/dlib (original)"


@dataclass
class Embedded:
    """One pipeline's vectors for every photo, by path."""

    plain: dict[str, np.ndarray] = field(default_factory=dict)
    flip: dict[str, np.ndarray] = field(default_factory=dict)
    detect_ms: list[float] = field(default_factory=list)
    embed_ms: list[float] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def rows(self, files: list[Path], flip: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(n, d) vectors in file order (zeros where no face), and a found mask."""
        source = self.flip if flip and self.flip else self.plain
        dim = len(next(iter(self.plain.values())))
        found = np.array([str(f) in source for f in files])
        rows = np.stack([source.get(str(f), np.zeros(dim, np.float32)) for f in files])
        return rows.astype(np.float32), found


# --- embedding ---------------------------------------------------------------

def embed_all(variant: Variant, paths: list[Path], models_dir: Path) -> Embedded:
    if variant.is_deepface_represent:
        return _embed_deepface(variant, paths, models_dir)
    from kiosk.config import VisionSection
    from kiosk.vision.pipeline import FacePipeline

    cfg = VisionSection(detector=variant.detector, embedder=variant.embedder,
                        deepface_model=variant.deepface_model or "SFace")
    pipeline = FacePipeline(cfg, models_dir)
    out = Embedded()
    _warm_up(lambda image: pipeline.embed(image, pipeline.detect(image)), paths[0])
    for path in paths:
        image = _read(path)
        with Timer(out.detect_ms):
            faces = pipeline.detect(image)
        if not faces:
            out.missing.append(path.name)
            continue
        with Timer(out.embed_ms):
            out.plain[str(path)] = pipeline.embed(image, faces[:1])[0]
        out.flip[str(path)] = pipeline.embed(image, faces[:1], flip_tta=True)[0]
    return out


def _embed_deepface(variant: Variant, paths: list[Path], models_dir: Path) -> Embedded:
    """DeepFace.represent's own detection and alignment; only the total time is known."""
    from kiosk.vision.deepface_backend import deepface_represent_full

    if variant.deepface_detector == "opencv":
        _link_haar_cascades(models_dir)

    def represent(image):
        return deepface_represent_full(image, variant.deepface_model, variant.deepface_detector,
                                       models_dir)

    out = Embedded()
    _warm_up(represent, paths[0])
    for path in paths:
        image = _read(path)
        with Timer(out.detect_ms):
            faces, vectors = represent(image)
        if not faces:
            out.missing.append(path.name)
            continue
        best = max(range(len(faces)), key=lambda i: faces[i].score)
        out.plain[str(path)] = vectors[best]
    return out


HAAR_DIR = Path("/usr/share/opencv4/haarcascades")  # Debian package opencv-data


def _link_haar_cascades(models_dir: Path) -> None:
    """OpenCV 5 wheels ship no Haar cascades and DeepFace would download them:
    link the Debian opencv-data copies into DeepFace's weights folder instead."""
    from kiosk.vision.weights import prepare_deepface_home

    folder = prepare_deepface_home(models_dir)
    for name in ("haarcascade_frontalface_default.xml", "haarcascade_eye.xml"):
        if (HAAR_DIR / name).is_file() and not (folder / name).exists():
            (folder / name).symlink_to(HAAR_DIR / name)


def _warm_up(fn, path: Path) -> None:
    """First calls allocate and load lazily: keep them out of the medians."""
    fn(_read(path))


def _read(path: Path) -> np.ndarray:
    from kiosk.vision.images import load_image  # the loader enrolment uses (EXIF-aware)

    return load_image(path)


# --- analysis ----------------------------------------------------------------

def verification(emb: Embedded, pairs: list[tuple[str, str, bool]], threshold: float) -> dict:
    """Pair scores; a pair with a photo where no face was found scores -1 (rejected)."""
    root = SHARED / "deepface"
    scores, same, failed = [], [], 0
    for x, y, is_same in pairs:
        a, b = emb.plain.get(str(root / x)), emb.plain.get(str(root / y))
        failed += a is None or b is None
        scores.append(-1.0 if a is None or b is None else float(a @ b))
        same.append(is_same)
    s, m = np.array(scores), np.array(same)
    best, best_t = best_accuracy(s, m)
    return {
        "pairs": len(pairs), "failed_pairs": failed, "acc_best": round(best, 4),
        "best_threshold": round(best_t, 4), "acc_calibrated": round(accuracy_at(s, m, threshold), 4),
        "tar_far0": round(tar_at_zero_far(s, m), 4), "d_prime": round(d_prime(s, m), 3),
    }


def pair_scores(emb: Embedded, data: Labelled) -> tuple[np.ndarray, np.ndarray]:
    """All genuine and impostor scores within one identity set (faces found only)."""
    rows, found = emb.rows(data.files)
    people = np.array(data.people)[found]
    sims = rows[found] @ rows[found].T
    upper = np.triu_indices(len(people), 1)
    same = (people[:, None] == people[None, :])[upper]
    return sims[upper][same], sims[upper][~same]


def calibrate(emb: Embedded, sets: list[Labelled], trials: dict[str, list],
              z: float = TARGET_FAR_Z) -> dict:
    """Default threshold and margin, with headroom for unseen people.

    threshold: above every impostor score seen AND above the impostor
    quantile for a 1e-5 per-comparison false accept under a normal fit of
    the impostor ANGLES (arccos), rounded up to 0.01. Angles, because the
    cosines of models whose scores crowd near 1 (dlib) have a short upper
    tail that a normal fit in cosine overstates; in angle the fit matches
    the observed tail for every model here.
    margin: half the 1st percentile of genuine best-minus-second margins.
    """
    impostor = np.concatenate([pair_scores(emb, d)[1] for d in sets])
    genuine = np.concatenate([pair_scores(emb, d)[0] for d in sets])
    angles = np.arccos(np.clip(impostor, -1.0, 1.0))
    gauss = float(np.cos(max(angles.mean() - z * angles.std(), 0.0)))
    threshold = math.ceil(max(float(impostor.max()), gauss) * 100) / 100
    margins = np.concatenate([(t.s1 - t.s2)[t.genuine & t.found & t.correct]
                              for d in sets for t in trials[d.name]])
    margin = math.floor(MARGIN_SHARE * float(np.percentile(margins, 1)) * 100) / 100
    return {
        "threshold": threshold, "margin": max(margin, 0.0),
        "impostor_max": round(float(impostor.max()), 4), "impostor_normal_fit": round(gauss, 4),
        "genuine_min": round(float(genuine.min()), 4),
        "tar_pairs_at_threshold": round(float((genuine >= threshold).mean()), 4),
        "genuine_margin_p1": round(float(np.percentile(margins, 1)), 4),
    }


def ablation(emb: Embedded, data: Labelled, splits, margin: float) -> list[dict]:
    """What flip TTA, score normalisation and a margin each add, step by step."""
    steps = [("raw cosine", False, "none", 0.0), ("+ flip TTA", True, "none", 0.0)]
    steps += [(f"+ flip + {n}", True, n, 0.0) for n in NORMS if n != "none"]
    steps += [(f"+ margin {margin:.2f}", False, "none", margin),
              (f"+ flip + margin {margin:.2f}", True, "none", margin)]
    rows = []
    for label, flip, norm, m in steps:
        if flip and not emb.flip:
            continue
        trials = run_trials(data, *emb.rows(data.files, flip), splits, norm)
        rows.append({"step": label, "open_set_d_prime": round(_open_set_d_prime(trials), 3),
                     "cv": summarise(cross_validated(trials, m)),
                     "oracle_dir": summarise(oracle(trials, m))["dir"]})
    return rows


def _open_set_d_prime(trials) -> float:
    """Separation of correct genuine best scores from stranger best scores."""
    g = np.concatenate([t.s1[t.genuine & t.found & t.correct] for t in trials])
    s = np.concatenate([t.s1[~t.genuine & t.found] for t in trials])
    return float((g.mean() - s.mean()) / np.sqrt((g.var() + s.var()) / 2))


def analyse(variant: Variant, emb: Embedded, sets: list[Labelled], pair_lists: dict,
            n_splits: int) -> dict:
    splits = {d.name: make_splits(d, n_splits) for d in sets}
    trials = {d.name: run_trials(d, *emb.rows(d.files), splits[d.name]) for d in sets}
    cal = calibrate(emb, sets, trials)
    result = {
        "variant": variant.name, "key": variant.key,
        "images": len(emb.plain) + len(emb.missing), "no_face": emb.missing,
        "detect_ms": median(emb.detect_ms), "embed_ms": median(emb.embed_ms),
        "calibration": cal,
        "verification": {n: verification(emb, p, cal["threshold"]) for n, p in pair_lists.items()},
        "open_set": {}, "transfer": {},
    }
    for d in sets:
        at_default = [t.rates(cal["threshold"], cal["margin"]) for t in trials[d.name]]
        result["open_set"][d.name] = {
            "splits": n_splits, "strangers_per_split": len(splits[d.name][0].strangers),
            "at_default": summarise(at_default),
            "cv_zero_far": summarise(cross_validated(trials[d.name], cal["margin"])),
            "ablation": ablation(emb, d, splits[d.name], cal["margin"]),
        }
    result["sweep"] = {}
    for far, z in SWEEP_Z.items():  # the same rule at other target false-accept rates
        c = calibrate(emb, sets, trials, z)
        rates = [t.rates(c["threshold"], cal["margin"]) for d in sets for t in trials[d.name]]
        result["sweep"][far] = {"threshold": c["threshold"], "tar_pairs": c["tar_pairs_at_threshold"],
                                **summarise(rates)}
    for d in sets:  # calibrate on the other set only, judge on this one
        others = [o for o in sets if o is not d]
        if others:
            c = calibrate(emb, others, trials)
            rates = [t.rates(c["threshold"], c["margin"]) for t in trials[d.name]]
            result["transfer"][d.name] = {"threshold": c["threshold"], "margin": c["margin"],
                                          **summarise(rates)}
    return result


# --- report ------------------------------------------------------------------

def pct(pair: list[float]) -> str:
    return f"{100 * pair[0]:5.1f}±{100 * pair[1]:4.1f}"


def print_report(results: list[dict], skipped: dict[str, str]) -> None:
    base = next((r for r in results if r["variant"] == BASELINE), None)
    print("\n== Verification (accuracy %, best threshold / calibrated threshold; TAR at FAR=0)")
    print(f"{'pipeline':32} {'noface':>6} | {'master best/cal':>15} {'TAR0':>5} {'dp':>5} |"
          f" {'pivot best/cal':>15} {'TAR0':>5} {'dp':>5} | {'det ms':>7} {'emb ms':>7} {'x base':>6}")
    for r in results:
        v = r["verification"]
        cells = []
        for name in ("master", "pivot"):
            x = v.get(name)
            cells.append("-" * 29 if x is None else
                         f"{100 * x['acc_best']:6.1f}/{100 * x['acc_calibrated']:5.1f}   "
                         f"{100 * x['tar_far0']:5.1f} {x['d_prime']:5.2f}")
        total = (r["detect_ms"] or 0) + (r["embed_ms"] or 0)
        ratio = f"{total / ((base['detect_ms'] or 0) + (base['embed_ms'] or 0)):6.2f}" if base else "     -"
        print(f"{r['variant']:32} {len(r['no_face']):6} | {cells[0]} | {cells[1]} |"
              f" {r['detect_ms'] or 0:7.1f} {r['embed_ms'] or 0:7.1f} {ratio}")
    print("\n== Open set (mean±sd % over splits): at the calibrated default | cross-validated zero-FA threshold")
    print(f"{'pipeline':32} {'set':8} {'thr':>5} {'marg':>5} | {'rank-1 DIR':>10} {'stranger FA':>11}"
          f" {'wrong name':>10} | {'cv DIR':>10} {'cv FA':>10} | {'transfer DIR/FA':>21}")
    for r in results:
        cal = r["calibration"]
        for name, o in r["open_set"].items():
            d, c, t = o["at_default"], o["cv_zero_far"], r["transfer"].get(name)
            tr = f"{pct(t['dir'])}/{pct(t['stranger_far'])}" if t else "-"
            print(f"{r['variant']:32} {name:8} {cal['threshold']:5.2f} {cal['margin']:5.2f} |"
                  f" {pct(d['dir'])} {pct(d['stranger_far']):>11} {pct(d['mis_id']):>10} |"
                  f" {pct(c['dir'])} {pct(c['stranger_far'])} | {tr:>21}")
    print("\n== Ablation (open-set d', cross-validated DIR and stranger FA %, oracle DIR %)")
    for r in results:
        for name, o in r["open_set"].items():
            for a in o["ablation"]:
                print(f"{r['variant']:32} {name:8} {a['step']:24} d'={a['open_set_d_prime']:5.2f}"
                      f"  DIR {pct(a['cv']['dir'])}  FA {pct(a['cv']['stranger_far'])}"
                      f"  oracle {pct(a['oracle_dir'])}")
    print("\n== Calibration (cosine similarity)")
    for r in results:
        c = r["calibration"]
        print(f"{r['variant']:32} threshold {c['threshold']:.2f} (impostor max {c['impostor_max']:.3f},"
              f" normal fit 1e-5 {c['impostor_normal_fit']:.3f}; genuine pairs kept"
              f" {100 * c['tar_pairs_at_threshold']:.1f}%)  margin {c['margin']:.2f}"
              f" (genuine margin p1 {c['genuine_margin_p1']:.3f})")
    print("\n== Threshold sweep (same rule at other per-comparison FAR targets; both sets' splits pooled)")
    for r in results:
        print(f"{r['variant']:32} " + "  ".join(
            f"{far}: t={x['threshold']:.2f} DIR {100 * x['dir'][0]:5.1f} FA {100 * x['stranger_far'][0]:4.1f}"
            f" wrong {100 * x['mis_id'][0]:3.1f}" for far, x in r["sweep"].items()))
    for name, why in skipped.items():
        print(f"skipped {name}: {why}")


def choose_default(results: list[dict]) -> dict | None:
    """Among the licence-clean kiosk pipelines: best open-set DIR at the
    calibrated defaults (both sets), then fewest stranger accepts, then d'."""
    clean = [r for r in results if r["key"] in LICENCE_CLEAN]
    if not clean:
        return None

    def merit(r):
        sets = r["open_set"].values()
        dirs = np.mean([o["at_default"]["dir"][0] for o in sets])
        fa = np.mean([o["at_default"]["stranger_far"][0] + o["at_default"]["mis_id"][0] for o in sets])
        dp = np.mean([v["d_prime"] for v in r["verification"].values()])
        return (round(dirs - fa, 3), dp)

    best = max(clean, key=merit)
    return {"pipeline": best["key"], "merit": merit(best),
            "why": "highest open-set rank-1 rate minus false accepts at its calibrated "
                   "default, then verification d'"}


def write_calibration(results: list[dict], note: str) -> Path:
    path = REPO / "kiosk" / "vision" / "calibration.py"
    table = {}
    for r in results:  # first variant per key wins (kiosk pipelines come first)
        table.setdefault(r["key"], {"threshold": r["calibration"]["threshold"],
                                    "margin": r["calibration"]["margin"]})
    lines = [f'    "{k}": {{"threshold": {v["threshold"]:.2f}, "margin": {v["margin"]:.2f}}},'
             for k, v in table.items()]
    path.write_text(CALIBRATION_TEMPLATE.format(note=note, rows="\n".join(lines)), encoding="utf-8")
    return path


CALIBRATION_TEMPLATE = '''"""Calibrated decision settings per embedding model (cosine similarity of
unit vectors): a face is named when its best person scores >= threshold and
beats the next person by >= margin. Written by bench/accuracy.py
--write-calibration; how they are derived is in docs/ACCURACY.md.

{note}
"""

CALIBRATED: dict[str, dict[str, float]] = {{
{rows}
}}
'''


# --- main --------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    groups = ["sface"] if args.quick else args.pipelines.split(",")
    unknown = set(groups) - {v.group for v in VARIANTS}
    if unknown:
        print(f"unknown pipeline(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    sets = [deepface_identities(), knn_identities()]
    pair_lists = {n: read_pairs(SHARED / "deepface" / f"pairs_{n}.csv") for n in ("master", "pivot")}
    if args.quick:
        pair_lists = {n: p[::3] for n, p in pair_lists.items()}
    paths = sorted({f for d in sets for f in d.files}
                   | {SHARED / "deepface" / f for p in pair_lists.values() for x, y, _ in p for f in (x, y)})
    models_dir = Path(args.models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    results, skipped = [], {}
    for variant in [v for v in VARIANTS if v.group in groups]:
        print(f"embedding {len(paths)} photos with {variant.name} ...", file=sys.stderr, flush=True)
        try:
            emb = embed_all(variant, paths, models_dir)
        except Exception as err:  # noqa: BLE001 - a missing optional model skips its row
            skipped[variant.name] = str(err).splitlines()[0] if str(err) else type(err).__name__
            continue
        results.append(analyse(variant, emb, sets, pair_lists, 5 if args.quick else args.splits))
    print_report(results, skipped)
    default = choose_default(results)
    if default:
        print(f"\ndefault pipeline by the numbers: {default['pipeline']} ({default['why']})")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"quick": args.quick, "splits": args.splits, "results": results,
                               "skipped": skipped, "default": default}, indent=1), encoding="utf-8")
    print(f"wrote {out}")
    if args.write_calibration and not args.quick:
        print(f"wrote {write_calibration(results, f'Produced by: bench/accuracy.py --splits {args.splits}, see {out.name}.')}")
    return 0


def _parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sface only, a third of the pairs, 5 splits")
    parser.add_argument("--pipelines", default="sface,dlib,deepface-represent,arcface-mbf,edgeface-s")
    parser.add_argument("--splits", type=int, default=20, help="seeded open-set splits per set")
    parser.add_argument("--out", default=str(OUT / "accuracy.json"))
    parser.add_argument("--models-dir", default=str(OUT / "models"),
                        help="where optional weights are looked for (and DeepFace's folder is laid out)")
    parser.add_argument("--write-calibration", action="store_true",
                        help="rewrite kiosk/vision/calibration.py from this run")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
