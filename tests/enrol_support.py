"""Helpers for the enrolment tests."""

from __future__ import annotations

import numpy as np


def lookalike_of(vector: np.ndarray, score: float, seed: int = 7) -> np.ndarray:
    """A unit vector scoring exactly `score` against `vector`: a face just inside the look-alike band."""
    rng = np.random.default_rng(seed)
    other = rng.normal(size=vector.shape).astype(np.float32)
    other -= (other @ vector) * vector
    other /= np.linalg.norm(other)
    return (score * vector + np.sqrt(1 - score**2) * other).astype(np.float32)
