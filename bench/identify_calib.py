"""identify_calib open-set protocol: cross-validated decision rules and the shipped calibration.

    bench/accuracy.py --protocol identify_calib   (or this file's run() from there)

Per fold k of K disjoint folds of people: fit on the other folds' people,
judge fold k's genuine probes and strangers against the whole gallery (the
kiosk holds everyone). Protocol: bench/calib_eval.py; rules: bench/calib_rules.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import calib_data
import calib_eval as ev
import calib_rules as rules

MARGINS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12)
KIOSK_MODELS = ("edgeface-s", "sface")  # the models a kiosk runs, the default first
BASELINE = (0.49, 0.12)  # the rule calibrated on 18 people, before this protocol
FAR_TARGET = 0.01  # "DIR at a stranger accept rate of 1 %"


def folds_of(enrolled: ev.Enrolled, probes: ev.Probes):
    """Per fold k: (people to calibrate on, mask of fold k's probes)."""
    fold = ev.folds()
    everyone = set(fold)
    for k in range(ev.K_FOLDS):
        held = {p for p in everyone if fold[p] == k}
        yield everyone - held, np.array([p in held for p in probes.people])


def cross_validate(enrolled: ev.Enrolled, probes: ev.Probes, method: str, margin: float,
                   alpha: float = rules.ALPHA, best_photo: bool = False) -> dict:
    """The method's threshold fitted per fold on other people, judged on the fold; summed over folds."""
    outcomes, thresholds, named = [], [], []
    for calibration, held in folds_of(enrolled, probes):
        threshold = fit_threshold(enrolled, probes, calibration, method, margin, alpha)
        thresholds.append(threshold)
        outcomes.append(ev.judge(enrolled, probes, threshold, margin, held, best_photo))
        named += [[*case, round(threshold, 4)] for case in outcomes[-1].named_strangers]
    return {**summary(ev.add(outcomes), thresholds), "named_strangers": named}


def fit_threshold(enrolled: ev.Enrolled, probes: ev.Probes, calibration: set[str], method: str,
                  margin: float, alpha: float = rules.ALPHA) -> float:
    impostor = ev.impostor_maxima(enrolled, probes, calibration)
    rows = [i for i, p in enumerate(probes.people) if p in calibration and probes.found[i]]
    stranger = probes.stranger[rows]
    s1, lead = rules.top_two(impostor)
    # Thresholds are fitted without the margin: the threshold alone keeps strangers out, and the
    # margin is a further guard between enrolled people (with it, a stranger-rate fit would let the
    # threshold fall wherever strangers happen to have a close second).
    if method == "zero-stranger":
        return rules.zero_stranger(s1[stranger])
    if method == "stranger-far":  # the lowest threshold accepting at most FAR_TARGET of the true strangers
        return rules.lowest_threshold(s1[stranger], lead[stranger], 0.0, FAR_TARGET)
    if method == "impostor-tail":
        return rules.threshold_at(rules.tail_curve(impostor, 0.0, alpha), enrolled.people)
    raise ValueError(method)


def summary(outcome: ev.Outcome, thresholds: list[float] | None = None) -> dict:
    out = {"dir": round(outcome.dir, 4), "correct": outcome.correct, "genuine": outcome.genuine,
           "wrong": outcome.wrong, "strangers_accepted": outcome.strangers_accepted,
           "strangers": outcome.strangers,
           "by_source": {s: {"dir": round(c / g, 4) if g else 0.0, "correct": c, "genuine": g}
                         for s, (c, g) in outcome.by_source.items()}}
    if thresholds:
        out["thresholds"] = [round(t, 3) for t in thresholds]
    return out


def det_points(enrolled: ev.Enrolled, probes: ev.Probes, margin: float) -> list[tuple[float, float]]:
    """(stranger accept rate, miss rate) over a sweep of thresholds: a DET curve (not fitted)."""
    points = []
    for threshold in np.arange(0.25, 0.70, 0.005):
        o = ev.judge(enrolled, probes, float(threshold), margin)
        points.append((o.strangers_accepted / o.strangers, 1 - o.dir))
    return points


METHODS = ("zero-stranger", "stranger-far", "impostor-tail")


def protocol(model: str, numbers: tuple[str, ...], margins=MARGINS, methods=METHODS) -> dict:
    """Everything for one model and one enrolment (photo 1, or photos 1 and 2)."""
    emb = calib_data.embedded(model)
    enrolled = ev.enrol_set(emb, numbers, model)
    probes = ev.probe_set(emb, calib_data.ENROL_PHOTOS if len(numbers) > 1 else numbers)
    people = len({p for p, s in zip(probes.people, probes.stranger) if not s})
    result = {
        "model": model, "enrol_photos": list(numbers), "people": people, "enrolled": enrolled.people,
        "refused": dict(sorted(enrolled.refused.items())),
        "refusal_rate": round(len(enrolled.refused) / people, 4),
        "subject_notes": sum(1 for f in emb.notes if f.rsplit("/", 1)[-1] in numbers),
        "cautions": {f: c for f, c in sorted(emb.cautions.items()) if f.rsplit("/", 1)[-1] in numbers},
        "baseline": summary(ev.judge(enrolled, probes, *BASELINE)),
        "margins": {},
    }
    for margin in margins:
        result["margins"][f"{margin:.2f}"] = {
            method: cross_validate(enrolled, probes, method, margin)
            for method in methods
        }
    if len(numbers) > 1 and "impostor-tail" in methods:  # what matching by the centroid buys
        result["best_photo"] = {f"{m:.2f}": cross_validate(enrolled, probes, "impostor-tail", m, best_photo=True)
                                for m in margins}
    return result


def shipped_rule(model: str, margin: float, alpha: float = rules.ALPHA) -> dict:
    """The calibration written to kiosk/vision/calibration.py: fitted on every person of the set."""
    emb = calib_data.embedded(model)
    enrolled = ev.enrol_set(emb, ("1.jpg",), model)
    probes = ev.probe_set(emb, ("1.jpg",))
    everyone = set(ev.folds())
    impostor = ev.impostor_maxima(enrolled, probes, everyone)
    curve = rules.tail_curve(impostor, 0.0, alpha)  # as in the folds
    pairs = one_to_one(emb)
    return {"margin": margin, "alpha": alpha, "by_people": curve, "same_face": same_face(emb),
            "verify": pairs["bar"], "one_to_one": pairs,
            "at_this_gallery": rules.threshold_at(curve, enrolled.people), "gallery": enrolled.people}


SAME_FACE_HEADROOM = 0.02
ONE_TO_ONE_RATE = 0.01  # the share of photo pairs of two different people the one-to-one bar lets through
ONE_TO_ONE_BARS = (0.25, 0.28, 0.30, 0.33, 0.35, 0.378)  # rows of the trade-off table in docs/ACCURACY.md


def one_to_one(emb: calib_data.Embedded) -> dict:
    """The bar of the one-to-one checks at enrolment ("do these photos show one person?", and
    --extend): the score that photos of two different people exceed ONE_TO_ONE_RATE of the time.
    Pairs: photo 1 of every enrolled person and every stranger, against each other; genuine: photos
    1 and 2 of one person. A mixed-up photo is itself rare, and refusing a student's two genuine
    photos leaves them unrecognised, so the bar sits at 1 in 100 rather than 1 in 2,000 (0.378,
    which refused 3 % of genuine pairs). Returns the bar and the table of the trade-off."""
    firsts = {f: v for f, v in emb.probe.items() if f.endswith("/1.jpg")}
    vectors = np.stack(list(firsts.values()))
    different = (vectors @ vectors.T)[np.triu_indices(len(vectors), 1)]
    genuine = np.array([float(firsts[f] @ emb.probe[f.replace("/1.jpg", "/2.jpg")]) for f in firsts
                        if f.replace("/1.jpg", "/2.jpg") in emb.probe])
    bar = float(np.ceil(np.quantile(different, 1 - ONE_TO_ONE_RATE) * 100) / 100)
    table = [{"bar": b, "genuine_refused": round(float((genuine < b).mean()), 4),
              "different_passed": round(float((different >= b).mean()), 5)} for b in (*ONE_TO_ONE_BARS, bar)]
    return {"bar": bar, "pairs": len(different), "genuine_pairs": len(genuine), "table": table}


def same_face(emb: calib_data.Embedded) -> float:
    """Above the highest score between enrolment photos of two different people (+ headroom):
    from there a new enrolment is refused as someone already enrolled."""
    files = sorted(emb.enrol)
    people = np.array([ev.person_id(ev.as_photo(f).person) for f in files])
    vectors = np.stack([emb.enrol[f] for f in files])
    scores = vectors @ vectors.T
    scores[people[:, None] == people[None, :]] = -1.0
    return float(np.ceil((scores.max() + SAME_FACE_HEADROOM) * 100) / 100)


# A margin under this let shrunk probes be named wrongly in bench/small_faces.py (door-sized faces,
# one frame each: at 0.02 and 0.04 one was, at 0.08 none), where the photo protocol saw none.
MIN_MARGIN = 0.08


def choose_margin(one: dict, two: dict) -> float:
    """The smallest margin from MIN_MARGIN at which nobody is named wrongly, cross-validated, with one
    photo and with two, by the shipped impostor-tail threshold and by the looser zero-stranger one: the
    margin must hold where a gallery's threshold turns out loose, not only at this set's own. Else the
    largest. Strangers do not choose it: a stranger's best and second-best scores are both chance, so
    no margin keeps one out (EdgeFace-S named the same stranger at every margin, and an older chooser
    that asked for none then took the largest, 0.12, for nothing: docs/ACCURACY.md)."""
    for key in one["margins"]:
        rules = [protocol["margins"][key][method] for protocol in (one, two)
                 for method in ("impostor-tail", "zero-stranger")]
        if float(key) >= MIN_MARGIN - 1e-9 and all(r["wrong"] == 0 for r in rules):
            return float(key)
    return max(float(k) for k in one["margins"])


# --- the whole run -----------------------------------------------------------

def run(models: list[str], baseline_rev: str | None) -> dict:
    """Every model with one and with two enrolment photos, the shipped rule, and the baseline."""
    out: dict = {"models": {}, "shipped": {}}
    for model in models:
        _use_enrolment_bars(model)
        one = protocol(model, ("1.jpg",))
        two = protocol(model, calib_data.ENROL_PHOTOS)
        margin = choose_margin(one, two)
        out["models"][model] = {"one_photo": one, "two_photos": two, "margin": margin,
                                "det": det_curves(model, margin)}
        out["shipped"][model] = shipped_rule(model, margin)
    out["stranger_cases"] = stranger_cases(out)
    if baseline_rev:
        out["baseline"] = baseline(baseline_rev)
    return out


def stranger_cases(out: dict) -> list[dict]:
    """Each stranger a kiosk model's shipped rule named (cross-validated, one photo or two), looked at
    under every kiosk model: the score against each photo of the person named, and how high any other
    stranger reaches against anyone enrolled."""
    kiosk = [m for m in KIOSK_MODELS if m in out["models"]]
    cases = {}
    for model in kiosk:
        runs = out["models"][model]
        m = f"{runs['margin']:.2f}"
        for label in ("one_photo", "two_photos"):
            for stranger, named, *_ in runs[label]["margins"][m]["impostor-tail"].get("named_strangers", []):
                cases[(stranger, named)] = {"stranger": stranger, "named": named}
    for case in cases.values():
        case["scores"] = {model: _case_scores(calib_data.embedded(model), case["stranger"], case["named"])
                          for model in kiosk}
    return list(cases.values())


def _case_scores(emb: calib_data.Embedded, stranger: str, named: str) -> dict:
    probe = next(v for f, v in emb.probe.items() if f.startswith("strangers/") and ev.person_id(f.split("/")[1]) == stranger)
    theirs = sorted((f, v) for f, v in emb.probe.items() if not f.startswith("strangers/")
                    and ev.person_id(f.split("/")[1]) == named)
    firsts = {f: v for f, v in emb.enrol.items() if f.endswith("/1.jpg")}
    others = [float(v @ w) for f, v in emb.probe.items() if f.startswith("strangers/")
              and ev.person_id(f.split("/")[1]) != stranger for w in firsts.values()]
    return {"against_each_photo": [round(float(probe @ v), 3) for _, v in theirs],
            "their_own_photos": [round(float(a @ b), 3) for i, (_, a) in enumerate(theirs) for _, b in theirs[i + 1:]],
            "highest_other_stranger": round(max(others), 3)}


def _use_enrolment_bars(model: str) -> None:
    """Enrolment's duplicate screening, one-person check and look-alike flags, in this process, at the
    bars this run will write: the protocol judges the rules being calibrated, not those in
    calibration.py (a model whose curve changes would otherwise be flagged at its old look-alike
    floor). The curve does not depend on the flags: it is fitted on raw scores."""
    from kiosk.vision.base import model_key
    from kiosk.vision.calibration import CALIBRATED
    from kiosk.vision.naming import REFERENCE_PEOPLE, threshold_for_people
    from kiosk.config import VisionSection

    detector, embedder = calib_data.parts(model)
    key = model_key(VisionSection(detector=detector, embedder=embedder))
    emb = calib_data.embedded(model)
    calibrated = CALIBRATED.setdefault(key, {"threshold": 0.5, "margin": 0.1})
    calibrated.update(same_face=same_face(emb), verify=one_to_one(emb)["bar"])
    curve = tuple((int(n), round(float(t), 3)) for n, t in shipped_rule(model, calibrated.get("margin", 0.0))["by_people"])
    calibrated.update(by_people=curve, threshold=threshold_for_people(curve, REFERENCE_PEOPLE))


def det_curves(model: str, margin: float) -> dict:
    emb = calib_data.embedded(model)
    curves = {}
    for label, numbers in (("1 photo", ("1.jpg",)), ("2 photos", calib_data.ENROL_PHOTOS)):
        enrolled = ev.enrol_set(emb, numbers, model)
        probes = ev.probe_set(emb, calib_data.ENROL_PHOTOS if len(numbers) > 1 else numbers)
        for m in sorted({0.0, margin}):
            curves[f"{model}, {label}, margin {m:.2f}"] = det_points(enrolled, probes, m)
    return curves


def baseline(rev: str) -> dict:
    """The same protocol run by the kiosk code of commit `rev` (its enrolment, its Gallery, its rule)."""
    import json
    import os
    import subprocess
    import sys

    from _common import OUT, REPO

    code = OUT / f"code-{rev}"
    if not code.is_dir():
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(code), rev], check=True,
                       capture_output=True)
    env = dict(os.environ, BENCH_KIOSK_CODE=str(code))
    script = ("import json, identify_calib as ic; r = ic.protocol('sface', ('1.jpg',), margins=(0.0, 0.12), "
              "methods=('zero-stranger', 'stranger-far')); "
              "r['det'] = ic.det_points(*ic.enrolled_and_probes('sface', ('1.jpg',)), 0.12); print(json.dumps(r))")
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent, env=env, check=True,
                          capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["rev"] = rev
    return result


def enrolled_and_probes(model: str, numbers: tuple[str, ...]):
    emb = calib_data.embedded(model)
    return ev.enrol_set(emb, numbers, model), ev.probe_set(emb, numbers)
