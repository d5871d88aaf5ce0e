"""Guided enrolment's messages between the screen and the workers.

Commands go from the screen to a worker's bounded queue; answers come back
by the screen's lanes (CaptureGuidance is a latest value, the rest are
lossless). Embeddings travel inside them (a few hundred floats each), never photos.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from kiosk.model import Consent
from kiosk.vision.base import FaceBox

# -- to the recognition worker (RecognitionWorker.submit) --------------------------


@dataclass(frozen=True)
class PauseForEnrolment:
    """Enrolment is open: stop recognising and checking people in."""


@dataclass(frozen=True)
class StartCapture:
    """Start (or restart) guided capture on the live frames."""


@dataclass(frozen=True)
class ResumeRecognition:
    """Enrolment is closed: recognise again, with the gallery reloaded at once."""


# -- from the recognition worker -----------------------------------------------------


@dataclass(frozen=True)
class CaptureGuidance:
    """What one processed frame says; posted for every frame while capturing."""

    frame_index: int
    advice: str  # an enrolment.guidance.Advice value; only the screen has words for it
    box: FaceBox | None  # the student's face in that frame's pixels
    counts: tuple[tuple[str, int], ...]  # (pose name, photos kept), in capture order
    per_pose: int
    target: str | None  # the pose the guidance aims at; None when done
    kept: bool = False  # this frame became a photo


@dataclass(frozen=True, eq=False)
class CaptureComplete:
    """Every pose has its photos: the embeddings and where each came from."""

    LOSSLESS: ClassVar[bool] = True

    vectors: np.ndarray
    sources: tuple[str, ...]
    embedder: str = ""  # the face model that made them (vision.embedder of what runs; "" = the configured one)
    others: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # other installed models' vectors


# -- to the desk worker (DeskWorker.submit) -----------------------------------------


@dataclass(frozen=True)
class ListPeople:
    action: ClassVar[str] = "list_people"


@dataclass(frozen=True, eq=False)
class SaveEnrolment:
    action: ClassVar[str] = "enroll"
    person_id: str
    name: str
    mode: str  # new | replace | extend
    consent: Consent
    vectors: np.ndarray = field(repr=False)
    sources: tuple[str, ...] = ()
    allow_duplicate: bool = False  # admins only; audited
    embedder: str = ""  # the face model that made the vectors (CaptureComplete.embedder)
    others: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # CaptureComplete.others


# -- from the desk worker --------------------------------------------------------------

# EnrolmentSaved.refusal
DUPLICATE_FACE = "duplicate_face"  # duplicate_of names who it already is
NOT_THIS_PERSON = "not_this_person"  # the photos do not match the person being extended
NOT_ONE_PERSON = "not_one_person"  # the photos of this enrolment show more than one person


@dataclass(frozen=True)
class EnrolledPerson:
    id: str
    name: str
    role: str
    photos: int  # stored embeddings for the kiosk's model


@dataclass(frozen=True)
class PeopleListed:
    LOSSLESS: ClassVar[bool] = True
    people: tuple[EnrolledPerson, ...]


@dataclass(frozen=True)
class EnrolmentSaved:
    """The outcome of SaveEnrolment: stored (maybe with look-alikes flagged) or refused."""

    LOSSLESS: ClassVar[bool] = True
    ok: bool
    person_id: str
    name: str
    refusal: str = ""  # DUPLICATE_FACE | NOT_THIS_PERSON | NOT_ONE_PERSON, when refused
    stored: int = 0  # embeddings added
    lookalikes: tuple[tuple[str, str], ...] = ()  # (id, name) of people who look alike
    duplicate_of: tuple[str, str] | None = None  # (id, name): the same face, already enrolled
    may_override: bool = False  # the signed-in person is an admin
