"""The liveness judge on a helper thread of its own, beside the embedding of the same frame.

Both models release the GIL, so a pass costs detection plus the slower of the
two, not their sum (BENCHMARKS.md). The helper thread builds the judge (its
models load where they run) and owns it: the recognition worker never touches
it. Each request is answered with values, a JudgeReport of frozen verdicts,
so nothing is shared between the two threads while both run.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

import numpy as np

from kiosk.config import Config
from kiosk.liveness.base import face_crop
from kiosk.liveness.judge import LEARNED_CUE, SPOOF, LivenessJudge, LivenessResult
from kiosk.vision.base import FaceBox

Face = tuple[Hashable, FaceBox]  # (verdict key, box) of one face to judge


@dataclass(frozen=True)
class JudgeInfo:
    """What the loaded judge can do, for the gate and the screen."""

    active: tuple[str, ...]  # cues running
    disabled: tuple[tuple[str, str], ...]  # (cue, why) that could not start
    proof_by_challenge: bool  # no learned model: only a blink (or turn) proves a face live

    @property
    def limited(self) -> bool:
        return LEARNED_CUE not in self.active


@dataclass(frozen=True)
class JudgeReport:
    """The judge after one request: every followed face's verdict, the faces judged (in order),
    and a face crop for each face it found a spoof this time (only with liveness.keep_snapshots)."""

    verdicts: dict[Hashable, LivenessResult]
    judged: tuple[Hashable, ...] = ()
    judge_ms: float | None = None
    spoof_crops: dict[Hashable, np.ndarray] = field(default_factory=dict)


def load_judge(cfg: Config) -> LivenessJudge | None:
    """The judge with its models loaded (None when liveness is off)."""
    return LivenessJudge(cfg.liveness, cfg.data_dir / "models") if cfg.liveness.enabled else None


class JudgeThread:
    """The helper thread and the judge it owns. `_judge` is read and written only on that thread."""

    def __init__(self, cfg: Config):
        self._keep_crops = cfg.liveness.keep_snapshots
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="liveness")
        self._judge: LivenessJudge | None = None
        self._loading = self._pool.submit(self._load, cfg)

    def info(self) -> JudgeInfo | None:
        """Waits for the models to load; None when liveness is off. Re-raises a load failure."""
        return self._loading.result()

    def judge(self, faces: list[Face], image: np.ndarray, captured_at: float) -> Future:
        """Add this frame to each face's evidence, on the helper thread; the Future's result is a
        JudgeReport, or None when there was nothing to judge."""
        if not faces:
            done: Future = Future()
            done.set_result(None)
            return done
        return self._pool.submit(self._judge_faces, faces, image, captured_at)

    def ask(self, question: Callable[[LivenessJudge], Any]) -> Any:
        """Run `question` on the judge in its own thread and return its answer (tests, benchmarks)."""
        return self._pool.submit(lambda: question(self._judge)).result()

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)

    # -- on the helper thread -----------------------------------------------------------

    def _load(self, cfg: Config) -> JudgeInfo | None:
        self._judge = load_judge(cfg)
        if self._judge is None:
            return None
        judge = self._judge
        return JudgeInfo(tuple(judge.active), tuple(judge.disabled.items()), judge.proof_by_challenge)

    def _judge_faces(self, faces: list[Face], image: np.ndarray, captured_at: float) -> JudgeReport:
        started = time.perf_counter()
        judge, crops = self._judge, {}
        for key, box in faces:
            decided = judge.result(key)
            result = judge.observe(key, image, box, captured_at)
            if self._keep_crops and result.state == SPOOF and (decided is None or not decided.decided):
                crops[key] = face_crop(image, box, 1.5)  # the frame that decided it, before it is let go
        judge.forget_older_than(captured_at)
        return JudgeReport(judge.verdicts(), tuple(k for k, _ in faces), (time.perf_counter() - started) * 1000,
                           crops)
