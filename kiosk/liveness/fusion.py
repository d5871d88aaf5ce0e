"""Cue scores -> one liveness score in [0, 1].

Each cue's P(live) becomes log-odds, weighted by config and summed (a naive
Bayes fusion): cues that agree reinforce each other, a cue with no evidence
(None) adds nothing, and no evidence at all gives 0.5, "uncertain".
"""

from __future__ import annotations

import math

CLIP = 0.02  # no single cue may claim certainty: 0.02..0.98 is at most ~3.9 log-odds


def logit(p: float) -> float:
    p = min(max(p, CLIP), 1.0 - CLIP)
    return math.log(p / (1.0 - p))


def fuse(scores: dict[str, float | None], weights: dict[str, float]) -> float:
    total = sum(weights.get(name, 0.0) * logit(score) for name, score in scores.items() if score is not None)
    return 1.0 / (1.0 + math.exp(-total))
