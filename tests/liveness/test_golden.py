"""Golden tests on the shared anti-spoofing samples, with the real models."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import LivenessSection, VisionSection
from kiosk.errors import ModelError
from kiosk.liveness.judge import LivenessJudge
from kiosk.liveness.minifasnet import MODELS, MiniFASNet
from kiosk.vision.images import load_image
from kiosk.vision.pipeline import FacePipeline

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def onnx_dir(shared):
    return shared / "antispoof" / "silent-face" / "onnx"


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    return FacePipeline(VisionSection(), tmp_path_factory.mktemp("models"))


@pytest.mark.parametrize("name, real", [("image_T1.jpg", True), ("image_F1.jpg", False), ("image_F2.jpg", False)])
def test_minifasnet_on_silent_face_samples(shared, onnx_dir, pipe, name, real):
    image = load_image(shared / "antispoof" / "silent-face" / "samples" / name)
    face = pipe.detect(image)[0]
    p = MiniFASNet(onnx_dir).real_probability(image, face)
    assert (p > 0.5) == real


def test_missing_or_corrupt_weights_disable_only_that_layer(onnx_dir, tmp_path):
    judge = LivenessJudge(LivenessSection(model_dir=str(tmp_path)), tmp_path)
    assert "minifasnet" in judge.disabled and "planar" in judge.active
    for model in MODELS:
        (tmp_path / model.file).write_bytes(b"not an onnx file")
    with pytest.raises(ModelError):
        MiniFASNet(tmp_path)
    judge = LivenessJudge(LivenessSection(model_dir=str(tmp_path)), tmp_path)
    assert "minifasnet" in judge.disabled and len(judge.active) == 7


def cli(data_dir, *argv):
    return subprocess.run([sys.executable, str(REPO / "main.py"), "--data-dir", str(data_dir), *argv],
                          cwd=REPO, capture_output=True, text=True, timeout=240)


def test_models_import_then_liveness_cli_on_shared_videos(shared, onnx_dir, data_dir, tmp_path, isolated_models):
    bad = tmp_path / MODELS[0].file
    bad.write_bytes(b"\x00" * 100)
    refused = cli(data_dir, "models", "import", str(bad))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and refused.stderr.count("\n") == 1
    done = cli(data_dir, "models", "import", *(str(onnx_dir / m.file) for m in MODELS))
    assert done.returncode == 0, done.stderr
    manifest = json.loads((isolated_models / "antispoof" / "manifest.json").read_text())
    assert all(len(manifest[m.file]["sha256"]) == 64 for m in MODELS)

    replay = shared / "antispoof" / "replay-videos"
    samples = shared / "antispoof" / "silent-face" / "samples"
    ran = cli(data_dir, "liveness", "--json", str(replay / "real" / "lestari15.mp4"),
              str(replay / "spoof" / "lestari15.mp4"), str(samples / "image_T1.jpg"), str(samples / "image_F2.jpg"))
    assert ran.returncode == 0, ran.stderr
    lines = [json.loads(line) for line in ran.stdout.splitlines()]
    assert [v["live"] for v in lines] == [True, False, True, False]
    assert set(lines[0]) >= {"input", "live", "score", "cues"} and "minifasnet" in lines[0]["cues"]


def test_liveness_cli_unreadable_input(data_dir, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"nonsense")
    ran = cli(data_dir, "liveness", "--json", str(broken))
    assert ran.returncode == 1 and ran.stdout == ""
    assert ran.stderr.strip().splitlines()[-1].startswith("error:") and "Traceback" not in ran.stderr


def test_liveness_cli_without_the_model_never_passes_one_image(shared, data_dir):
    # As at the kiosk without its learned model: only a blink proves a face live.
    image = shared / "antispoof" / "silent-face" / "samples" / "image_T1.jpg"
    ran = cli(data_dir, "liveness", "--json", str(image))
    assert ran.returncode == 0 and "minifasnet disabled" in ran.stderr
    verdict = json.loads(ran.stdout)
    assert verdict["live"] is False and "blink" in verdict["note"]
