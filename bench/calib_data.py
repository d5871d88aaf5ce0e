"""The identify_calib set (../shared/data/identify_calib, see its README), embedded once per model.

Every photo goes through the kiosk's own code:
- as an enrolment photo: FacePipeline.enrolment_face, which applies every
  enrolment gate and picks the subject of a photo with several faces; a
  refusal keeps its reason;
- as a probe: FacePipeline.photo_faces (what `main.py identify` runs), and the
  largest face is the probe (other faces in a probe photo are bystanders).

Vectors are cached in bench/out/identify_calib/<model>.npz, keyed by the
code that made them (a change to kiosk/vision invalidates the cache).
"""

from __future__ import annotations

import csv
import hashlib
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from _common import KIOSK_CODE, OUT, SHARED

CALIB = SHARED / "identify_calib"
CACHE = OUT / "identify_calib"
ENROL_PHOTOS = ("1.jpg", "2.jpg")  # photo 1 enrols; photo 2 too in the two-photo protocol


@dataclass(frozen=True)
class Photo:
    source: str  # lfw | pins | strangers
    person: str
    file: str  # relative to CALIB

    @property
    def number(self) -> str:
        return Path(self.file).name

    @property
    def stranger(self) -> bool:
        return self.source == "strangers"


@dataclass
class Embedded:
    """One model's view of the set: enrolment outcome and probe vector per photo."""

    model: str
    enrol: dict[str, np.ndarray] = field(default_factory=dict)  # file -> vector (accepted photos)
    refused: dict[str, str] = field(default_factory=dict)  # file -> reason
    notes: dict[str, str] = field(default_factory=dict)  # file -> note (subject chosen among faces)
    cautions: dict[str, str] = field(default_factory=dict)  # file -> caution (enrolled, a weaker reference)
    probe: dict[str, np.ndarray] = field(default_factory=dict)  # file -> vector of the largest face
    probe_face_px: dict[str, float] = field(default_factory=dict)
    probe_usable: dict[str, bool] = field(default_factory=dict)  # what the kiosk would identify (size, yaw)
    no_face: list[str] = field(default_factory=list)


def photos() -> list[Photo]:
    rows = csv.DictReader((CALIB / "index.csv").open(encoding="utf-8"))
    return [Photo(r["source"], r["person"], r["file"]) for r in rows]


def embedded(model: str, refresh: bool = False) -> Embedded:
    """The cached embedding of every photo with `model` (an embedder name), made if missing or stale.
    A fusion "a&b" is made from the embeddings of a and b."""
    if FUSION in model:
        return fused([embedded(part, refresh) for part in model.split(FUSION)], model)
    key = _code_key(model)
    path = CACHE / f"{model.replace('/', '+')}-{key}.pkl"
    if path.is_file() and not refresh:
        cached = pickle.loads(path.read_bytes())
        if cached.get("key") == key:
            return cached["data"]
    data = _embed(model)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps({"key": key, "data": data}))
    return data


def parts(variant: str) -> tuple[str, str]:
    """(detector, embedder) of a variant name: "sface", "yunet-fp32/sface-fp32", "sface+flip"; a
    fusion "sface&edgeface-s" keeps its name as the embedder (a model key no kiosk runs)."""
    detector, _, embedder = variant.removesuffix(FLIP_ENROL).removesuffix(FLIP).removesuffix(ONE_SCALE).rpartition("/")
    return detector or "yunet", embedder


FLIP = "+flip"  # variant suffix: flip test-time augmentation at enrolment and on probes
FLIP_ENROL = "+flip-enrol"  # variant suffix: flip test-time augmentation at enrolment only (the door embeds once)
ONE_SCALE = "+one-scale"  # variant suffix: an enrolment photo embedded at its own size only
FUSION = "&"  # "sface&edgeface-s": both models' unit vectors side by side, each weighted 1/sqrt(2)


def fused(parts_embedded: list[Embedded], name: str) -> Embedded:
    """Score-level fusion as one vector: the models' unit vectors concatenated and scaled so that the
    cosine of two fused vectors is the mean of the models' cosines. A photo counts where every model
    has it (enrolment refusals and missed faces of any model apply)."""
    first, weight = parts_embedded[0], 1 / np.sqrt(len(parts_embedded))

    def joined(field_name: str) -> dict[str, np.ndarray]:
        tables = [getattr(e, field_name) for e in parts_embedded]
        common = [f for f in tables[0] if all(f in t for t in tables[1:])]
        return {f: np.concatenate([t[f] * weight for t in tables]).astype(np.float32) for f in common}

    out = Embedded(name, enrol=joined("enrol"), notes=dict(first.notes), cautions=dict(first.cautions),
                   probe=joined("probe"), no_face=sorted({f for e in parts_embedded for f in e.no_face}))
    out.refused = {f: r for e in parts_embedded for f, r in e.refused.items()}
    out.probe_face_px = {f: first.probe_face_px[f] for f in out.probe}
    out.probe_usable = {f: first.probe_usable[f] for f in out.probe}
    return out


def pipeline_for(variant: str):
    from kiosk.config import VisionSection
    from kiosk.vision.pipeline import FacePipeline

    detector, embedder = parts(variant)
    pipe = FacePipeline(VisionSection(detector=detector, embedder=embedder), OUT / "models")
    if variant.endswith(ONE_SCALE):
        pipe.template_scales = (1.0,)
    return pipe


def _embed(model: str) -> Embedded:
    from kiosk.errors import ImageError
    from kiosk.vision.images import load_image

    pipe, out = pipeline_for(model), Embedded(model)
    flip_enrol, flip = model.endswith((FLIP, FLIP_ENROL)), model.endswith(FLIP)
    every = photos()
    print(f"identify_calib: embedding {len(every)} photos with {model} ...", file=sys.stderr, flush=True)
    for photo in every:
        image = load_image(CALIB / photo.file)
        if not photo.stranger and photo.number in ENROL_PHOTOS:
            try:
                found = pipe.enrolment_face(image, photo.file, flip_tta=flip_enrol)
                if isinstance(found, tuple):  # an older kiosk/ (BENCH_KIOSK_CODE): (face, vector)
                    out.enrol[photo.file] = found[1]
                else:
                    out.enrol[photo.file] = found.vector
                    if found.note:
                        out.notes[photo.file] = found.note
                    if getattr(found, "caution", ""):
                        out.cautions[photo.file] = found.caution
            except ImageError as err:
                out.refused[photo.file] = str(err).removeprefix(f"{photo.file}: ")
        found_image, faces = _probe_faces(pipe, image)
        if not faces:
            out.no_face.append(photo.file)
            continue
        face = max(faces, key=lambda f: f.size)
        out.probe[photo.file] = pipe.embed(found_image, [face], flip_tta=flip)[0]
        out.probe_face_px[photo.file] = face.h
        out.probe_usable[photo.file] = usable(face, pipe.cfg)
    return out


def _probe_faces(pipe, image):
    """What `identify` detects: the padded still-photo path, or plain detection in older code."""
    if hasattr(pipe, "photo_faces"):
        found = pipe.photo_faces(image)
        return found.image, found.faces
    return image, pipe.detect(image)


def usable(face, vision) -> bool:
    """The kiosk's own rule for which faces it identifies: big enough and facing it."""
    from kiosk.vision.quality import is_frontal

    return face.size >= vision.min_face_px and is_frontal(face, vision.max_yaw_deg)


def _code_key(model: str) -> str:
    """A digest of the code that turns a photo into a vector, and of this file: a cache made by
    other code is stale. (Matching and calibration code is left out: it reads the vectors.)"""
    digest = hashlib.sha256(model.encode())
    vision = KIOSK_CODE / "kiosk" / "vision"
    code = [vision / f"{name}.py" for name in EMBEDDING_CODE] + [KIOSK_CODE / "kiosk" / "config.py"]
    for path in [p for p in code if p.is_file()] + [Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


EMBEDDING_CODE = ("base", "images", "pipeline", "quality", "subject", "yunet", "sface", "weights", "dlib_backend",
                  "onnx_embedders", "onnx_graph", "model_files")
