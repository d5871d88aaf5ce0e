"""dlib backends (the original system's stack): HOG frontal face detector with
the 5-point shape predictor, and the ResNet face descriptor on dlib face chips cut
from any detector's five landmarks (CC0 models from
face_recognition_models). dlib works on RGB images.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision import weights
from kiosk.vision.base import DETECTORS, EMBEDDERS, Detector, Embedder, FaceBox, l2_normalise
from kiosk.vision.sface import five_points, similarity_matrix

log = logging.getLogger(__name__)

# Mean face positions in dlib's face-chip frame (unit square, no padding), from
# dlib's get_face_chip_details (interpolation.h). The 5-point model gives eye
# corners and the nose base; YuNet order wants eye centres, nose tip and mouth
# corners, which come from the same mean 68-point face (eyes 36-47 averaged,
# points 30, 48, 54).
DLIB5_MEAN = np.array(
    [[0.8595674596, 0.2134981538], [0.6460604764, 0.2289674388],
     [0.1205750621, 0.2137274527], [0.3340850614, 0.2290642403],
     [0.4901123136, 0.6277975316]],
    np.float32,
)
YUNET5_MEAN = np.array(
    [[0.2254918, 0.2159903], [0.7547613, 0.2159903], [0.490127, 0.515625],
     [0.254149, 0.780233], [0.726104, 0.780233]],
    np.float32,
)
HOG_UPSAMPLE = 1  # as face_recognition does: finds faces down to ~40 px
CHIP_SIZE = 150
CHIP_PADDING = 0.25


def _import_dlib():
    try:
        import dlib
    except ImportError:
        raise ModelError("dlib is not installed: pip install dlib-bin") from None
    return dlib


def _load_shape_predictor(dlib):
    path = weights.shipped_path("dlib_sp5")
    try:
        return dlib.shape_predictor(str(path))
    except RuntimeError as err:
        raise ModelError(f"cannot load {path}: {err}") from None


def _points(shape) -> np.ndarray:
    return np.array([(p.x, p.y) for p in shape.parts()], np.float32)


def yunet_points_from_dlib5(dlib5: np.ndarray) -> tuple[tuple[float, float], ...]:
    """Map the mean YuNet-order points through the similarity that fits the
    mean dlib 5 points onto this face's (mouth corners are estimated)."""
    mapped = cv2.transform(YUNET5_MEAN[None], similarity_matrix(DLIB5_MEAN, dlib5))[0]
    return tuple((float(x), float(y)) for x, y in mapped)


@DETECTORS.register("dlib")
class DlibDetector(Detector):
    def __init__(self, cfg: VisionSection, models_dir: Path):
        super().__init__(cfg, models_dir)
        self._dlib = _import_dlib()
        self._hog = self._dlib.get_frontal_face_detector()
        self._shapes = _load_shape_predictor(self._dlib)

    def detect(self, image_bgr: np.ndarray) -> list[FaceBox]:
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        # HOG scores are SVM margins (> 0, uncapped), not probabilities, so
        # vision.detect_score does not apply; dlib's own threshold (0) does.
        rects, scores, _ = self._hog.run(rgb, HOG_UPSAMPLE, 0.0)
        faces = []
        for rect, score in zip(rects, scores):
            shape = self._shapes(rgb, rect)
            faces.append(FaceBox(
                float(rect.left()), float(rect.top()),
                float(rect.width()), float(rect.height()), float(score),
                yunet_points_from_dlib5(_points(shape)),
            ))
        return sorted(faces, key=lambda f: f.score, reverse=True)


@EMBEDDERS.register("dlib")
class DlibEmbedder(Embedder):
    name = "dlib"
    dim = 128
    licence = "CC0 (dlib models)"
    # dlib descriptors are far from zero-mean: different people still score
    # ~0.83 cosine. 0.925 split the deepface test pairs; bench/accuracy recalibrates.

    def __init__(self, cfg: VisionSection, models_dir: Path):
        super().__init__(cfg, models_dir)
        self._dlib = _import_dlib()
        path = weights.shipped_path("dlib_resnet")
        try:
            self._net = self._dlib.face_recognition_model_v1(str(path))
        except RuntimeError as err:
            raise ModelError(f"cannot load {path}: {err}") from None

    def align(self, image_bgr: np.ndarray, faces: list[FaceBox]) -> list[np.ndarray]:
        """dlib face chips (150 px, padding 0.25), as BGR like every other crop."""
        rgb = np.ascontiguousarray(image_bgr[:, :, ::-1])
        chips = []
        for face in faces:
            chip = self._dlib.get_face_chip(rgb, self._shape(face), size=CHIP_SIZE,
                                            padding=CHIP_PADDING)
            chips.append(np.ascontiguousarray(chip[:, :, ::-1]))
        return chips

    def _shape(self, face: FaceBox):
        """A dlib 5-point shape rebuilt from the face's YuNet-order landmarks, so
        any detector's landmarks drive dlib's own chip extraction (for HOG faces
        this reproduces the shape predictor's alignment)."""
        matrix = similarity_matrix(YUNET5_MEAN, five_points(face))
        points = cv2.transform(DLIB5_MEAN[None], matrix)[0]
        rect = self._dlib.rectangle(round(face.x), round(face.y),
                                    round(face.x + face.w) - 1, round(face.y + face.h) - 1)
        return self._dlib.full_object_detection(
            rect, [self._dlib.point(round(x), round(y)) for x, y in points])

    def embed_crops(self, crops: list[np.ndarray]) -> np.ndarray:
        if not crops:
            return np.zeros((0, self.dim), np.float32)
        rgb = [np.ascontiguousarray(c[:, :, ::-1]) for c in crops]
        # The chips are already 150 px with padding 0.25: the batch overload runs
        # the network on them as they are.
        rows = self._net.compute_face_descriptor(rgb)
        return l2_normalise(np.array([np.asarray(r) for r in rows], np.float32))
