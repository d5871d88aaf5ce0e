"""Calibrated decision settings per embedding model (cosine similarity of
unit vectors): a face is named when its best person scores >= threshold and
beats the next person by >= margin. Written by bench/accuracy.py
--write-calibration; how they are derived is in docs/ACCURACY.md.

Produced by: bench/accuracy.py --splits 20, see accuracy.json.
"""

CALIBRATED: dict[str, dict[str, float]] = {
    "sface": {"threshold": 0.49, "margin": 0.12},
    "dlib": {"threshold": 0.95, "margin": 0.01},
    "deepface:SFace": {"threshold": 0.49, "margin": 0.12},
    "deepface:Dlib": {"threshold": 0.96, "margin": 0.01},
    "arcface-mbf": {"threshold": 0.32, "margin": 0.16},
    "edgeface-s": {"threshold": 0.48, "margin": 0.19},
}
