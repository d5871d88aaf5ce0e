"""Liveness weights: verify a file and install it into <data_dir>/models/antispoof/,
and say which liveness layers are active (for `doctor`). Never downloads."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from datetime import datetime, timezone
from pathlib import Path

from kiosk.config import Config
from kiosk.errors import ModelError
from kiosk.liveness.minifasnet import INPUT_SHAPE, MODELS, OUTPUT_CLASSES, WEIGHTS_HELP, antispoof_dir, open_session

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
SOURCE_HINT = ("Silent-Face-Anti-Spoofing (minivision-ai, Apache-2.0) MiniFASNet V2 and V1SE as ONNX, "
               "e.g. from the school's shared model folder")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path) -> dict:
    """Check that the file is one of the known liveness models, byte for byte as published,
    and that it runs: the name, the SHA-256, the ONNX graph, input [1,3,80,80] and
    output [1,3]. ModelError otherwise."""
    path = Path(path)
    known = {m.file: m for m in MODELS}
    if path.name not in known:
        raise ModelError(f"{path}: not a known liveness model; expected one of {', '.join(known)}")
    if not path.is_file():
        raise ModelError(f"{path}: no such file; download it from {known[path.name].url}")
    try:
        digest = sha256(path)
    except OSError as err:
        raise ModelError(f"cannot read {path}: {err.strerror}") from None
    if digest != known[path.name].sha256:
        raise ModelError(f"{path}: sha256 {digest[:12]}... is not the published file's "
                         f"({known[path.name].sha256[:12]}...): it is damaged or another model; "
                         f"download it again from {known[path.name].url}")
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


def install(cfg: Config, path: Path) -> tuple[Path, dict]:
    """Verify, copy into the data directory and record it in the manifest."""
    record = verify(path)
    folder = antispoof_dir(cfg.liveness, cfg.data_dir / "models")
    target = folder / record["file"]
    record["source"] = str(Path(path).resolve())
    record["imported_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    manifest = read_manifest(folder)
    manifest[record["file"]] = record
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if Path(path).resolve() != target.resolve():
            shutil.copyfile(path, target)
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        raise ModelError(f"cannot install into {folder}: {err.strerror}; check --data-dir "
                         "(or liveness.model_dir) is writable") from None
    return target, record


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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
    if "minifasnet" in judge.disabled:
        mode = "every face must blink to check in" if judge.proof_by_challenge else "texture checks only"
        line += f"; LIMITED ({mode}) until the model is installed: get {WEIGHTS_HELP} (docs/LIVENESS.md)"
    return False, line
