"""Running the real kiosk as a process (`main.py ...`, dummy video driver) on a data folder,
in a zone where it is about noon now, so a class scheduled around "now" never spans midnight."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def midday_zone() -> str:
    """A fixed-offset zone where it is about noon now."""
    offset = 12 - datetime.now(timezone.utc).hour
    offset = max(-12, min(14, offset))
    return "Etc/GMT" + (f"-{offset}" if offset > 0 else f"+{-offset}" if offset < 0 else "")


def kiosk_env(data_dir: Path, zone: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
            "KIOSK_DATA_DIR": str(data_dir), "KIOSK_TIMEZONE": zone, **extra}


def run_kiosk(env: dict[str, str], *argv: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """One `main.py` command to its end; a traceback on stderr fails the test that ran it."""
    done = subprocess.run([sys.executable, str(REPO / "main.py"), *argv], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def install_liveness_model(kiosk, shared: Path) -> None:
    """As a school does once: import the Silent-Face MiniFASNet files (Apache-2.0)."""
    for onnx in sorted((shared / "antispoof" / "silent-face" / "onnx").glob("*.onnx")):
        assert kiosk("models", "import", str(onnx)).returncode == 0
