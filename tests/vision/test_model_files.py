"""Pinned model files: the one check and the one install that setup's fetch and `models import`
share, on real ONNX files."""

from __future__ import annotations

import json
import os

import pytest

from kiosk.errors import ModelError
from kiosk.vision import model_files
from kiosk.vision.model_files import PinnedFile

V2 = "2.7_80x80_MiniFASNetV2.onnx"
V2_SHA256 = "4433e871ef03f6c4c13de1757e63dcd69db14b6d7d9cff2319cb274c0f6dbecb"
FIX = "run ./setup.sh again"


@pytest.fixture
def v2(shared):
    return shared / "antispoof" / "silent-face" / "onnx" / V2


@pytest.fixture
def pin():
    return PinnedFile(V2, V2_SHA256, FIX)


def test_the_installation_folder_is_beside_kiosk_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv(model_files.MODELS_DIR_ENV)
    assert model_files.installed_models_dir() == model_files.PROJECT_ROOT / "models"
    assert (model_files.PROJECT_ROOT / "kiosk" / "vision" / "model_files.py").is_file()
    monkeypatch.setenv(model_files.MODELS_DIR_ENV, str(tmp_path))
    assert model_files.installed_models_dir() == tmp_path


def test_check_accepts_the_pinned_file_only(v2, pin, tmp_path):
    assert model_files.check(v2, pin) == V2_SHA256 and model_files.holds(v2, pin)
    cut = tmp_path / V2
    cut.write_bytes(v2.read_bytes()[:-1])
    for path, words in ((cut, "is not the published file's"), (tmp_path / "nowhere" / V2, "no such file")):
        with pytest.raises(ModelError) as err:
            model_files.check(path, pin)
        message = str(err.value)
        assert message.startswith(f"{path}: ") and words in message
        assert message.endswith(FIX) and "\n" not in message
        assert not model_files.holds(path, pin)
    with pytest.raises(ModelError, match=r"^https://example\.org/x: sha256 "):
        model_files.check(cut, pin, "https://example.org/x")


def test_install_copies_and_records_in_the_manifest(v2, pin, tmp_path):
    folder = tmp_path / "models" / "antispoof"
    record = {"file": V2, "sha256": model_files.check(v2, pin)}
    target = model_files.install(v2, folder, record, "from a test")
    assert target == folder / V2 and model_files.holds(target, pin)
    manifest = json.loads((folder / model_files.MANIFEST).read_text())
    assert manifest[V2]["source"] == "from a test" and manifest[V2]["imported_at"]
    assert sorted(p.name for p in folder.iterdir()) == [V2, model_files.MANIFEST]  # no .partial left


def test_install_into_a_folder_that_cannot_be_made_is_one_line(v2, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ModelError) as err:
        model_files.install(v2, blocker / "models", {"file": V2})
    assert str(err.value).startswith(f"cannot install into {blocker / 'models'}: ")
    assert model_files.MODELS_DIR_ENV in str(err.value) and "\n" not in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder (tests/cli/test_models_cmd.py runs as nobody)")
def test_an_unreadable_folder_is_named(v2, tmp_path):
    closed = tmp_path / "closed"
    (closed / "antispoof").mkdir(parents=True)
    closed.chmod(0)
    try:
        with pytest.raises(ModelError, match=f"cannot read the models folder {closed}: permission denied"):
            model_files.is_there(closed / "antispoof" / V2)
    finally:
        closed.chmod(0o700)
