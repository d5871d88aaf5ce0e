"""Liveness weights: verify a file and install it into the installation's models folder
(`antispoof/`, kiosk/vision/model_files.py), and say which liveness layers are active (for
`doctor`). Never downloads."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.config import Config
from kiosk.errors import ModelError
from kiosk.liveness.minifasnet import INPUT_SHAPE, MODELS, OUTPUT_CLASSES, antispoof_folders, open_session
from kiosk.vision import model_files

log = logging.getLogger(__name__)


def verify(path: Path, label: str = "") -> dict:
    """Check that the file is one of the known liveness models, byte for byte as published,
    and that it runs: the name, the SHA-256, the ONNX graph, input [1,3,80,80] and
    output [1,3]. ModelError otherwise, naming the file (or `label`: where it came from)."""
    path = Path(path)
    known = {m.file: m for m in MODELS}
    if path.name not in known:
        raise ModelError(f"{path}: not a known liveness model; expected one of {', '.join(known)}")
    digest = model_files.check(path, known[path.name].pinned, label)
    session = open_session(path)
    inputs, outputs = session.get_inputs(), session.get_outputs()
    shape = [d if isinstance(d, int) else 1 for d in inputs[0].shape] if inputs else []
    if len(inputs) != 1 or tuple(shape) != INPUT_SHAPE:
        raise ModelError(f"{path}: input shape {inputs[0].shape if inputs else None}, expected {list(INPUT_SHAPE)}")
    out_shape = outputs[0].shape if outputs else []
    if not outputs or out_shape[-1] != OUTPUT_CLASSES:
        raise ModelError(f"{path}: output shape {out_shape}, expected [1, {OUTPUT_CLASSES}]")
    return {"file": path.name, "sha256": digest, "bytes": path.stat().st_size,
            "input": list(INPUT_SHAPE), "output": [1, OUTPUT_CLASSES]}


def install(cfg: Config, path: Path, source: str = "") -> tuple[Path, dict]:
    """Verify, copy into the installation's models folder (or liveness.model_dir when set) and
    record it in the manifest there. `source` names where it came from (default: the path)."""
    record = verify(path, source)
    folder = antispoof_folders(cfg.liveness, cfg.data_dir / "models")[0]
    return model_files.install(path, folder, record, source), record


def layer_status(cfg: Config) -> tuple[bool, str]:
    """For `doctor`: whether every liveness layer is in place, and one line saying which are
    active. Loads the models (so a corrupt file shows here); a missing layer is not a failure."""
    if not cfg.liveness.enabled:
        return False, "OFF (liveness.enabled = false): printed photos and screens are not stopped"
    from kiosk.liveness.judge import LivenessJudge

    judge = LivenessJudge(cfg.liveness, cfg.data_dir / "models")
    line = f"active: {', '.join(judge.active) or 'none'}"
    if not judge.disabled:
        return True, line
    line += f"; disabled: {', '.join(judge.disabled)}"
    if "minifasnet" in judge.disabled:  # the reason names the file and the fix (missing, damaged, unreadable)
        mode = "every face must blink to check in" if judge.proof_by_challenge else "texture checks only"
        line += f"; LIMITED ({mode}): {judge.disabled['minifasnet']} (docs/LIVENESS.md)"
    return False, line
