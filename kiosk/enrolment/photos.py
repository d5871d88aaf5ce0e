"""Photos to an enrolment: each photo through the enrolment gates (one clear face, big and
sharp enough, not turned too far...), then the usable ones through the enrolment service
(one person, no duplicate, look-alikes flagged), with every refusal's reason kept beside
its photo. The web console's uploads use it; a photo is already decoded (or its decoding
failed with a one-line ImageError) when it arrives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from kiosk.config import Config
from kiosk.enrolment.service import Enrolled, Enrolment, enrol
from kiosk.errors import ImageError, KioskError
from kiosk.model import Consent
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.vision.base import model_key


@dataclass(frozen=True)
class PhotoOutcome:
    name: str
    accepted: bool
    reason: str = ""  # why it was refused; for an accepted photo, what a better one would fix


@dataclass
class PhotoEnrolment:
    outcomes: list[PhotoOutcome] = field(default_factory=list)
    enrolled: Enrolled | None = None
    refusal: str = ""  # why the person was not enrolled although some photos were usable

    @property
    def stored(self) -> bool:
        return self.enrolled is not None


def enrol_photos(cfg: Config, store: SqliteStore, pipeline, person: Person, photos: list[tuple[str, object]],
                 mode: str = "new", consent: Consent | None = None, allow_duplicate: bool = False,
                 actor: str = "", kiosk_id: str = "") -> PhotoEnrolment:
    """`photos`: (file name, BGR image, or the ImageError that refused its decoding)."""
    result = PhotoEnrolment()
    names, faces = [], []
    for name, image in photos:
        try:
            if isinstance(image, ImageError):
                raise image
            face = pipeline.enrolment_face(image, name)
        except ImageError as err:
            result.outcomes.append(PhotoOutcome(name, False, str(err).removeprefix(f"{name}: ")))
            continue
        result.outcomes.append(PhotoOutcome(name, True, face.caution or ""))
        names.append(name)
        faces.append(face)
    if not faces:
        return result
    cfg = replace(cfg, vision=pipeline.cfg)  # the model that ran (SFace while EdgeFace's file is missing)
    request = photo_request(cfg, person, faces, tuple(names), mode, consent, allow_duplicate, actor, kiosk_id)
    try:
        result.enrolled = enrol(cfg, store, request)
    except KioskError as err:
        result.refusal = str(err)
        result.outcomes = [PhotoOutcome(o.name, False, o.reason if not o.accepted else result.refusal)
                           for o in result.outcomes]
    return result


def photo_request(cfg: Config, person: Person, faces: list, sources: tuple[str, ...], mode: str,
                  consent: Consent | None, allow_duplicate: bool, actor: str, kiosk_id: str) -> Enrolment:
    """The enrolment of `person` from embedded photos (`faces`: each photo's EnrolmentFace, in `sources`
    order; `cfg.vision` the model that ran): its vectors, every other model's, and what enrolment said
    about each photo, audited under `actor`."""
    by_model = stacked(faces)
    return Enrolment(person, by_model.pop(model_key(cfg.vision)), sources, mode, consent, allow_duplicate, actor,
                     kiosk_id, audited=True, others=by_model,
                     cautions={source: face.caution for source, face in zip(sources, faces) if face.caution})


def stacked(faces: list) -> dict[str, np.ndarray]:
    """Model key -> one row per photo, for every installed model that embedded all the photos
    (each enrolment keeps every model's vectors, so a change of model needs no new photos)."""
    models = [m for m in faces[0].by_model if all(m in f.by_model for f in faces)]
    return {m: np.stack([f.by_model[m] for f in faces]) for m in models}
