"""DeepFace as the model layer, fully offline: its weights folder is built from
the shipped files in a temporary folder, and any network use fails the test."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision.pipeline import FacePipeline


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No sockets, and DEEPFACE_HOME restored after the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("DeepFace tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path / "unused"))
    return tmp_path / "models"


@pytest.mark.parametrize("model, dim, same_margin", [("SFace", 128, 0.3), ("Dlib", 128, 0.05)])
def test_deepface_model_on_our_alignment(offline, sface_pipeline, photos, model, dim, same_margin):
    cfg = VisionSection(embedder="deepface", deepface_model=model)
    pipeline = FacePipeline(cfg, offline)
    assert pipeline.embedder.dim == dim
    vectors = {}
    for name in ("obama.jpg", "obama2.jpg", "biden.jpg"):
        faces = sface_pipeline.detect(photos[name])
        vectors[name] = pipeline.embed(photos[name], faces)[0]
    same = float(vectors["obama.jpg"] @ vectors["obama2.jpg"])
    assert same > float(vectors["obama.jpg"] @ vectors["biden.jpg"]) + same_margin
    assert abs(float(np.linalg.norm(vectors["biden.jpg"])) - 1) < 1e-5


def test_deepface_sface_matches_our_sface(offline, sface_pipeline, photos):
    """Same weights, same crop: DeepFace's onnxruntime run agrees with cv2.dnn."""
    pipeline = FacePipeline(VisionSection(embedder="deepface", deepface_model="SFace"), offline)
    image = photos["two_people.jpg"]
    faces = sface_pipeline.detect(image)
    ours = sface_pipeline.embed(image, faces)
    theirs = pipeline.embed(image, faces)
    assert theirs.shape == (2, 128)
    assert np.all(np.sum(ours * theirs, axis=1) > 0.99)


def test_missing_deepface_weights_is_a_one_line_model_error(offline):
    cfg = VisionSection(embedder="deepface", deepface_model="ArcFace")
    with pytest.raises(ModelError) as err:
        FacePipeline(cfg, offline)
    message = str(err.value)
    assert "\n" not in message and "arcface_weights.onnx" in message
    assert str(offline) in message


def test_unknown_deepface_model(offline):
    with pytest.raises(ModelError, match="unknown DeepFace model 'Nope'"):
        FacePipeline(VisionSection(embedder="deepface", deepface_model="Nope"), offline)


def test_deepface_own_path_with_dlib_baseline(offline, photos):
    from kiosk.vision.deepface_backend import deepface_represent_full

    found = {}
    for name in ("obama.jpg", "biden.jpg", "two_people.jpg"):
        found[name] = deepface_represent_full(photos[name], "Dlib", "dlib", models_dir=offline)
    faces, vectors = found["two_people.jpg"]
    assert len(faces) == 2 and vectors.shape == (2, 128)
    (obama,), obama_vec = found["obama.jpg"]
    assert obama.w > 100 and abs(float(np.linalg.norm(obama_vec[0])) - 1) < 1e-5


def test_deepface_own_path_without_a_face(offline):
    from kiosk.vision.deepface_backend import deepface_represent_full

    faces, vectors = deepface_represent_full(
        np.zeros((240, 320, 3), np.uint8), "SFace", "yunet", models_dir=offline)
    assert faces == [] and vectors.shape == (0, 128)


def test_deepface_detector_weights_missing(offline):
    from kiosk.vision.deepface_backend import deepface_represent_full

    with pytest.raises(ModelError, match="haarcascade_frontalface_default.xml is missing"):
        deepface_represent_full(np.zeros((64, 64, 3), np.uint8), "SFace", "opencv",
                                models_dir=offline)
