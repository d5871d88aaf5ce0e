"""Model files pinned by SHA-256: the installation's models folder, how a copy is checked and
how a checked copy is installed. Never downloads (`main.py models fetch`, which setup.sh runs,
does; `main.py models import FILE` installs a file brought by hand). Both go through `install`.

One models folder serves the whole installation: `<install root>/models/` beside kiosk/ (or
KIOSK_MODELS_DIR), so every data folder (`--data-dir`) finds the same files. `<data_dir>/models`
is still searched after it, for installs made before that folder existed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from kiosk.config import PROJECT_ROOT
from kiosk.errors import ModelError

log = logging.getLogger(__name__)

MODELS_DIR_ENV = "KIOSK_MODELS_DIR"
MANIFEST = "manifest.json"


def installed_models_dir() -> Path:
    """The installation-wide models folder: KIOSK_MODELS_DIR, else `models/` beside kiosk/."""
    override = os.environ.get(MODELS_DIR_ENV, "").strip()
    return Path(override).expanduser() if override else PROJECT_ROOT / "models"


@dataclass(frozen=True)
class PinnedFile:
    """A model file accepted only byte for byte as published."""

    file: str
    sha256: str
    fix: str  # what to do when the file is missing or wrong, e.g. "run ./setup.sh again, or ..."


def is_there(path: Path) -> bool:
    """Whether the file exists; a folder the kiosk may not read is a ModelError naming it and the fix."""
    try:
        return Path(path).is_file()
    except PermissionError:
        folder = _closed_folder(Path(path))
        raise ModelError(f"cannot read the models folder {folder}: permission denied; make it readable "
                         f"by the kiosk's user (chmod a+rx {folder}) or set {MODELS_DIR_ENV}") from None


def _closed_folder(path: Path) -> Path:
    """The outermost folder on the way to `path` that this user may not enter."""
    for folder in reversed(path.parents):
        if not os.access(folder, os.R_OK | os.X_OK):
            return folder
    return path.parent


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise ModelError(f"cannot read {path}: {err.strerror}; make it readable by the kiosk's user") from None
    return digest.hexdigest()


def mismatch(label: object, digest: str, pinned: PinnedFile) -> ModelError:
    return ModelError(f"{label}: sha256 {digest[:12]}... is not the published file's ({pinned.sha256[:12]}...): "
                      f"it is damaged or another model; {pinned.fix}")


def check(path: Path, pinned: PinnedFile, label: str = "") -> str:
    """The file's SHA-256 when it is the pinned file, byte for byte; else a one-line ModelError
    that names the file (or `label`, say the URL it came from) and the fix (missing, unreadable,
    truncated or another file)."""
    path = Path(path)
    if not is_there(path):
        raise ModelError(f"{label or path}: no such file; {pinned.fix}")
    digest = sha256_of(path)
    if digest != pinned.sha256:
        raise mismatch(label or path, digest, pinned)
    return digest


def holds(path: Path, pinned: PinnedFile) -> bool:
    """Whether the pinned file is already there, intact (nothing to fetch or install)."""
    try:
        return is_there(path) and sha256_of(path) == pinned.sha256
    except ModelError:
        return False


def install(path: Path, folder: Path, record: dict, source: str = "") -> Path:
    """Copy a checked file into `folder` (through a temporary name, so a reader never sees half a
    file) and record it, with where it came from (`source`, default its path) and when, in the
    folder's manifest.json. Returns the installed path."""
    path, folder = Path(path), Path(folder)
    target = folder / record["file"]
    record["source"] = source or str(path.resolve())
    record["imported_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not target.exists() or path.resolve() != target.resolve():
            partial = target.with_name(target.name + ".partial")
            shutil.copyfile(path, partial)
            os.replace(partial, target)
        manifest = read_manifest(folder)
        manifest[record["file"]] = record
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        raise ModelError(f"cannot install into {folder}: {err.strerror}; run as the installation's owner "
                         f"(e.g. sudo) or set {MODELS_DIR_ENV} to a writable folder") from None
    log.info("installed %s into %s", record["file"], folder)
    return target


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
