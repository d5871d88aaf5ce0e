"""MiniFASNet V2 + V1SE (Silent-Face, Apache-2.0) through onnxruntime.

Each model takes an 80x80 BGR crop of the face box enlarged 2.7x (V2) or
4.0x (V1SE), float 0-255, and gives 3 logits; after softmax class 1 is
"real". Like the original we average both models' softmax. Weights are
never downloaded at run time: setup.sh (`main.py models fetch`) or
`main.py models import FILE` installs them into the installation's models
folder, `antispoof/` (kiosk/vision/model_files.py). Without them, or with a
file that is not the published one, this cue is disabled (the judge logs a
warning and the screen shows a notice).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import ModelError
from kiosk.liveness.base import LIVENESS, FaceSample, FrameCue
from kiosk.vision import model_files
from kiosk.vision.model_files import PinnedFile

log = logging.getLogger(__name__)


# The published ONNX conversion: marcos4758/Silent-Face-Anti-Spoofing-Tests (Apache-2.0) at this commit.
UPSTREAM = ("https://raw.githubusercontent.com/marcos4758/Silent-Face-Anti-Spoofing-Tests/"
            "1557f99a6ca5d485763cc42d42b614a72a3ede7c/resources/anti_spoof_models/")


@dataclass(frozen=True)
class PassiveModel:
    file: str
    scale: float  # crop = face box x scale, about its centre
    sha256: str  # of the published file; `models import` refuses any other

    @property
    def url(self) -> str:
        return UPSTREAM + self.file

    @property
    def pinned(self) -> PinnedFile:
        return PinnedFile(self.file, self.sha256, f"download it again from {self.url} and run "
                                                  "'python main.py models import FILE' (or run ./setup.sh again)")


MODELS = (
    PassiveModel("2.7_80x80_MiniFASNetV2.onnx", 2.7,
                 "4433e871ef03f6c4c13de1757e63dcd69db14b6d7d9cff2319cb274c0f6dbecb"),
    PassiveModel("4_0_0_80x80_MiniFASNetV1SE.onnx", 4.0,
                 "a8e67ffbaf39fa74c3b2ed673b530fcfb2f47379d0f26a52b71c2fc6473ec20f"),
)
INPUT_SHAPE = (1, 3, 80, 80)
OUTPUT_CLASSES = 3
REAL_CLASS = 1
WEIGHTS_HELP = ("the Silent-Face MiniFASNet ONNX files (Apache-2.0); install each with "
                "`python main.py models import FILE`")


ANTISPOOF = "antispoof"  # the liveness files' folder inside a models folder


def antispoof_folders(cfg, data_dir_models: Path) -> list[Path]:
    """Where the liveness files are looked for, in order: `liveness.model_dir` when set; else the
    installation's models folder, then `<data_dir>/models` (installs made before it existed)."""
    if cfg.model_dir:
        return [Path(cfg.model_dir).expanduser()]
    return [model_files.installed_models_dir() / ANTISPOOF, Path(data_dir_models) / ANTISPOOF]


def antispoof_dir(cfg, data_dir_models: Path) -> Path:
    """The first folder holding every liveness file; with none, the first place searched (where
    `models import` installs them). A folder the kiosk may not read is a ModelError."""
    folders = antispoof_folders(cfg, data_dir_models)
    for folder in folders:
        if all(model_files.is_there(folder / m.file) for m in MODELS):
            return folder
    return folders[0]


def open_session(path: Path):
    """An onnxruntime session on one thread (one core stays with the screen)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own types for a corrupt file
        raise ModelError(f"cannot load {path}: {str(err).splitlines()[0][:160]}") from None


def crop_box(src_w: int, src_h: int, box, scale: float) -> tuple[int, int, int, int]:
    """Silent-Face's crop: the box scaled about its centre (less if the frame is
    too small), shifted back inside the frame. Returns (left, top, right, bottom)."""
    scale = min((src_h - 1) / box.h, (src_w - 1) / box.w, scale)
    new_w, new_h = box.w * scale, box.h * scale
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    left, top, right, bottom = cx - new_w / 2, cy - new_h / 2, cx + new_w / 2, cy + new_h / 2
    if left < 0:
        right, left = right - left, 0
    if top < 0:
        bottom, top = bottom - top, 0
    if right > src_w - 1:
        left, right = left - (right - src_w + 1), src_w - 1
    if bottom > src_h - 1:
        top, bottom = top - (bottom - src_h + 1), src_h - 1
    return int(left), int(top), int(right), int(bottom)


class MiniFASNet:
    """Both models; `real_probability` is the averaged softmax of class 1."""

    def __init__(self, folder: Path):
        missing = [m.file for m in MODELS if not model_files.is_there(folder / m.file)]
        if missing:
            raise ModelError(f"liveness model missing: {folder / missing[0]}; get {WEIGHTS_HELP}")
        for model in MODELS:  # another or a damaged file would judge faces with numbers nobody measured
            model_files.check(folder / model.file, model.pinned)
        self._sessions = [(open_session(folder / m.file), m.scale) for m in MODELS]

    def real_probability(self, image: np.ndarray, box) -> float:
        import cv2

        h, w = image.shape[:2]
        total = 0.0
        for session, scale in self._sessions:
            left, top, right, bottom = crop_box(w, h, box, scale)
            crop = cv2.resize(image[top:bottom + 1, left:right + 1], (80, 80))
            blob = crop.transpose(2, 0, 1)[None].astype(np.float32)
            logits = session.run(None, {session.get_inputs()[0].name: blob})[0][0]
            odds = np.exp(logits - logits.max())
            total += float(odds[REAL_CLASS] / odds.sum())
        return total / len(self._sessions)


@LIVENESS.register("minifasnet")
class MiniFASNetCue(FrameCue):
    name = "minifasnet"
    window = 3

    def __init__(self, cfg, models_dir: Path):
        super().__init__(cfg, models_dir)
        self.model = MiniFASNet(antispoof_dir(cfg, models_dir))

    def score_frame(self, sample: FaceSample) -> float | None:
        if sample.box.w < 8 or sample.box.h < 8:
            return None
        return self.model.real_probability(sample.image, sample.box)
