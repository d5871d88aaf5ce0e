"""`liveness INPUT... [--json]`: judge images or video files as the kiosk would.

One line per input; with --json: {"input", "live", "score", "cues"}. A video
is judged over its first seconds (liveness.decide_s) at the worker's rate,
following one face as the tracker does. Unreadable input: one-line error,
exit code 1 (after the other inputs are judged).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.config import Config
from kiosk.errors import ImageError, KioskError

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg"}
RATE = 15.0  # frames judged per second of video, like the worker


NO_MODEL_NOTE = "without the learned model only a blink proves a face live, and one image cannot blink"


def register(commands) -> None:
    cmd = commands.add_parser("liveness", help="live-check images or video files (anti-spoofing)")
    cmd.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    cmd.add_argument("--json", action="store_true", help="one JSON object per line")
    cmd.set_defaults(handler=liveness_command)


def liveness_command(args, cfg: Config) -> int:
    from kiosk.liveness.judge import LivenessJudge
    from kiosk.vision.pipeline import FALLBACK_EMBEDDER, FacePipeline

    if not cfg.liveness.enabled:
        raise KioskError("liveness.enabled = false in the config: nothing to check")
    pipe = FacePipeline(cfg.vision, cfg.data_dir / "models", FALLBACK_EMBEDDER)  # its detector is what counts
    judge = LivenessJudge(cfg.liveness, cfg.data_dir / "models")
    for name, reason in judge.disabled.items():
        print(f"warning: liveness cue {name} disabled: {reason}", file=sys.stderr)
    failed = 0
    for path in args.inputs:
        try:
            verdict = judge_input(path, pipe, judge)
        except KioskError as err:
            failed += 1
            print(f"error: {err}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(verdict))
        else:
            word = "live" if verdict["live"] else "NOT live"
            note = f": {verdict['note']}" if verdict.get("note") else ""
            print(f"{path}: {word} (score {verdict['score']}){note}")
    return 1 if failed else 0


def judge_input(path: Path, pipe, judge) -> dict:
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return judge_video(path, pipe, judge)
    from kiosk.liveness.base import FaceSample  # noqa: F401  (judge.sample builds it)
    from kiosk.vision.images import load_image

    image = load_image(path)
    faces = pipe.detect(image)
    if not faces:
        return _verdict(path, False, None, {}, "no face found")
    face = max(faces, key=lambda f: f.w * f.h)
    from kiosk.liveness.judge import convincing

    result = judge.evaluate([judge.sample(image, face, 0.0)])
    if judge.proof_by_challenge:  # as at the kiosk without its learned model
        return _verdict(path, False, result.score, result.cues, NO_MODEL_NOTE)
    # One image gives no time for more evidence: it must convince the kiosk at once.
    return _verdict(path, convincing(judge.cfg, result.score, result.learned), result.score, result.cues)


def judge_video(path: Path, pipe, judge) -> dict:
    import cv2

    from kiosk.liveness.judge import LEARNED_CUE, LIVE, Evidence, next_state

    if not path.is_file():
        raise ImageError(f"{path}: no such file")
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise ImageError(f"{path}: cannot read this video")
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    step = max(1, round(fps / RATE))
    limit_s = judge.cfg.decide_s + 0.5
    index, box, result, frames_read = 0, None, None, 0
    try:
        while index / fps <= limit_s:
            ok, frame = cap.read()
            if not ok:
                break
            frames_read += 1
            t = index / fps
            index += 1
            if (index - 1) % step:
                continue
            faces = pipe.detect(frame)
            if box is not None:
                faces = [f for f in faces if f.iou(box) >= 0.3]
            if not faces:
                continue
            box = max(faces, key=lambda f: f.w * f.h)
            result = judge.observe(str(path), frame, box, t)
            if result.decided:
                break
    finally:
        cap.release()
        judge.forget_older_than(1e18)
    if frames_read == 0:
        raise ImageError(f"{path}: cannot read this video")
    if result is None:
        return _verdict(path, False, None, {}, "no face found")
    if not result.decided:  # the clip ended first: the kiosk's final rule
        model = LEARNED_CUE in judge.active
        final = next_state(judge.cfg, Evidence(10**6, judge.cfg.decide_s, result.score, result.learned, model),
                           judge.proof_by_challenge, False)
        return _verdict(path, final == LIVE, result.score, result.cues)
    return _verdict(path, result.live, result.score, result.cues)


def _verdict(path: Path, live: bool, score: float | None, cues: dict, note: str | None = None) -> dict:
    out = {"input": str(path), "live": live, "score": None if score is None else round(score, 4),
           "cues": {k: (None if v is None else round(v, 4)) for k, v in cues.items()}}
    if note:
        out["note"] = note
    return out
