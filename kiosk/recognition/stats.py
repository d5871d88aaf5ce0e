"""The recognition stage's counters and recent timings, in bounded memory: the kiosk
runs for months, so every list of measurements is a ring of the newest values."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

KEEP = 4096  # newest values of each timing kept; percentiles are over these


class Recent:
    """The newest `keep` values of one measurement, and how many there were in all."""

    def __init__(self, keep: int = KEEP):
        self._values: deque[float] = deque(maxlen=keep)
        self.count = 0

    def add(self, value: float) -> None:
        self._values.append(value)
        self.count += 1

    def values(self) -> list[float]:
        return list(self._values)

    def percentile(self, pct: float) -> float | None:
        return round(float(np.percentile(self._values, pct)), 1) if self._values else None

    def __len__(self) -> int:
        return len(self._values)


@dataclass
class WorkerStats:
    frames_processed: int = 0
    recognitions: int = 0  # faces embedded and matched
    checkins: int = 0  # rows stored
    latencies_ms: Recent = field(default_factory=Recent)  # per stored check-in
    process_ms: Recent = field(default_factory=Recent)  # per recognition pass
    judge_ms: Recent = field(default_factory=Recent)  # per liveness call on the helper thread
