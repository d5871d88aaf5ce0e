"""SFace and dlib embedders on real photos: same person scores above others."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.vision.pipeline import FacePipeline

PIPELINES = ["sface_pipeline", "dlib_pipeline"]


def _embed_one(pipeline: FacePipeline, image: np.ndarray, flip_tta: bool = False) -> np.ndarray:
    faces = pipeline.detect(image)
    assert len(faces) == 1
    return pipeline.embed(image, faces, flip_tta=flip_tta)[0]


@pytest.mark.parametrize("name", PIPELINES)
@pytest.mark.parametrize("flip_tta", [False, True])
def test_same_person_scores_higher_than_different(name, flip_tta, photos, request):
    pipeline = request.getfixturevalue(name)
    obama, obama2, biden = (_embed_one(pipeline, photos[n], flip_tta)
                            for n in ("obama.jpg", "obama2.jpg", "biden.jpg"))
    same = float(obama @ obama2)
    assert same > float(obama @ biden) + 0.05
    assert same > float(obama2 @ biden) + 0.05


@pytest.mark.parametrize("name", PIPELINES)
def test_embeddings_are_unit_rows_and_batching_matches_single(name, photos, request):
    pipeline = request.getfixturevalue(name)
    image = photos["two_people.jpg"]
    faces = pipeline.detect(image)
    batch = pipeline.embed(image, faces)
    assert batch.shape == (2, pipeline.embedder.dim) and batch.dtype == np.float32
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    singles = np.stack([pipeline.embed(image, [face])[0] for face in faces])
    assert np.allclose(batch, singles, atol=1e-4)


@pytest.mark.parametrize("name", PIPELINES)
def test_no_faces_gives_empty_matrix(name, photos, request):
    pipeline = request.getfixturevalue(name)
    assert pipeline.embed(photos["obama.jpg"], []).shape == (0, pipeline.embedder.dim)


def test_sface_crops_are_112_and_dlib_chips_150(sface_pipeline, dlib_pipeline, photos):
    image = photos["obama.jpg"]
    face = sface_pipeline.detect(image)[0]
    assert sface_pipeline.embedder.align(image, [face])[0].shape == (112, 112, 3)
    assert dlib_pipeline.embedder.align(image, [face])[0].shape == (150, 150, 3)


def test_dlib_detector_gives_yunet_order_landmarks(dlib_pipeline, sface_pipeline, photos):
    image = photos["obama.jpg"]
    (hog,) = dlib_pipeline.detect(image)
    (yunet,) = sface_pipeline.detect(image)
    assert hog.iou(yunet) > 0.4
    hog_points, yunet_points = np.array(hog.landmarks), np.array(yunet.landmarks)
    # Estimated from dlib's eye corners and nose: within a tenth of the face size.
    assert np.abs(hog_points - yunet_points).max() < 0.1 * yunet.w
    assert len(dlib_pipeline.detect(photos["two_people.jpg"])) == 2


def test_sface_runs_on_dlib_boxes(dlib_pipeline, sface_pipeline, photos):
    """Any detector feeds any embedder: SFace on HOG faces still tells people apart."""
    vectors = {}
    for name in ("obama.jpg", "obama2.jpg", "biden.jpg"):
        faces = dlib_pipeline.detect(photos[name])
        vectors[name] = sface_pipeline.embed(photos[name], faces)[0]
    assert vectors["obama.jpg"] @ vectors["obama2.jpg"] > vectors["obama.jpg"] @ vectors["biden.jpg"]
