"""How smoothly the screen ran: frames shown, fps per second, per-frame work, dropped camera frames."""

from __future__ import annotations

import statistics
import time
from collections import Counter, deque
from dataclasses import dataclass, field

WARMUP_S = 1.0  # the first second (font loading, first surfaces) is not counted in fps
KEEP_WINDOWS = 3600  # one-second fps windows kept for the median: the last hour


@dataclass
class UiStats:
    frames_shown: int = 0
    ui_fps_median: float = 0.0  # over whole 1-second windows after warm-up (the last hour of them)
    ui_fps_min: float = 0.0  # the slowest whole second of the run
    frame_ms: list[float] = field(default_factory=list)  # work per frame (events+update+draw+flip), newest 9000
    frame_ms_histogram: dict[int, int] = field(default_factory=dict)  # whole ms -> frames, whole run
    dropped_frames: int = 0  # camera frames the screen never showed (gaps in Frame.index)
    camera_frames_shown: int = 0
    first_frame_at: float | None = None  # time.monotonic() when the first camera frame was drawn

    @property
    def frame_ms_median(self) -> float:
        return statistics.median(self.frame_ms) if self.frame_ms else 0.0

    @property
    def frame_ms_p95(self) -> float:
        if not self.frame_ms:
            return 0.0
        ordered = sorted(self.frame_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class FrameStats:
    """Collects per-frame timings in the loop in bounded memory (the kiosk runs all day)."""

    def __init__(self, keep_samples: int = 9000) -> None:
        self.frames = 0
        self.work_ms: deque[float] = deque(maxlen=keep_samples)
        self.histogram: Counter[int] = Counter()
        self.fps_windows: deque[int] = deque(maxlen=KEEP_WINDOWS)  # flips in each whole second after warm-up
        self.windows_closed = 0
        self.fps_min: int | None = None
        self._first: float | None = None
        self._window_start = 0.0
        self._window_count = 0
        self._last_flip = 0.0
        self.last_index: int | None = None
        self.dropped = 0
        self.camera_frames = 0
        self.first_frame_at: float | None = None

    def record(self, flipped_at: float, work_start: float) -> None:
        ms = (flipped_at - work_start) * 1000.0
        self.frames += 1
        self.work_ms.append(ms)
        self.histogram[int(ms)] += 1
        if self._first is None:
            self._first = flipped_at
            self._window_start = flipped_at + WARMUP_S
        self._last_flip = flipped_at
        if flipped_at < self._window_start:
            return
        while flipped_at >= self._window_start + 1.0:  # close finished windows (zeros for stalls)
            self.fps_windows.append(self._window_count)
            self.windows_closed += 1
            self.fps_min = self._window_count if self.fps_min is None else min(self.fps_min, self._window_count)
            self._window_count = 0
            self._window_start += 1.0
        self._window_count += 1

    def saw_frame(self, index: int) -> None:
        last = self.last_index
        if last is not None and index == last:
            return  # same frame again: the UI is faster than the camera
        if last is not None and index > last + 1:
            self.dropped += index - last - 1
        self.last_index = index  # an index going backwards is a restarted camera
        self.camera_frames += 1
        if self.first_frame_at is None:
            self.first_frame_at = time.monotonic()

    def summary(self) -> UiStats:
        fps = [float(n) for n in self.fps_windows]
        overall = self._overall_fps()
        return UiStats(
            frames_shown=self.frames,
            ui_fps_median=statistics.median(fps) if fps else overall,
            ui_fps_min=float(self.fps_min) if self.fps_min is not None else overall,
            frame_ms=list(self.work_ms),
            frame_ms_histogram=dict(sorted(self.histogram.items())),
            dropped_frames=self.dropped,
            camera_frames_shown=self.camera_frames,
            first_frame_at=self.first_frame_at,
        )

    def _overall_fps(self) -> float:
        """For runs too short for a whole window after warm-up."""
        if self.frames < 2 or self._first is None or self._last_flip <= self._first:
            return 0.0
        return (self.frames - 1) / (self._last_flip - self._first)
