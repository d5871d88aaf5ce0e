from __future__ import annotations

import cv2
import numpy as np
import pytest

from kiosk.config import VisionSection
from kiosk.errors import ConfigError, ImageError, ModelError
from kiosk.vision.pipeline import FALLBACK_EMBEDDER, FacePipeline


def test_enrolment_face_returns_the_face_and_its_vector(sface_pipeline, photos):
    found = sface_pipeline.enrolment_face(photos["obama.jpg"], "obama.jpg")
    face, vector = found.face, found.vector
    assert face.size >= 48
    assert vector.shape == (128,) and abs(float(np.linalg.norm(vector)) - 1) < 1e-5


def test_enrolment_rejects_several_faces(sface_pipeline, photos):
    with pytest.raises(ImageError, match=r"^two_people.jpg: 2 faces of similar size \(\d+ px and \d+ px\); "):
        sface_pipeline.enrolment_face(photos["two_people.jpg"], "two_people.jpg")


def test_enrolment_rejects_a_tiny_face(sface_pipeline, photos):
    tiny = cv2.resize(photos["obama.jpg"], None, fx=0.13, fy=0.13, interpolation=cv2.INTER_AREA)
    with pytest.raises(ImageError) as err:
        sface_pipeline.enrolment_face(tiny, "tiny.jpg")
    assert str(err.value).startswith("tiny.jpg: face is ")
    assert str(err.value).endswith(" px wide; needs at least 44 px (vision.min_face_px)")


def test_enrolment_rejects_a_blank_image(sface_pipeline):
    with pytest.raises(ImageError, match=r"^blank.png: no face found$"):
        sface_pipeline.enrolment_face(np.full((480, 640, 3), 90, np.uint8), "blank.png")


def test_detect_scales_boxes_back_to_full_resolution(sface_pipeline, photos):
    image = photos["obama.jpg"]
    big = cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    (small_face,) = sface_pipeline.detect(image)
    (big_face,) = sface_pipeline.detect(big)
    assert big_face.iou(small_face.scaled(2.0)) > 0.8


def test_flip_tta_stays_close_to_plain_embedding(sface_pipeline, photos):
    image = photos["obama.jpg"]
    faces = sface_pipeline.detect(image)
    plain = sface_pipeline.embed(image, faces)[0]
    both = sface_pipeline.embed(image, faces, flip_tta=True)[0]
    assert abs(float(np.linalg.norm(both)) - 1) < 1e-5
    assert 0.8 < float(plain @ both) < 1.0


def test_a_reference_is_the_mean_over_sizes_of_the_photo(sface_pipeline, photos, faces_dir):
    """Small photos: the mean of the subject's embeddings at 1, 1.3 and 1.6 times the size. Photos
    whose enlarged copies would pass TEMPLATE_MAX_SIDE are embedded at their own size only."""
    from kiosk.vision.pipeline import TEMPLATE_MAX_SIDE, TEMPLATE_SCALES

    def reference(image, scales):
        sface_pipeline.template_scales = scales
        try:
            return sface_pipeline.enrolment_face(image, "photo").vector
        finally:
            sface_pipeline.template_scales = TEMPLATE_SCALES

    small = cv2.resize(photos["obama.jpg"], None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA)
    per_size = [reference(small, (1.0,))]
    for scale in TEMPLATE_SCALES[1:]:
        per_size.append(reference(cv2.resize(small, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), (1.0,)))
    mean = np.mean(per_size, axis=0)
    np.testing.assert_allclose(reference(small, TEMPLATE_SCALES), mean / np.linalg.norm(mean), atol=1e-5)
    assert min(float(v @ per_size[0]) for v in per_size) < 0.999  # the sizes do differ: there is noise to cancel
    from kiosk.vision.images import load_image

    big = load_image(faces_dir / "obama-1080p.jpg")
    assert max(big.shape[:2]) * TEMPLATE_SCALES[1] > TEMPLATE_MAX_SIDE
    np.testing.assert_allclose(reference(big, TEMPLATE_SCALES), reference(big, (1.0,)), atol=1e-6)


def test_warm_up_runs(sface_pipeline, dlib_pipeline):
    sface_pipeline.warm_up()
    dlib_pipeline.warm_up()


def test_unknown_backend_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown embedder 'nope'"):
        FacePipeline(VisionSection(embedder="nope"), tmp_path)


def test_a_missing_embedder_falls_back_only_when_asked(tmp_path, photos):
    configured = VisionSection(embedder="edgeface-s", threshold=0.6, margin=0.3)
    with pytest.raises(ModelError):  # enrolment and the CLI must not store one model's vectors as another's
        FacePipeline(configured, tmp_path)
    pipeline = FacePipeline(configured, tmp_path, fallback_embedder=FALLBACK_EMBEDDER)
    assert pipeline.embedder.name == "sface" and "edgeface_s_gamma_05.onnx" in pipeline.fallback_reason
    assert (pipeline.cfg.embedder, pipeline.cfg.threshold, pipeline.cfg.margin) == ("sface", 0.0, 0.0)
    assert pipeline.embed(photos["obama.jpg"], pipeline.detect(photos["obama.jpg"])).shape == (1, 128)
    assert not FacePipeline(VisionSection(embedder="sface"), tmp_path, FALLBACK_EMBEDDER).fallback_reason


def test_the_config_knows_every_detector_and_embedder_the_registries_have():
    """The config validates vision.detector and vision.embedder before any backend is imported."""
    from kiosk.config import DETECTOR_NAMES, EMBEDDER_NAMES
    from kiosk.vision.base import DETECTORS, EMBEDDERS

    assert sorted(DETECTOR_NAMES) == DETECTORS.names() and sorted(EMBEDDER_NAMES) == EMBEDDERS.names()
