"""identify_calib photos as the door camera sees them: each photo shrunk so its face is H px
high, in a 1280x720 frame, at two lights, through the kiosk's camera path.

    .venv/bin/python bench/door_frames.py [--model sface]     (builds the cache bench/door_days.py reads)

Each render goes through what the recognition worker runs on a frame: FacePipeline.detect at
vision.detect_width (with its refinement of small faces), the usable-face rule (size, yaw), the
embedding on the full frame, and the frame's weight in a track's evidence (frame_weight). For
the door attempt it also keeps what the kiosk keeps of a track's best frame: whether that face
passes the enrolment quality gate (kiosk/vision/quality.py: door_face_problem).
Cached in bench/out/door_frames/<model>-<code key>.pkl.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
from dataclasses import dataclass

import numpy as np

import calib_data
import small_faces
from _common import KIOSK_CODE, OUT

CACHE = OUT / "door_frames"
SIZES = (56, 64, 72, 84, 96, 112)  # face heights at the door: a camera 1.5-2 m away, 60-120 px
LIGHTS = {"normal": 1.0, "dim": 0.55}  # the door's light on another day (pixel values scaled)


@dataclass(frozen=True)
class Render:
    """One photo at one face size and light, as the worker sees it."""

    vector: np.ndarray | None  # None: no face found
    usable: bool  # big enough and facing the kiosk: identified at all
    weight: float  # its weight in a track's evidence
    keepable: bool  # passes the enrolment quality gate: an attempt may keep it


def in_frame(image: np.ndarray, face_h: float, target_h: int, light: float) -> np.ndarray:
    """bench/small_faces.py's frame (the face target_h px high, centred in 1280x720), in the given light."""
    frame = small_faces.in_frame(image, face_h, target_h)
    if light != 1.0:
        frame = np.clip(frame.astype(np.float32) * light, 0, 255).astype(np.uint8)
    return frame


def render(pipe, frame: np.ndarray) -> Render:
    from kiosk.vision.evidence import frame_weight
    from kiosk.vision.quality import door_face_problem

    faces = pipe.detect(frame)
    if not faces:
        return Render(None, False, 0.0, False)
    face = max(faces, key=lambda f: f.size)
    vector = pipe.embed(frame, [face])[0]
    crop = pipe.embedder.align(frame, [face])[0]
    problem = door_face_problem(frame.shape, face, crop, pipe.cfg.min_face_px, pipe.cfg.max_yaw_deg)
    return Render(vector, calib_data.usable(face, pipe.cfg), frame_weight(face), problem is None)


def build(model: str) -> dict[tuple[str, int, str], Render]:
    """(photo file, face height, light) -> Render, for every photo found by the probe path."""
    from kiosk.config import VisionSection
    from kiosk.vision.images import load_image
    from kiosk.vision.pipeline import FacePipeline

    detector, embedder = calib_data.parts(model)
    pipe = FacePipeline(VisionSection(detector=detector, embedder=embedder), OUT / "models")
    emb = calib_data.embedded(model)
    out: dict[tuple[str, int, str], Render] = {}
    photos = [p for p in calib_data.photos() if p.file in emb.probe_face_px]
    for n, photo in enumerate(photos):
        image = load_image(calib_data.CALIB / photo.file)
        for size in SIZES:
            for light, factor in LIGHTS.items():
                frame = in_frame(image, emb.probe_face_px[photo.file], size, factor)
                out[(photo.file, size, light)] = render(pipe, frame)
        if n % 100 == 0:
            print(f"door frames ({model}): {n}/{len(photos)} photos", file=sys.stderr, flush=True)
    return out


def frames(model: str = "sface", refresh: bool = False) -> dict[tuple[str, int, str], Render]:
    key = _code_key(model)
    path = CACHE / f"{model.replace('/', '+')}-{key}.pkl"
    if path.is_file() and not refresh:
        return _Loader(path.open("rb")).load()
    data = build(model)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(data))
    return data


class _Loader(pickle.Unpickler):
    """Renders pickled by this file run as a script name their class __main__.Render."""

    def find_class(self, module: str, name: str):
        return Render if name == "Render" else super().find_class(module, name)


def _code_key(model: str) -> str:
    digest = hashlib.sha256(model.encode())
    vision = KIOSK_CODE / "kiosk" / "vision"
    code = [vision / f"{name}.py" for name in calib_data.EMBEDDING_CODE + ("evidence",)]
    code += [KIOSK_CODE / "kiosk" / "config.py"]
    for path in [p for p in code if p.is_file()] + [KIOSK_CODE / "bench" / "door_frames.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="sface")
    parser.add_argument("--refresh", action="store_true")
    args = parser.parse_args(argv)
    data = frames(args.model, args.refresh)
    found = sum(r.vector is not None for r in data.values())
    print(f"{len(data)} renders, {found} with a face, {sum(r.usable for r in data.values())} usable, "
          f"{sum(r.keepable for r in data.values())} keepable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
