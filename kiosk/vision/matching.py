"""The decision settings a match uses: the config's, else the calibrated ones (the gallery
itself is built from the store in kiosk/enrolment/gallery.py).

The threshold grows with the gallery: the more people are enrolled, the
higher the best score a stranger reaches by chance. kiosk/vision/calibration.py
holds, per model, the threshold measured at several gallery sizes
(`by_people`, written by bench/accuracy.py); between them it is read
linearly in log(people), and beyond the last one it stays at the last value
plus the measured slope. A threshold set in the config is used as it is.
"""

from __future__ import annotations

import bisect
import math

from kiosk.config import VisionSection
from kiosk.errors import ConfigError
from kiosk.vision.base import model_key

REFERENCE_PEOPLE = 100  # the gallery size a caller that knows none is judged at (one school year)
# One-to-one checks ("is this new photo the enrolled person?") without a calibrated `verify` bar use
# the threshold of a gallery of this many.
VERIFY_PEOPLE = 10


def decision_settings(cfg: VisionSection, people: int | None = None) -> tuple[float, float]:
    """(threshold, margin) for a gallery of `people`: the config's when set, else the calibrated ones."""
    from kiosk.vision.calibration import CALIBRATED

    calibrated = CALIBRATED.get(model_key(cfg))
    if calibrated is None and not cfg.threshold:
        raise ConfigError(
            f"config: vision.threshold = 0: no calibrated threshold for {model_key(cfg)}; "
            "set one (bench/accuracy.py --write-calibration measures it)"
        )
    calibrated = calibrated or {}
    threshold = cfg.threshold or _calibrated_threshold(calibrated, people or REFERENCE_PEOPLE)
    margin = cfg.margin or calibrated.get("margin", 0.0)
    return threshold, margin


def verification_threshold(cfg: VisionSection) -> float:
    """The score a photo needs against one person's enrolled face to be that person: the calibrated
    one-to-one bar (`verify`: photos of two different people pass it 1 time in 100; docs/ACCURACY.md
    shows what a stricter bar costs), else a ten-person gallery's threshold."""
    from kiosk.vision.calibration import CALIBRATED

    calibrated = CALIBRATED.get(model_key(cfg), {})
    return (not cfg.threshold and calibrated.get("verify")) or decision_settings(cfg, people=VERIFY_PEOPLE)[0]


def same_face_score(cfg: VisionSection) -> float:
    """The score from which a new enrolment is the same face as someone enrolled: calibrated
    above every pair of different people seen (`same_face`), else the reference threshold."""
    from kiosk.vision.calibration import CALIBRATED

    calibrated = CALIBRATED.get(model_key(cfg), {})
    return (not cfg.threshold and calibrated.get("same_face")) or decision_settings(cfg)[0]


def lookalike_floor(cfg: VisionSection) -> float:
    """From this score two enrolled people are flagged as look-alikes: the naming threshold of a
    REFERENCE_PEOPLE gallery for a calibrated curve (at identify_calib's 200 people that flags 1 %
    of them); for a flat threshold, its look-alike band below it."""
    from kiosk.vision.calibration import CALIBRATED
    from kiosk.vision.lookalike import lookalike_margin

    threshold = decision_settings(cfg)[0]
    if "by_people" in CALIBRATED.get(model_key(cfg), {}) and not cfg.threshold:
        return threshold
    return threshold - lookalike_margin(model_key(cfg))


def _calibrated_threshold(calibrated: dict, people: int) -> float:
    curve = calibrated.get("by_people")
    return threshold_for_people(curve, people) if curve else calibrated["threshold"]


def threshold_for_people(curve: tuple[tuple[int, float], ...], people: int) -> float:
    """The (people, threshold) curve read at a gallery size, linearly in log(people)."""
    sizes = [n for n, _ in curve]
    people = max(1, people)
    if people <= sizes[0]:
        return curve[0][1]
    i = bisect.bisect_left(sizes, people)
    if i == len(curve):
        (n0, t0), (n1, t1) = curve[-2], curve[-1]  # beyond the table: along its last slope
    else:
        (n0, t0), (n1, t1) = curve[i - 1], curve[i]
    share = (math.log(people) - math.log(n0)) / (math.log(n1) - math.log(n0))
    return round(t0 + share * (t1 - t0), 4)

