"""Helpers shared by the bench scripts: paths, labelled data sets, timing, metrics."""

from __future__ import annotations

import csv
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
OUT = REPO / "bench" / "out"

# Bench scripts run as files, not as a package. BENCH_KIOSK_CODE points them at another checkout's
# kiosk/ (say, the previous commit) to measure old and new code side by side with one bench.
KIOSK_CODE = Path(os.environ.get("BENCH_KIOSK_CODE", REPO)).resolve()
if str(KIOSK_CODE) not in sys.path:
    sys.path.insert(0, str(KIOSK_CODE))

# knn_examples/test has no label files: these single-face images are labelled by
# their file names. The two two-person images have no per-face labels and are left out.
KNN_TEST_LABELS = {
    "johnsnow_test1.jpg": "kit_harington",
    "obama1.jpg": "obama",
    "alex_lacamoire1.jpg": "alex_lacamoire",
}


@dataclass(frozen=True)
class Labelled:
    """A set of photos, one face each, with the person in each."""

    name: str
    files: list[Path]
    people: list[str]

    def by_person(self) -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {}
        for i, person in enumerate(self.people):
            groups.setdefault(person, []).append(i)
        return groups


def deepface_identities(shared: Path = SHARED) -> Labelled:
    root = shared / "deepface"
    rows = list(csv.DictReader((root / "identities.csv").open()))
    return Labelled("deepface", [root / r["file"] for r in rows], [r["person"] for r in rows])


def knn_identities(shared: Path = SHARED) -> Labelled:
    root = shared / "face_recognition" / "knn_examples"
    files, people = [], []
    for folder in sorted((root / "train").iterdir()):
        for path in sorted(folder.iterdir()):
            files.append(path)
            people.append(folder.name)
    for file, person in sorted(KNN_TEST_LABELS.items()):
        files.append(root / "test" / file)
        people.append(person)
    return Labelled("knn", files, people)


def read_pairs(path: Path) -> list[tuple[str, str, bool]]:
    return [(r["file_x"], r["file_y"], r["Decision"] == "Yes") for r in csv.DictReader(path.open())]


class Timer:
    """Context manager that appends elapsed milliseconds to a list."""

    def __init__(self, into: list[float]):
        self.into = into

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.into.append((time.perf_counter() - self.start) * 1000.0)


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def mean_sd(values: list[float]) -> tuple[float, float]:
    arr = np.asarray(values, dtype=float)
    return float(arr.mean()), float(arr.std(ddof=1)) if len(arr) > 1 else 0.0


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


# Per-comparison false-accept rate the default threshold is set for, under a
# normal fit of the impostor angles (z = 4.265 for 1e-5).
TARGET_FAR_Z = 4.265
MARGIN_SHARE = 0.5  # the default margin is half the 1st percentile of genuine margins


# --- verification metrics -------------------------------------------------

def best_accuracy(scores: np.ndarray, same: np.ndarray) -> tuple[float, float]:
    """Highest accuracy over all thresholds, and the threshold that gives it."""
    cuts = np.unique(scores)
    cuts = np.concatenate([cuts, [cuts[-1] + 1e-6]])
    accs = [((scores >= t) == same).mean() for t in cuts]
    i = int(np.argmax(accs))
    return float(accs[i]), float(cuts[i])


def accuracy_at(scores: np.ndarray, same: np.ndarray, threshold: float) -> float:
    return float(((scores >= threshold) == same).mean())


def tar_at_zero_far(scores: np.ndarray, same: np.ndarray) -> float:
    """Share of genuine pairs scoring above every impostor pair."""
    if not same.any() or same.all():
        return float("nan")
    return float((scores[same] > scores[~same].max()).mean())


def d_prime(scores: np.ndarray, same: np.ndarray) -> float:
    g, i = scores[same], scores[~same]
    return float((g.mean() - i.mean()) / np.sqrt((g.var() + i.var()) / 2.0))


# --- open-set identification protocol --------------------------------------

@dataclass(frozen=True)
class Split:
    """One random open-set split: who is never enrolled, and each enrolled
    person's photos in the order they are tried for enrolment."""

    seed: int
    strangers: frozenset[str]
    enrol_order: dict[str, list[int]]


def make_splits(data: Labelled, count: int, stranger_share: float = 0.25) -> list[Split]:
    groups = data.by_person()
    people = sorted(groups)
    k = max(1, round(len(people) * stranger_share))
    splits = []
    for seed in range(count):
        rng = np.random.default_rng(seed)
        strangers = frozenset(str(p) for p in rng.choice(people, k, replace=False))
        order = {p: [int(i) for i in rng.permutation(groups[p])] for p in people if p not in strangers}
        splits.append(Split(seed, strangers, order))
    return splits


@dataclass(frozen=True)
class Trial:
    """Every probe of one split: is it an enrolled person, was the best
    candidate right, and the best and second-best person scores."""

    split: Split
    genuine: np.ndarray  # bool, probe's person is enrolled
    correct: np.ndarray  # bool, best candidate is the probe's person
    s1: np.ndarray
    s2: np.ndarray
    found: np.ndarray  # bool, a face was detected and embedded

    def accepted(self, threshold: float, margin: float) -> np.ndarray:
        return self.found & (self.s1 >= threshold) & (self.s1 - self.s2 >= margin - 1e-9)

    def zero_far_threshold(self, margin: float) -> float:
        """Lowest threshold at which no stranger of this split is accepted."""
        risky = ~self.genuine & self.found & (self.s1 - self.s2 >= margin - 1e-9)
        if risky.any():
            return float(self.s1[risky].max()) + 1e-6
        return float(self.s1.min()) - 1e-6  # the margin alone stops every stranger

    def rates(self, threshold: float, margin: float) -> dict[str, float]:
        ok = self.accepted(threshold, margin)
        g, s = self.genuine, ~self.genuine
        return {
            "dir": float((ok & g & self.correct).sum() / max(g.sum(), 1)),
            "mis_id": float((ok & g & ~self.correct).sum() / max(g.sum(), 1)),
            "stranger_far": float((ok & s).sum() / max(s.sum(), 1)),
        }


def run_trials(data: Labelled, rows: np.ndarray, found: np.ndarray, splits: list[Split],
               norm: str = "none") -> list[Trial]:
    """Enrol one photo per enrolled person (the first with a face), probe with the rest."""
    from kiosk.vision.gallery import Gallery

    trials = []
    for split in splits:
        enrolled = {p: next((i for i in order if found[i]), None) for p, order in split.enrol_order.items()}
        enrolled = {p: i for p, i in enrolled.items() if i is not None}
        gallery = Gallery(list(enrolled), list(enrolled), rows[list(enrolled.values())])
        probes = [i for i, p in enumerate(data.people)
                  if i not in enrolled.values() and (p in enrolled or p in split.strangers)]
        scores = normalise_scores(gallery.person_scores(rows[probes]), gallery, norm)
        order = np.argsort(-scores, axis=1)
        best = [gallery.person_ids[k] for k in order[:, 0]]
        trials.append(Trial(
            split,
            genuine=np.array([data.people[i] in enrolled for i in probes]),
            correct=np.array([b == data.people[i] for b, i in zip(best, probes)]),
            s1=np.take_along_axis(scores, order[:, :1], 1)[:, 0],
            s2=np.take_along_axis(scores, order[:, 1:2], 1)[:, 0],
            found=found[probes],
        ))
    return trials


NORMS = ("none", "znorm", "tnorm")


def normalise_scores(scores: np.ndarray, gallery, norm: str) -> np.ndarray:
    """Score normalisation against the gallery itself (measured, not shipped).

    znorm: each enrolled person's scores are standardised by that person's
    impostor scores against the other enrolled people. tnorm: each query's
    score for a person is standardised by the query's scores against
    everyone else in the gallery (leave-one-out).
    """
    if norm == "none" or scores.shape[1] < 3:
        return scores
    if norm == "znorm":
        cross = gallery.person_scores(gallery._centroids)  # one row per person in the bench
        off = ~np.eye(len(cross), dtype=bool)
        imp = cross[off].reshape(len(cross), -1)
        return (scores - imp.mean(1)) / np.maximum(imp.std(1), 1e-3)
    k = scores.shape[1]
    mu = (scores.sum(1, keepdims=True) - scores) / (k - 1)
    var = ((scores**2).sum(1, keepdims=True) - scores**2) / (k - 1) - mu**2
    return (scores - mu) / np.maximum(np.sqrt(np.maximum(var, 0.0)), 1e-3)


def cross_validated(trials: list[Trial], margin: float, headroom: float = 0.0) -> list[dict]:
    """Rates on each split at a threshold fitted on the OTHER splits.

    The threshold for split s is the lowest that accepts no stranger in any
    split whose strangers are all different people from split s's strangers,
    so it never saw the faces it is judged on.
    """
    results = []
    for t in trials:
        pool = [o for o in trials if o is not t and not (o.split.strangers & t.split.strangers)]
        pool = pool or [o for o in trials if o is not t]
        threshold = max(o.zero_far_threshold(margin) for o in pool) + headroom
        results.append({"threshold": threshold, **t.rates(threshold, margin)})
    return results


def oracle(trials: list[Trial], margin: float) -> list[dict]:
    """Rates at each split's own zero-stranger threshold (optimistic: fitted on the test)."""
    return [{"threshold": t.zero_far_threshold(margin), **t.rates(t.zero_far_threshold(margin), margin)}
            for t in trials]


def summarise(per_split: list[dict]) -> dict[str, list[float]]:
    """Mean and sd over splits of each rate."""
    keys = per_split[0].keys()
    return {k: [round(v, 4) for v in mean_sd([r[k] for r in per_split])] for k in keys}


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


def open_set_d_prime(trials) -> float:
    """Separation of correct genuine best scores from stranger best scores."""
    g = np.concatenate([t.s1[t.genuine & t.found & t.correct] for t in trials])
    s = np.concatenate([t.s1[~t.genuine & t.found] for t in trials])
    return float((g.mean() - s.mean()) / np.sqrt((g.var() + s.var()) / 2))




# --- calibration and matcher timing ----------------------------------------

def calibrate(emb: Embedded, sets: list[Labelled], trials: dict[str, list],
              z: float = TARGET_FAR_Z) -> dict:
    """Default threshold and margin, with headroom for unseen people.

    threshold: above every impostor score seen AND above the impostor
    quantile for a 1e-5 per-comparison false accept under a normal fit of
    the impostor ANGLES (arccos), rounded up to 0.005. Angles, because the
    cosines of models whose scores crowd near 1 (dlib) have a short upper
    tail that a normal fit in cosine overstates; in angle the fit matches
    the observed tail for every model here.
    margin: half the 1st percentile of genuine best-minus-second margins.
    """
    impostor = np.concatenate([pair_scores(emb, d)[1] for d in sets])
    genuine = np.concatenate([pair_scores(emb, d)[0] for d in sets])
    angles = np.arccos(np.clip(impostor, -1.0, 1.0))
    gauss = float(np.cos(max(angles.mean() - z * angles.std(), 0.0)))
    # Rounded up to 0.005: coarser steps cost dlib-like models, whose scores
    # crowd near 1, a large share of genuine matches.
    threshold = math.ceil(max(float(impostor.max()), gauss) * 200 - 1e-9) / 200
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


def gallery_timing(people: int = 100_000, repeats: int = 30) -> dict[str, float]:
    """Median ms to match one query against `people` one-row identities."""
    from kiosk.vision.base import l2_normalise
    from kiosk.vision.gallery import Gallery
    from kiosk.vision.naming import NamingRule, name_faces

    rng = np.random.default_rng(0)
    out = {}
    for dim in (128, 512):
        rows = l2_normalise(rng.standard_normal((people, dim)))
        ids = [str(i) for i in range(people)]
        gallery, rule = Gallery(ids, ids, rows), NamingRule(0.5, margin=0.1)
        query, times = rows[:1].copy(), []
        name_faces(rule, gallery, query)
        for _ in range(repeats):
            with Timer(times):
                name_faces(rule, gallery, query)
        out[f"{dim}-d"] = median(times)
    return out
