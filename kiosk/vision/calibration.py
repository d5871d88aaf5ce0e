"""Calibrated naming settings per embedding model (cosine similarity of
unit vectors), read by kiosk/vision/naming.py: a face is named when its best
person scores >= threshold and beats the next person by >= margin. `by_people`
gives the threshold for a gallery of that many people (read in log(people));
`threshold` is its value at naming.REFERENCE_PEOPLE. `verify` and `same_face`
are enrolment's one-to-one and duplicate bars; `track_headroom` how far a track's
mean must clear the threshold at the door (bench/walkup.py). Written by
bench/accuracy.py --write-calibration; how they are derived is in docs/ACCURACY.md.

Produced by bench/accuracy.py --write-calibration on 2026-12-07; full results in accuracy.json.
"""

CALIBRATED: dict[str, dict[str, float]] = {
    "sface": {"threshold": 0.444, "margin": 0.08, "same_face": 0.54, "verify": 0.300, "track_headroom": 0.07,
        "by_people": ((1, 0.444), (3, 0.444), (10, 0.444), (30, 0.444), (100, 0.444), (200, 0.444), (300, 0.452), (1000, 0.476), (3000, 0.498), (10000, 0.522))},
    "sface-fp32": {"threshold": 0.450, "margin": 0.08, "same_face": 0.55, "verify": 0.300,
        "by_people": ((1, 0.450), (3, 0.450), (10, 0.450), (30, 0.450), (100, 0.450), (200, 0.450), (300, 0.459), (1000, 0.486), (3000, 0.511), (10000, 0.537))},
    "dlib": {"threshold": 0.950, "margin": 0.01},
    "deepface:SFace": {"threshold": 0.490, "margin": 0.12},
    "deepface:Dlib": {"threshold": 0.955, "margin": 0.01},
    "arcface-mbf": {"threshold": 0.320, "margin": 0.16},
    "edgeface-s": {"threshold": 0.450, "margin": 0.08, "same_face": 0.48, "verify": 0.260, "track_headroom": 0.06,
        "by_people": ((1, 0.450), (3, 0.450), (10, 0.450), (30, 0.450), (100, 0.450), (200, 0.450), (300, 0.460), (1000, 0.491), (3000, 0.519), (10000, 0.549))},
}
