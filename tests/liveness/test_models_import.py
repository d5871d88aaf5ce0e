"""`models import` accepts only the published MiniFASNet files, byte for byte (SHA-256)."""

from __future__ import annotations

import shutil

import pytest

from kiosk.liveness.minifasnet import MODELS
from kiosk.liveness.models import sha256

V2, V1SE = MODELS


@pytest.fixture(scope="module")
def onnx_dir(shared):
    return shared / "antispoof" / "silent-face" / "onnx"


def test_the_shared_files_are_the_published_ones(onnx_dir):
    for model in MODELS:
        assert sha256(onnx_dir / model.file) == model.sha256
        assert model.url.startswith("https://raw.githubusercontent.com/marcos4758/Silent-Face-Anti-Spoofing-Tests/")
        assert model.url.endswith("/resources/anti_spoof_models/" + model.file)


@pytest.mark.parametrize("damage", ["other_model", "truncated", "one_byte"])
def test_a_wrong_or_damaged_file_is_refused_and_nothing_installed(cli, onnx_dir, data_dir, tmp_path, damage):
    bad = tmp_path / V2.file
    if damage == "other_model":  # a real, loadable ONNX model under the wrong name
        shutil.copyfile(onnx_dir / V1SE.file, bad)
    else:
        content = bytearray((onnx_dir / V2.file).read_bytes())
        if damage == "truncated":
            content = content[: len(content) // 2]
        else:
            content[len(content) // 2] ^= 0xFF
        bad.write_bytes(bytes(content))
    code, out, err = cli("models", "import", str(bad))
    assert code == 1 and out == ""
    assert "is not the published file's" in err and V2.url in err and err.count("\n") == 1
    assert not (data_dir / "models" / "antispoof" / V2.file).exists()


def test_the_published_files_install(cli, onnx_dir, data_dir):
    code, out, err = cli("models", "import", *(str(onnx_dir / m.file) for m in MODELS))
    assert code == 0, err
    assert out.count("installed") == 2
    for model in MODELS:
        assert sha256(data_dir / "models" / "antispoof" / model.file) == model.sha256
    audit = cli("audit", "list", "--kind", "models")[1].splitlines()
    assert [line.split("\t")[5] for line in audit] == [m.file for m in MODELS]


def test_the_liveness_doc_gives_each_files_url_and_hash():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "LIVENESS.md").read_text()
    for model in MODELS:
        assert model.url in doc and model.sha256 in doc
