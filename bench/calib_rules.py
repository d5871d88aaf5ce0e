"""Deriving the match threshold and margin from people, so that they transfer to galleries never seen.

Two ways of setting the threshold, both fitted on calibration people only:

- **zero-stranger** (the protocol's headline metric): the lowest threshold at
  which none of the calibration strangers is accepted. It is what "0
  strangers accepted" means on a finite set, and it depends on how many
  strangers there happened to be.
- **impostor tail** (what the kiosk ships): every probe of a calibration
  person is a stranger to everyone else, so the calibration people give ~1,000
  stranger probes instead of 150. For a gallery of n people the threshold is
  the lowest at which at most ALPHA of those probes would be named (best >=
  threshold and lead >= margin), measured on random galleries of n calibration
  people. The curve over n shows how the best stranger score grows with the
  gallery (about +0.01 per doubling here); beyond the calibration gallery it
  is extended along the slope of its upper half.
- **never below the calibration gallery's**: for fewer people the curve would
  allow less, but random draws of people underestimate look-alikes, which are
  not random (families; Matt Damon and Leonardo DiCaprio score 0.448 in the
  small DeepFace set, where a ten-person bar of 0.38 named a stranger in 3 %
  of splits). So the shipped curve is flat up to the calibration gallery's
  size and grows only beyond it.
"""

from __future__ import annotations

import math

import numpy as np

ALPHA = 0.005  # share of strangers (one photo each) the rule may name, per gallery size
GALLERY_SIZES = (1, 3, 10, 30, 100, 300, 1000, 3000, 10000)  # the table written to calibration.py
DRAWS = 40  # random galleries per size
SEED = 11


def lowest_threshold(s1: np.ndarray, lead: np.ndarray, margin: float, alpha: float) -> float:
    """The lowest threshold (to 1e-3) accepting at most alpha of these stranger probes."""
    eligible = np.sort(s1[lead >= margin])[::-1]
    allowed = int(math.floor(alpha * len(s1)))  # this many may pass
    if len(eligible) <= allowed:
        return float(np.round(np.min(s1) if len(s1) else 0.0, 3))
    return float(np.ceil((eligible[allowed] + 1e-6) * 1000) / 1000)


def top_two(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best score and lead over the second, per row (a row with one person leads by its score + 1)."""
    if scores.shape[1] == 1:
        return scores[:, 0], scores[:, 0] + 1.0
    part = -np.partition(-scores, 1, axis=1)[:, :2]
    return part[:, 0], part[:, 0] - part[:, 1]


def tail_curve(impostor: np.ndarray, margin: float, alpha: float = ALPHA,
               sizes=GALLERY_SIZES, floor: bool = True) -> list[tuple[int, float]]:
    """(n, threshold) for each gallery size: measured on random sub-galleries up to the
    calibration gallery's size, extended along the measured slope in log n beyond it."""
    rng = np.random.default_rng(SEED)
    people = impostor.shape[1]
    measured: list[tuple[int, float]] = []
    for n in sorted({min(s, people) for s in sizes} | {people}):
        s1s, leads = [], []
        for _ in range(1 if n == people else DRAWS):
            # A probe whose own person is drawn keeps that column at -1 (never its best): it meets
            # n - 1 others. Dropping such probes instead would shift the mix of probes with n.
            s1, lead = top_two(impostor[:, rng.choice(people, n, replace=False)])
            s1s.append(s1)
            leads.append(lead)
        measured.append((n, lowest_threshold(np.concatenate(s1s), np.concatenate(leads), margin, alpha)))
    curve = _extend(measured, sizes)
    return _floored(curve, people) if floor else curve


def _floored(curve: list[tuple[int, float]], people: int) -> list[tuple[int, float]]:
    """No size below the calibration gallery's gets a lower threshold than that gallery's."""
    floor = dict(curve)[people]
    return [(n, max(t, floor)) for n, t in curve]


def _extend(measured: list[tuple[int, float]], sizes) -> list[tuple[int, float]]:
    """Sizes beyond the largest measured one follow a least-squares line in log n over the upper half."""
    largest = measured[-1][0]
    upper = [(n, t) for n, t in measured if n >= max(10, largest ** 0.5)]
    if len(upper) >= 2:
        x = np.log([n for n, _ in upper])
        slope = float(np.polyfit(x, [t for _, t in upper], 1)[0])
    else:
        slope = 0.0
    slope = max(slope, 0.0)  # a bigger gallery never lowers the bar
    table = dict(measured)
    for n in sizes:
        if n > largest:
            table[n] = round(table[largest] + slope * math.log(n / largest), 3)
    return sorted((n, t) for n, t in table.items() if n in sizes or n == largest)


def threshold_at(curve: list[tuple[int, float]], people: int) -> float:
    """The curve read at a gallery size (linear in log n between points); the kiosk does the same."""
    try:
        from kiosk.vision.naming import threshold_for_people
    except ImportError:  # an older kiosk/ (BENCH_KIOSK_CODE)
        from kiosk.vision.matching import threshold_for_people

    return threshold_for_people(tuple(curve), people)


def zero_stranger(s1_strangers: np.ndarray) -> float:
    """The lowest threshold (to 1e-3) that accepts none of these strangers."""
    return float(np.ceil((np.max(s1_strangers) + 1e-6) * 1000) / 1000) if len(s1_strangers) else 0.0
