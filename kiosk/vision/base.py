"""Vision backends: detector and embedder base classes, their registries, and
the small dataclasses that library types are converted into at the edge."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from kiosk.config import VisionSection
from kiosk.registry import Registry


@dataclass(frozen=True)
class FaceBox:
    """A detected face in image pixels.

    `landmarks` are five (x, y) points in YuNet order: right eye, left eye,
    nose tip, right mouth corner, left mouth corner (the person's right/left).
    """

    x: float
    y: float
    w: float
    h: float
    score: float
    landmarks: tuple[tuple[float, float], ...] = ()

    def scaled(self, factor: float) -> "FaceBox":
        return FaceBox(
            self.x * factor, self.y * factor, self.w * factor, self.h * factor, self.score,
            tuple((px * factor, py * factor) for px, py in self.landmarks),
        )

    def shifted(self, dx: float, dy: float) -> "FaceBox":
        return FaceBox(self.x + dx, self.y + dy, self.w, self.h, self.score,
                       tuple((px + dx, py + dy) for px, py in self.landmarks))

    def xywh(self) -> list[int]:
        return [round(self.x), round(self.y), round(self.w), round(self.h)]

    @property
    def size(self) -> float:
        return min(self.w, self.h)

    def iou(self, other: "FaceBox") -> float:
        x1, y1 = max(self.x, other.x), max(self.y, other.y)
        x2 = min(self.x + self.w, other.x + other.w)
        y2 = min(self.y + self.h, other.y + other.h)
        inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
        union = self.w * self.h + other.w * other.h - inter
        return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class Match:
    """The gallery's answer for one face: who (or None), and how sure."""

    person_id: str | None
    name: str | None
    score: float
    second_score: float = -1.0


class Detector(ABC):
    """Finds faces with 5-point landmarks in a BGR image.

    `models_dir` is `<data_dir>/models`, where prepared files live (the installation-wide
    models folder is kiosk/vision/model_files.py's `installed_models_dir`).
    """

    def __init__(self, cfg: VisionSection, models_dir: Path):
        self.cfg = cfg
        self.models_dir = Path(models_dir)

    @abstractmethod
    def detect(self, image_bgr: np.ndarray) -> list[FaceBox]:
        """Faces in the image, in its own pixel coordinates, best first."""


class Embedder(ABC):
    """Turns faces into L2-normalised float32 vectors.

    `align` cuts the model's input crop for each face (5-point alignment);
    `embed_crops` runs the model. Splitting them lets the pipeline add
    flip test-time augmentation for any embedder.
    """

    name: str = ""
    dim: int = 0
    licence: str = ""
    weights_file: Path | None = None  # the file running, when there is one (doctor shows it)
    weights_sha256: str = ""  # its SHA-256 when the loader already computed it

    def __init__(self, cfg: VisionSection, models_dir: Path):
        self.cfg = cfg
        self.models_dir = Path(models_dir)

    def weights_summary(self) -> str:
        """"edgeface_s_gamma_05.onnx sha256 9fd80dbbb5a8": the weights running ("" when not one file)."""
        if self.weights_file is None:
            return ""
        from kiosk.vision.model_files import sha256_of

        digest = self.weights_sha256 or sha256_of(self.weights_file)
        return f"{self.weights_file.name} sha256 {digest[:12]}"

    @abstractmethod
    def align(self, image_bgr: np.ndarray, faces: list[FaceBox]) -> list[np.ndarray]:
        """One aligned BGR crop per face, at the model's input size."""

    @abstractmethod
    def embed_crops(self, crops: list[np.ndarray]) -> np.ndarray:
        """One unit-length row per crop, shape (len(crops), dim), float32."""

    def embed(self, image_bgr: np.ndarray, faces: list[FaceBox]) -> np.ndarray:
        if not faces:
            return np.zeros((0, self.dim), np.float32)
        return self.embed_crops(self.align(image_bgr, faces))


DETECTORS: Registry[Detector] = Registry(
    "detector",
    {"yunet": "kiosk.vision.yunet", "yunet-fp32": "kiosk.vision.yunet", "dlib": "kiosk.vision.dlib_backend"},
)
EMBEDDERS: Registry[Embedder] = Registry(
    "embedder",
    {
        "sface": "kiosk.vision.sface",
        "sface-fp32": "kiosk.vision.sface",
        "dlib": "kiosk.vision.dlib_backend",
        "deepface": "kiosk.vision.deepface_backend",
        "arcface-mbf": "kiosk.vision.onnx_embedders",
        "edgeface-s": "kiosk.vision.onnx_embedders",
    },
)


def l2_normalise(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


def running_config(cfg: VisionSection, embedder: str) -> VisionSection:
    """The vision config with `embedder` running in place of the configured one (the fallback when
    its weights are missing), with that model's own calibrated threshold and margin: a threshold
    set for one model's scores means nothing for another's. Unchanged for "" or the same name."""
    if not embedder or embedder == cfg.embedder:
        return cfg
    return replace(cfg, embedder=embedder, model_path="", threshold=0.0, margin=0.0)


def model_key(cfg: VisionSection) -> str:
    """Which model's vectors to store and compare: vectors of two models never mix."""
    if cfg.embedder == "deepface":
        return f"deepface:{cfg.deepface_model}"
    return cfg.embedder
