"""Calibrated decision settings per embedding model (cosine similarity of
unit vectors): a face is named when its best person scores >= threshold and
beats the next person by >= margin. `by_people` gives the threshold for a
gallery of that many people (kiosk/vision/matching.py reads it in log(people));
`threshold` is its value at matching.REFERENCE_PEOPLE. Written by
bench/accuracy.py --write-calibration; how they are derived is in docs/ACCURACY.md.

Produced by bench/accuracy.py --write-calibration on 2026-12-03; full results in calib_run3.json.
"""

CALIBRATED: dict[str, dict[str, float]] = {
    "sface": {"threshold": 0.412, "margin": 0.08, "same_face": 0.49,
        "by_people": ((1, 0.293), (3, 0.325), (10, 0.357), (30, 0.390), (100, 0.412), (196, 0.436), (300, 0.446), (1000, 0.475), (3000, 0.501), (10000, 0.529))},
    "sface-fp32": {"threshold": 0.413, "margin": 0.10, "same_face": 0.49,
        "by_people": ((1, 0.293), (3, 0.326), (10, 0.356), (30, 0.389), (100, 0.413), (196, 0.436), (300, 0.446), (1000, 0.476), (3000, 0.503), (10000, 0.532))},
    "dlib": {"threshold": 0.950, "margin": 0.01},
    "deepface:SFace": {"threshold": 0.490, "margin": 0.12},
    "deepface:Dlib": {"threshold": 0.955, "margin": 0.01},
    "arcface-mbf": {"threshold": 0.320, "margin": 0.16},
    "edgeface-s": {"threshold": 0.480, "margin": 0.19},
}
