"""Calibrated decision settings per embedding model (cosine similarity of
unit vectors): a face is named when its best person scores >= threshold and
beats the next person by >= margin. `by_people` gives the threshold for a
gallery of that many people (kiosk/vision/matching.py reads it in log(people));
`threshold` is its value at matching.REFERENCE_PEOPLE. Written by
bench/accuracy.py --write-calibration; how they are derived is in docs/ACCURACY.md.

Produced by bench/accuracy.py --write-calibration; full results in accuracy.json.
"""

CALIBRATED: dict[str, dict[str, float]] = {
    "sface": {"threshold": 0.406, "margin": 0.08,
        "by_people": ((1, 0.293), (3, 0.325), (10, 0.353), (30, 0.386), (100, 0.406), (196, 0.425), (300, 0.434), (1000, 0.458), (3000, 0.480), (10000, 0.505))},
    "sface-fp32": {"threshold": 0.490, "margin": 0.12},
    "dlib": {"threshold": 0.950, "margin": 0.01},
    "deepface:SFace": {"threshold": 0.490, "margin": 0.12},
    "deepface:Dlib": {"threshold": 0.955, "margin": 0.01},
    "arcface-mbf": {"threshold": 0.320, "margin": 0.16},
    "edgeface-s": {"threshold": 0.480, "margin": 0.19},
}
