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
import datetime
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import identify_calib
from accuracy_report import print_calib_report, print_report
from calibration_file import write_calibration
from _common import (
    NORMS, OUT, SHARED, Embedded, Labelled, Timer, calibrate, cross_validated,
    deepface_identities, gallery_timing, knn_identities, make_splits, median, open_set_d_prime,
    oracle, read_pairs, run_trials, summarise, verification,
)

SWEEP_Z = {"1e-3": 3.090, "1e-4": 3.719, "1e-5": 4.265, "1e-6": 4.753}  # per-comparison FAR
LICENCE_CLEAN = ("edgeface-s", "sface", "dlib")
BASELINE_REV = "09ef6fb"  # the kiosk before identify_calib: match rules fitted on 18 people
# identify_calib variants: the two kiosk models first (the default, then SFace), then what was tried: flip
# test-time augmentation at enrolment, the fusion of both models' scores, one scale, fp32 weights.
CALIB_MODELS = ("edgeface-s", "sface", "edgeface-s+flip-enrol", "sface+flip-enrol", "sface&edgeface-s",
                "edgeface-s+one-scale", "sface+one-scale", "sface-fp32", "yunet-fp32/sface")


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
    Variant("yunet+5pt -> deepface Dlib", "deepface-represent", "deepface:Dlib",
            embedder="deepface", deepface_model="Dlib"),
    Variant("arcface-mbf", "arcface-mbf", "arcface-mbf", embedder="arcface-mbf"),
    Variant("edgeface-s", "edgeface-s", "edgeface-s", embedder="edgeface-s"),
]
# The thresholds the libraries themselves publish, as cosine similarity.
LIBRARY_THRESHOLDS = {
    "sface": (0.363, "OpenCV Zoo SFace cosine threshold"),
    "deepface:SFace": (round(1 - 0.593, 3), "DeepFace 0.0.103 SFace cosine distance 0.593"),
    "deepface:Dlib": (round(1 - 0.07, 3), "DeepFace 0.0.103 Dlib cosine distance 0.07"),
}


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
    warm = _read(paths[0])
    pipeline.embed(warm, pipeline.detect(warm))  # warm-up: first calls load lazily
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
    represent(_read(paths[0]))  # warm-up: first calls load lazily
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


def _read(path: Path) -> np.ndarray:
    from kiosk.vision.images import load_image  # the loader enrolment uses (EXIF-aware)

    return load_image(path)


# --- analysis ----------------------------------------------------------------

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
        rows.append({"step": label, "open_set_d_prime": round(open_set_d_prime(trials), 3),
                     "cv": summarise(cross_validated(trials, m)),
                     "oracle_dir": summarise(oracle(trials, m))["dir"]})
    return rows


def analyse(variant: Variant, emb: Embedded, sets: list[Labelled], pair_lists: dict,
            n_splits: int) -> dict:
    splits = {d.name: make_splits(d, n_splits) for d in sets}
    trials = {d.name: run_trials(d, *emb.rows(d.files), splits[d.name]) for d in sets}
    cal = calibrate(emb, sets, trials)
    result = {
        "variant": variant.name, "key": variant.key,
        "kiosk": not variant.is_deepface_represent,  # a config the kiosk can run
        "images": len(emb.plain) + len(emb.missing), "no_face": emb.missing,
        "detect_ms": median(emb.detect_ms), "embed_ms": median(emb.embed_ms),
        "calibration": cal,
        "verification": {n: verification(emb, p, cal["threshold"]) for n, p in pair_lists.items()},
        "open_set": {},
    }
    for d in sets:
        at_default = [t.rates(cal["threshold"], cal["margin"]) for t in trials[d.name]]
        result["open_set"][d.name] = {
            "splits": n_splits, "strangers_per_split": len(splits[d.name][0].strangers),
            "at_default": summarise(at_default),
            "cv_zero_far": summarise(cross_validated(trials[d.name], cal["margin"])),
            "at_shipped": _at_shipped(variant, trials[d.name]),
            "ablation": ablation(emb, d, splits[d.name], cal["margin"]),
        }
    result["library_threshold"] = _at_library_threshold(variant, emb, sets, pair_lists, trials)
    result["sweep"] = _sweep(emb, sets, trials, cal["margin"])
    result["transfer"] = _transfer(emb, sets, trials)
    return result


def _at_shipped(variant: Variant, trials) -> dict | None:
    """The kiosk's shipped rule (calibrated on identify_calib, other people) judged on these splits."""
    from kiosk.config import VisionSection
    from kiosk.vision.calibration import CALIBRATED
    from kiosk.vision.naming import naming_rule

    if variant.is_deepface_represent or "by_people" not in CALIBRATED.get(variant.key, {}):
        return None
    vision = VisionSection(detector=variant.detector, embedder=variant.embedder)
    rule = naming_rule(vision)
    rates = [t.rates(rule.threshold_at(len(t.split.enrol_order)), rule.margin) for t in trials]
    return summarise(rates)


def _at_library_threshold(variant, emb, sets, pair_lists, trials) -> dict | None:
    """What the library's own published threshold does (no margin)."""
    if variant.key not in LIBRARY_THRESHOLDS:
        return None
    t_lib, source = LIBRARY_THRESHOLDS[variant.key]
    return {
        "threshold": t_lib, "source": source,
        "verification_acc": {n: verification(emb, p, t_lib)["acc_calibrated"]
                             for n, p in pair_lists.items()},
        "open_set": {d.name: summarise([t.rates(t_lib, 0.0) for t in trials[d.name]]) for d in sets},
    }


def _sweep(emb, sets, trials, margin: float) -> dict:
    """The calibration rule at other per-comparison false-accept targets."""
    out = {}
    for far, z in SWEEP_Z.items():
        c = calibrate(emb, sets, trials, z)
        rates = [t.rates(c["threshold"], margin) for d in sets for t in trials[d.name]]
        out[far] = {"threshold": c["threshold"], "tar_pairs": c["tar_pairs_at_threshold"],
                    **summarise(rates)}
    return out


def _transfer(emb, sets, trials) -> dict:
    """Calibrate on the other set only, judge on this one: unseen people."""
    out = {}
    for d in sets:
        others = [o for o in sets if o is not d]
        if others:
            c = calibrate(emb, others, trials)
            rates = [t.rates(c["threshold"], c["margin"]) for t in trials[d.name]]
            out[d.name] = {"threshold": c["threshold"], "margin": c["margin"], **summarise(rates)}
    return out


# --- report ------------------------------------------------------------------

def choose_default(results: list[dict]) -> dict | None:
    """Among the licence-clean kiosk pipelines: best open-set DIR at the
    calibrated defaults (both sets), then fewest stranger accepts, then d'."""
    clean = [r for r in results if r["key"] in LICENCE_CLEAN and r["kiosk"]]
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


# --- main --------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    groups = ["sface"] if args.quick else args.pipelines.split(",")
    unknown = set(groups) - {v.group for v in VARIANTS}
    if unknown:
        print(f"unknown pipeline(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report: dict = {"quick": args.quick, "splits": args.splits, "date": str(datetime.date.today())}
    calib = args.protocol in ("identify_calib", "all")
    kiosk_models = [m for m in KIOSK_MODELS if not args.quick or m == "sface"]
    if calib:  # first: the rule it writes is the one every later measurement judges
        models = ["sface"] if args.quick else args.calib_models.split(",")
        report["identify_calib"] = identify_calib.run(models, None if args.quick else args.baseline_rev)
        print_calib_report(report["identify_calib"])
        if not args.quick:
            report["walkup_headroom"] = _track_headrooms(report["identify_calib"]["shipped"], kiosk_models)
        if args.write_calibration and not args.quick:
            note = (f"Produced by bench/accuracy.py --write-calibration on {datetime.date.today()}; "
                    f"full results in {out.name}.")
            print(f"wrote {write_calibration([], report['identify_calib']['shipped'], note)}")
            _reload_calibration()
    if args.protocol in ("sets", "all"):
        report.update(small_sets(args, groups))
    if calib and not args.quick:
        report.update(door_measures(kiosk_models))
    out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"wrote {out}")
    if args.write_docs:
        from accuracy_doc import write_docs

        print(f"wrote {write_docs(report)}")
    return 0


KIOSK_MODELS = identify_calib.KIOSK_MODELS  # the models a kiosk runs: each gets the door measures, side by side


def _track_headrooms(shipped: dict, models: list[str]) -> dict:
    """Each kiosk model's walk-up headroom sweep at the rule being written, and the headroom chosen
    from it (bench/walkup.py, choose_headroom), put into that rule."""
    import walkup

    sweeps = {}
    for model in models:
        sweeps[model] = walkup.headroom_sweep(model, shipped[model])
        shipped[model]["track_headroom"] = walkup.choose_headroom(sweeps[model])
        print(f"{model}: track headroom {shipped[model]['track_headroom']:+.2f}", file=sys.stderr, flush=True)
    return sweeps


def door_measures(models: list[str]) -> dict:
    """With the calibration written: enrolment gates, walk-up tracks and small faces, per kiosk model."""
    import enrolment_gates
    import model_costs
    import small_faces
    import walkup

    return {"model_costs": model_costs.measure(tuple(models)),
            "enrolment_gates": {m: enrolment_gates.measure(m) for m in models},
            "walkup": {m: walkup.run(model=m) for m in models},
            "small_faces": {m: small_faces.measure([40, 48, 56, 64, 72, 96, 128], [640, 1280], 300, 16, m)
                            for m in models}}


def _reload_calibration() -> None:
    import importlib

    import kiosk.vision.calibration

    importlib.reload(kiosk.vision.calibration)


def small_sets(args, groups: list[str]) -> dict:
    """The DeepFace and knn sets: verification pairs and seeded open-set splits, every pipeline."""
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
    timing = gallery_timing()
    print(f"\ngallery match, 1 query vs 100,000 people (median ms, indicative): {timing}")
    default = choose_default(results)
    if default:
        print(f"\ndefault pipeline by the numbers: {default['pipeline']} ({default['why']})")
    return {"results": results, "skipped": skipped, "default": default, "gallery_match_ms_100k": timing}


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
    parser.add_argument("--write-docs", action="store_true", help="regenerate docs/ACCURACY.md from this run")
    parser.add_argument("--protocol", choices=("sets", "identify_calib", "all"), default="all",
                        help="the small DeepFace/knn sets, the identify_calib open-set protocol, or both")
    parser.add_argument("--calib-models", default=",".join(CALIB_MODELS),
                        help="embedders run on identify_calib (comma-separated; the first is the default model)")
    parser.add_argument("--baseline-rev", default=BASELINE_REV,
                        help="the commit whose kiosk code is run as the identify_calib baseline")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
