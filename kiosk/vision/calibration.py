"""Calibrated decision settings per embedding model (cosine similarity of
unit vectors): a face is named when its best person scores >= threshold and
beats the next person by >= margin. Written by bench/accuracy.py
--write-calibration; how they are derived is in docs/ACCURACY.md.

Produced by bench/accuracy.py --write-calibration (20 splits) on 2026-11-25; full results in accuracy.json.
"""

CALIBRATED: dict[str, dict[str, float]] = {
    "sface": {"threshold": 0.490, "margin": 0.12},
    "dlib": {"threshold": 0.950, "margin": 0.01},
    "deepface:SFace": {"threshold": 0.490, "margin": 0.12},
    "deepface:Dlib": {"threshold": 0.955, "margin": 0.01},
    "arcface-mbf": {"threshold": 0.320, "margin": 0.16},
    "edgeface-s": {"threshold": 0.480, "margin": 0.19},
}
