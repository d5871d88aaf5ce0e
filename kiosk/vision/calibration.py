"""Calibrated decision settings per embedder (provisional; bench/accuracy.py rewrites these)."""

CALIBRATED = {
    "sface": {"threshold": 0.45, "margin": 0.0},
    "dlib": {"threshold": 0.925, "margin": 0.0},
    "arcface-mbf": {"threshold": 0.34, "margin": 0.0},
    "edgeface-s": {"threshold": 0.45, "margin": 0.0},
}
