"""Run the real kiosk as a subprocess in a throw-away data folder: enrol, add a class, schedule it
now and run main.py, as bench/latency.py and the other kiosk benchmarks do."""

from __future__ import annotations

import os
from contextlib import contextmanager
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from _common import OUT, REPO, SHARED

TZ = "Etc/GMT-12"  # any fixed zone works; the schedule is built in it
LIVENESS_ONNX = SHARED / "antispoof" / "silent-face" / "onnx"


def env_for(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
            "KIOSK_DATA_DIR": str(data_dir), "KIOSK_TIMEZONE": TZ}


def kiosk(data_dir: Path, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
    """One main.py command on this data folder; a failure ends the benchmark with its last line."""
    done = subprocess.run([sys.executable, str(REPO / "main.py"), *argv], env=env_for(data_dir), cwd=REPO,
                          capture_output=True, text=True)
    if check and done.returncode != 0:
        raise SystemExit(f"error: main.py {argv[0]} failed: {done.stderr.strip().splitlines()[-1:]}")
    return done


def install_liveness_model(data: Path) -> bool:
    """Import the MiniFASNet files as a school would, so the full liveness stack runs."""
    files = sorted(LIVENESS_ONNX.glob("*.onnx"))
    for onnx in files:
        kiosk(data, "models", "import", str(onnx))
    return bool(files)


def schedule_now(data_dir: Path, code: str, config: Path | None = None, minutes: int = 30) -> None:
    """A one-off session of class `code` that started a minute ago."""
    now = datetime.now(ZoneInfo(TZ))
    start, end = now - timedelta(minutes=1), now + timedelta(minutes=minutes)
    if start.date() != end.date():
        raise SystemExit("error: run this benchmark away from midnight in " + TZ)
    kiosk(data_dir, *config_args(config), "schedule", "add", code, "--start", f"{start:%H:%M}",
          "--end", f"{end:%H:%M}", "--date", f"{now:%Y-%m-%d}")


def prepare_hamilton(data_dir: Path, minutes: int = 30) -> bool:
    """The Hamilton-clip setup of bench/latency.py: the liveness model, Lin-Manuel and
    Obama enrolled from one photo each, and their class in session now. True when the
    liveness model was installed (its files were found)."""
    photos = SHARED / "face_recognition"
    full_liveness = install_liveness_model(data_dir)
    kiosk(data_dir, "enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photos / "lin-manuel-miranda.png"))
    kiosk(data_dir, "enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"))
    kiosk(data_dir, "class", "add", "HAM", "--name", "Hamilton", "--students", "lin,obama")
    schedule_now(data_dir, "HAM", minutes=minutes)
    return full_liveness


def config_args(config: Path | None) -> list[str]:
    return ["--config", str(config)] if config else []


def write_config(path: Path, overrides: dict[str, dict[str, object]]) -> Path:
    """config/kiosk.toml with some keys replaced (a TOML file the kiosk's --config reads)."""
    import tomllib

    raw = tomllib.loads((REPO / "config" / "kiosk.toml").read_text())
    for section, keys in overrides.items():
        raw.setdefault(section, {}).update(keys)
    lines = []
    for section, keys in raw.items():
        lines.append(f"[{section}]")
        lines += [f"{k} = {_toml(v)}" for k, v in keys.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def start_run(data_dir: Path, *argv: str) -> subprocess.Popen:
    """`main.py run ...` in the background (for RSS sampling); stdout/stderr to files in data_dir."""
    return subprocess.Popen([sys.executable, str(REPO / "main.py"), "run", *argv], env=env_for(data_dir),
                            cwd=REPO, stdout=(data_dir / "run.out").open("w"),
                            stderr=(data_dir / "run.err").open("w"))


def fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def check_video(video: Path) -> str | None:
    """None when `video` is a readable file with faces, else a one-line reason."""
    if not video.is_file():
        return f"video not found: {video}"
    if not video_has_faces(video):
        return f"no face found in the video (or it cannot be read): {video}"
    return None


def video_has_faces(video: Path, samples: int = 30) -> bool:
    """Any face in `samples` frames spread over the video (an unreadable file has none)."""
    import cv2

    with quiet_stderr():  # FFmpeg prints its own complaint about a broken file; ours is the one line
        capture = cv2.VideoCapture(str(video))
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    if count <= 0:
        return False
    from kiosk.config import Config
    from kiosk.vision.pipeline import FacePipeline

    pipe = FacePipeline(Config().vision, OUT / "models")
    for index in np.linspace(0, count - 1, min(samples, count)).astype(int):
        capture.set(cv2.CAP_PROP_POS_FRAMES, int(index))
        ok, frame = capture.read()
        if ok and pipe.detect(frame):
            return True
    return False


@contextmanager
def quiet_stderr():
    """Silence C libraries writing to fd 2 (Python-level errors still surface as exceptions)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
