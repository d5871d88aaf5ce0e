"""`models import` for EdgeFace-S (offline installs), and what `doctor` says about the configured
face model: its file, hash and licence, or one line naming the file and the fix when it is
missing, damaged or in a folder the kiosk may not read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.weights import OPTIONAL

REPO = Path(__file__).resolve().parents[2]
EDGEFACE = OPTIONAL["edgeface-s"]


@pytest.fixture
def edgeface_config(tmp_path) -> Path:
    config = tmp_path / "edgeface.toml"
    config.write_text('[vision]\nembedder = "edgeface-s"\n')
    return config


def _line(out: str, check: str) -> str:
    return next(line for line in out.splitlines() if line.split()[1] == check)


def test_import_installs_edgeface_for_the_installation_and_audits_it(cli, edgeface_onnx, isolated_models):
    code, out, err = cli("models", "import", str(edgeface_onnx))
    assert code == 0 and err == ""
    assert out.startswith(f"installed {EDGEFACE.file} -> {isolated_models / EDGEFACE.file}")
    assert (isolated_models / EDGEFACE.file).read_bytes() == edgeface_onnx.read_bytes()
    manifest = json.loads((isolated_models / "manifest.json").read_text())
    assert manifest[EDGEFACE.file]["sha256"] == EDGEFACE.sha256
    audit = cli("audit", "list", "--kind", "models")[1].splitlines()
    assert len(audit) == 1 and EDGEFACE.file in audit[0] and EDGEFACE.sha256 in audit[0]


@pytest.mark.parametrize("bad", ["truncated", "another_file", "missing", "unknown_name"])
def test_import_refuses_in_one_line_and_installs_nothing(cli, shared, tmp_path, isolated_models, bad):
    path = tmp_path / ("w600k_mbf.onnx" if bad == "unknown_name" else EDGEFACE.file)
    liveness_file = shared / "antispoof" / "silent-face" / "onnx" / "2.7_80x80_MiniFASNetV2.onnx"
    if bad in ("truncated", "another_file", "unknown_name"):
        path.write_bytes(liveness_file.read_bytes()[: 5000 if bad == "truncated" else None])
    code, out, err = cli("models", "import", str(path))
    assert code == 1 and out == "" and err.count("\n") == 1 and str(path) in err
    expected = {"truncated": "is not the published file's", "another_file": "is not the published file's",
                "missing": "no such file", "unknown_name": "not a model file the kiosk knows"}[bad]
    assert expected in err
    if bad != "unknown_name":
        assert "./setup.sh" in err and "models import" in err
    assert list(isolated_models.iterdir()) == []


@pytest.mark.parametrize("name, says", [("nonexistent.onnx", "no such file"), ("", "is a folder, not a file")])
def test_import_of_a_path_that_is_no_file_says_so(cli, tmp_path, isolated_models, name, says):
    path = tmp_path / name if name else tmp_path
    code, out, err = cli("models", "import", str(path))
    assert code == 1 and out == "" and err.startswith(f"error: {path}: {says}; give the path of one of ")
    assert "not a model file the kiosk knows" not in err and err.count("\n") == 1
    assert list(isolated_models.iterdir()) == []


def test_doctor_shows_the_configured_models_file_hash_and_licence(cli, edgeface_config, edgeface_onnx,
                                                                  isolated_models):
    shutil.copyfile(edgeface_onnx, isolated_models / EDGEFACE.file)
    code, out, _ = cli("--config", str(edgeface_config), "doctor", "--skip-camera")
    line = _line(out, "models")
    assert line.startswith("ok ") and "edgeface-s" in line
    assert f"{EDGEFACE.file} sha256 {EDGEFACE.sha256[:12]}" in line
    assert "licence: BSD-3-Clause, Idiap Research Institute" in line


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_doctor_warns_in_one_line_when_the_configured_model_cannot_run(cli, edgeface_config, isolated_models,
                                                                       damage, data_dir):
    SqliteStore.in_dir(data_dir).close()  # a kiosk that has run: doctor fails on a folder with no database
    if damage == "truncated":
        (isolated_models / EDGEFACE.file).write_bytes(b"\x00" * 4096)
    code, out, err = cli("--config", str(edgeface_config), "doctor", "--skip-camera")
    line = _line(out, "models")
    assert code == 0 and err == "" and line.startswith("warn ")
    assert EDGEFACE.file in line and "./setup.sh" in line and "models import" in line
    assert "recognises with sface" in line
    assert ("is not the published file's" if damage == "truncated" else "not found") in line


def _as_another_user() -> list[str]:
    """Run as `nobody`: root reads any folder, so only another user meets a closed one."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: no way to meet an unreadable folder")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def _school_database(data: Path) -> None:
    """A kiosk database the other user may open and write (SQLite's WAL files are made beside it)."""
    from kiosk.store.sqlite_store import SqliteStore

    data.mkdir()
    SqliteStore.in_dir(data).close()
    for path in (data, *data.iterdir()):
        path.chmod(0o777 if path.is_dir() else 0o666)


def test_an_unreadable_models_folder_is_one_line_naming_it(edgeface_onnx):
    with tempfile.TemporaryDirectory() as tmp:  # under /tmp itself: `nobody` must reach the data folder
        work = Path(tmp)
        work.chmod(0o777)
        closed = work / "models"
        closed.mkdir()
        shutil.copyfile(edgeface_onnx, closed / EDGEFACE.file)
        closed.chmod(0o700 if os.geteuid() == 0 else 0o000)
        config = work / "edgeface.toml"
        config.write_text('[vision]\nembedder = "edgeface-s"\n')
        config.chmod(0o644)
        _school_database(work / "data")  # doctor FAILs without one: this test is about the models line
        env = {**os.environ, "KIOSK_MODELS_DIR": str(closed), "HOME": tmp}
        run = [*_as_another_user(), sys.executable, str(REPO / "main.py"), "--config", str(config),
               "--data-dir", str(work / "data")]
        try:
            doctor = subprocess.run([*run, "doctor", "--skip-camera"], cwd=tmp, env=env, capture_output=True,
                                    text=True, timeout=240)
            imported = subprocess.run([*run, "models", "import", str(edgeface_onnx)], cwd=tmp, env=env,
                                      capture_output=True, text=True, timeout=240)
        finally:
            closed.chmod(0o700)
    models = _line(doctor.stdout, "models")
    assert doctor.returncode == 0 and "Traceback" not in doctor.stderr
    assert models.startswith("warn ") and f"cannot read the models folder {closed}: permission denied" in models
    assert f"chmod a+rx {closed}" in models and "KIOSK_MODELS_DIR" in models
    assert imported.returncode == 1 and imported.stderr.count("\n") == 1 and str(closed) in imported.stderr
