"""`main.py demo`: from nothing to a checked-in Lin on the shared clip, at any time of day, in a
folder of its own; it never touches the kiosk's data and refuses a folder that is not its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def demo(data_dir: Path, *argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "KIOSK_DATA_DIR": str(data_dir),
           **(env or {})}
    return subprocess.run([sys.executable, str(REPO / "main.py"), "demo", *argv], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=180)


def test_the_demo_checks_lin_in_on_the_clip_in_its_own_folder(shared, data_dir, tmp_path):
    folder = tmp_path / "demo"
    ran = demo(data_dir, "--demo-dir", str(folder), "--exit-after", "9")
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0] == f"demo data in {folder} (the kiosk's own database is not touched)"
    assert lines[1].startswith("class DEMO in room - meets today ")
    assert lines[2].startswith("live check: the learned model is in place")  # the shared files, checked by hash
    assert lines[-1].startswith("attendance: Lin-Manuel Miranda present at ")
    assert "Traceback" not in ran.stderr
    assert list(data_dir.iterdir()) == []  # the kiosk's own data folder stays empty
    again = demo(data_dir, "--demo-dir", str(folder), "--exit-after", "1")  # reset, not piled up
    assert again.returncode == 0 and "schedule" not in again.stderr


def test_the_demo_says_plainly_when_every_face_must_blink(shared, data_dir, tmp_path):
    from kiosk.cli.demo import liveness_state
    from kiosk.config import Config

    cfg = Config().replace("store", data_dir=str(tmp_path)).replace("liveness", model_dir=str(tmp_path))
    state = liveness_state(cfg)
    assert state.startswith("live check: LIMITED") and "may check no one in" in state and "README" in state


def _school_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "school"
    folder.mkdir()
    (folder / "notes.txt").write_text("not the demo's")
    return folder


@pytest.mark.parametrize("which, message", [("data", "is the kiosk's own data folder"),
                                            ("other", "holds files and is not a demo folder")])
def test_the_demo_refuses_a_folder_that_is_not_its_own(data_dir, tmp_path, which, message):
    folder = data_dir if which == "data" else _school_folder(tmp_path)
    ran = demo(data_dir, "--demo-dir", str(folder), "--exit-after", "1")
    assert ran.returncode == 2 and message in ran.stderr and ran.stderr.count("\n") == 1
    assert (folder / "notes.txt").exists() if which == "other" else list(folder.iterdir()) == []


def test_missing_demo_photos_are_one_line(data_dir, tmp_path):
    ran = demo(data_dir, "--demo-dir", str(tmp_path / "d"), "--photos", str(tmp_path), "--exit-after", "1")
    assert ran.returncode == 2 and "short_hamilton_clip.mp4 not found; point --photos" in ran.stderr
