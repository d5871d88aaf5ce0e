"""Calibrated decision settings per embedding model (cosine similarity of
unit vectors): a face is named when its best person scores >= threshold and
beats the next person by >= margin. `by_people` gives the threshold for a
gallery of that many people (kiosk/vision/matching.py reads it in log(people));
`threshold` is its value at matching.REFERENCE_PEOPLE. Written by
bench/accuracy.py --write-calibration; how they are derived is in docs/ACCURACY.md.

Produced by bench/accuracy.py --write-calibration on 2026-12-03; full results in accuracy.json.
"""

CALIBRATED: dict[str, dict[str, float]] = {
    "sface": {"threshold": 0.453, "margin": 0.08, "same_face": 0.49, "verify": 0.378,
        "by_people": ((1, 0.453), (3, 0.453), (10, 0.453), (30, 0.453), (100, 0.453), (196, 0.453), (300, 0.464), (1000, 0.497), (3000, 0.526), (10000, 0.558))},
    "sface-fp32": {"threshold": 0.452, "margin": 0.10, "same_face": 0.49, "verify": 0.377,
        "by_people": ((1, 0.452), (3, 0.452), (10, 0.452), (30, 0.452), (100, 0.452), (196, 0.452), (300, 0.463), (1000, 0.494), (3000, 0.522), (10000, 0.553))},
    "dlib": {"threshold": 0.950, "margin": 0.01},
    "deepface:SFace": {"threshold": 0.490, "margin": 0.12},
    "deepface:Dlib": {"threshold": 0.955, "margin": 0.01},
    "arcface-mbf": {"threshold": 0.320, "margin": 0.16},
    "edgeface-s": {"threshold": 0.480, "margin": 0.19},
}
