"""DeepFace as the model layer: our detector and 5-point alignment, DeepFace's
recognition model on the aligned crops. Also DeepFace's own detect+align path
(`deepface_represent_full`), which the benchmark measures as a baseline.

DeepFace downloads missing weights on first use; the kiosk never lets it:
every file it would need is checked in its weights folder first.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision import weights
from kiosk.vision.base import EMBEDDERS, Embedder, FaceBox, l2_normalise
from kiosk.vision.dlib_backend import CHIP_PADDING, YUNET5_MEAN
from kiosk.vision.sface import ARCFACE_TEMPLATE, CROP, five_points, warp_to_template

log = logging.getLogger(__name__)

# Recognition model -> weights file DeepFace 0.0.103 loads (onnx engine).
MODEL_FILES = {
    "VGG-Face": "vgg_face_weights.onnx",
    "Facenet": "facenet_weights.onnx",
    "Facenet512": "facenet512_weights.onnx",
    "OpenFace": "openface_weights.onnx",
    "DeepFace": "VGGFace2_DeepFace_weights_val-0.9034.onnx",
    "DeepID": "deepid_weights.onnx",
    "ArcFace": "arcface_weights.onnx",
    "SFace": "face_recognition_sface_2021dec.onnx",
    "GhostFaceNet": "ghostfacenet_v1.onnx",
    "Dlib": "dlib_face_recognition_resnet_model_v1.dat",
    "Buffalo_L": "buffalo_l/webface_r50.onnx",
}
# Detector backend -> weights files it loads.
DETECTOR_FILES = {
    "skip": [],
    "opencv": ["haarcascade_frontalface_default.xml", "haarcascade_eye.xml"],
    "dlib": ["shape_predictor_5_face_landmarks.dat"],
    "yunet": ["face_detection_yunet_2023mar.onnx"],
    "centerface": ["centerface.onnx"],
    "ssd": ["deploy.prototxt", "res10_300x300_ssd_iter_140000.caffemodel"],
}
LICENCES = {"SFace": "Apache-2.0", "Dlib": "CC0 (dlib models)"}
# Same weights and alignment as our sface/dlib embedders, so the same starting thresholds.
def _weights_dir() -> Path:
    home = os.environ.get("DEEPFACE_HOME")
    if not home:
        raise ModelError("DeepFace weights folder not prepared (call prepare_deepface_home)")
    if os.environ.get("DEEPFACE_BACKEND_ENGINE", "onnx").lower() != "onnx":
        raise ModelError("the kiosk runs DeepFace on onnxruntime: unset DEEPFACE_BACKEND_ENGINE")
    return Path(home) / ".deepface" / "weights"


def _require(files: list[str], what: str) -> None:
    folder = _weights_dir()
    for name in files:
        if not (folder / name).is_file():
            raise ModelError(
                f"DeepFace {what}: weights file {folder / name} is missing; place it there "
                f"(the kiosk never downloads weights)"
            )


def _check_model(model_name: str) -> None:
    if model_name not in MODEL_FILES:
        raise ModelError(
            f"unknown DeepFace model {model_name!r}: choose one of {', '.join(MODEL_FILES)}"
        )
    _require([MODEL_FILES[model_name]], f"model {model_name}")


def _deepface():
    from deepface import DeepFace  # after DEEPFACE_HOME is set: the import creates it

    return DeepFace


@EMBEDDERS.register("deepface")
class DeepFaceEmbedder(Embedder):
    name = "deepface"
    licence = "as stated by the DeepFace model's authors"

    def __init__(self, cfg: VisionSection, models_dir: Path):
        super().__init__(cfg, models_dir)
        weights.prepare_deepface_home(self.models_dir)
        self.model_name = cfg.deepface_model
        _check_model(self.model_name)
        try:
            model = _deepface().build_model(self.model_name)
        except (ImportError, ValueError, OSError) as err:
            raise ModelError(f"DeepFace model {self.model_name}: {err}".splitlines()[0]) from None
        self.dim = int(model.output_shape)
        self.input_size = tuple(int(v) for v in model.input_shape)  # (w, h)
        self.name = f"deepface-{self.model_name}"
        self.licence = LICENCES.get(self.model_name, self.licence)
        self._template = _template_for(self.model_name, self.input_size)

    def align(self, image_bgr: np.ndarray, faces: list[FaceBox]) -> list[np.ndarray]:
        return [warp_to_template(image_bgr, five_points(f), self._template, self.input_size)
                for f in faces]

    def embed_crops(self, crops: list[np.ndarray]) -> np.ndarray:
        if not crops:
            return np.zeros((0, self.dim), np.float32)
        results = _deepface().represent(
            list(crops), model_name=self.model_name, detector_backend="skip",
            enforce_detection=False, align=False,
        )
        if len(crops) == 1:  # DeepFace unwraps a batch of one
            results = [results]
        return l2_normalise(np.array([r[0]["embedding"] for r in results], np.float32))


def _template_for(model_name: str, size: tuple[int, int]) -> np.ndarray:
    """Where the five landmarks go in the model's input crop."""
    width, height = size
    if model_name == "Dlib":  # dlib's face chip: mean face with 0.25 padding
        return (YUNET5_MEAN + CHIP_PADDING) / (1 + 2 * CHIP_PADDING) * np.float32(width)
    # ArcFace template scaled to the input, centred when it is not square.
    scale = min(width, height) / CROP
    offset = np.array([width - CROP * scale, height - CROP * scale], np.float32) / 2
    return ARCFACE_TEMPLATE * scale + offset


def deepface_represent_full(
    image_bgr: np.ndarray, model_name: str, detector_backend: str,
    models_dir: Path | None = None,
) -> tuple[list[FaceBox], np.ndarray]:
    """DeepFace's own detection and alignment path, for the benchmark baseline.

    Returns the faces it found (box and score only: DeepFace exposes no five
    landmarks) and their L2-normalised embeddings.
    """
    if models_dir is not None:
        weights.prepare_deepface_home(models_dir)
    _check_model(model_name)
    if detector_backend not in DETECTOR_FILES:
        raise ModelError(
            f"DeepFace detector {detector_backend!r} is not supported offline here: "
            f"choose one of {', '.join(DETECTOR_FILES)}"
        )
    _require(DETECTOR_FILES[detector_backend], f"detector {detector_backend}")
    deepface = _deepface()
    from deepface.modules.exceptions import FaceNotDetected

    try:
        results = deepface.represent(
            image_bgr, model_name=model_name, detector_backend=detector_backend, align=True
        )
    except FaceNotDetected:
        dim = int(deepface.build_model(model_name).output_shape)
        return [], np.zeros((0, dim), np.float32)
    faces = [
        FaceBox(float(r["facial_area"]["x"]), float(r["facial_area"]["y"]),
                float(r["facial_area"]["w"]), float(r["facial_area"]["h"]),
                float(r["face_confidence"]))
        for r in results
    ]
    return faces, l2_normalise(np.array([r["embedding"] for r in results], np.float32))
