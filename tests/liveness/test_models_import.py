"""`models import` accepts only the published MiniFASNet files, byte for byte (SHA-256), and
installs them once for the installation: every data folder finds them, and a copy an older
install left in `<data_dir>/models/antispoof` still works."""

from __future__ import annotations

import shutil

import pytest

from kiosk.config import Config
from kiosk.liveness.minifasnet import MODELS, antispoof_dir
from kiosk.liveness.models import layer_status
from kiosk.vision.model_files import sha256_of as sha256

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
def test_a_wrong_or_damaged_file_is_refused_and_nothing_installed(cli, onnx_dir, data_dir, tmp_path,
                                                                   isolated_models, damage):
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
    assert str(bad) in err and "models import" in err
    assert not (isolated_models / "antispoof" / V2.file).exists()
    assert not (data_dir / "models" / "antispoof" / V2.file).exists()


def test_the_published_files_install_for_every_data_folder(cli, onnx_dir, data_dir, tmp_path, isolated_models):
    code, out, err = cli("models", "import", *(str(onnx_dir / m.file) for m in MODELS))
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()] == ["installed", "installed"]
    for model in MODELS:
        assert sha256(isolated_models / "antispoof" / model.file) == model.sha256
    audit = cli("audit", "list", "--kind", "models")[1].splitlines()
    assert [line.split("\t")[5] for line in audit] == [m.file for m in MODELS]
    elsewhere = Config().replace("store", data_dir=str(tmp_path / "another-data-folder"))
    assert antispoof_dir(elsewhere.liveness, elsewhere.data_dir / "models") == isolated_models / "antispoof"
    complete, line = layer_status(elsewhere)
    assert complete and "minifasnet" in line


def test_an_older_install_in_the_data_folder_still_works(onnx_dir, data_dir, isolated_models):
    old = data_dir / "models" / "antispoof"
    old.mkdir(parents=True)
    for model in MODELS:
        shutil.copyfile(onnx_dir / model.file, old / model.file)
    cfg = Config().replace("store", data_dir=str(data_dir))
    assert antispoof_dir(cfg.liveness, cfg.data_dir / "models") == old
    assert layer_status(cfg)[0]


def test_a_damaged_installed_file_disables_the_layer_in_one_doctor_line(cli, onnx_dir, isolated_models, data_dir):
    from kiosk.store.sqlite_store import SqliteStore

    SqliteStore.in_dir(data_dir).close()  # a kiosk that has run: doctor fails on a folder with no database
    folder = isolated_models / "antispoof"
    folder.mkdir()
    shutil.copyfile(onnx_dir / V2.file, folder / V2.file)
    (folder / V1SE.file).write_bytes((onnx_dir / V1SE.file).read_bytes()[:4096])  # a download cut short
    code, out, err = cli("doctor", "--skip-camera")
    line = next(line for line in out.splitlines() if line.split()[1] == "liveness")
    assert code == 0 and err == "" and line.startswith("warn ")
    assert str(folder / V1SE.file) in line and "is not the published file's" in line and V1SE.url in line


def test_the_liveness_doc_gives_each_files_url_and_hash():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "LIVENESS.md").read_text()
    for model in MODELS:
        assert model.url in doc and model.sha256 in doc
