"""The simulation behind bench/door_days.py: school days at a door that learns from staff.

Everyone of identify_calib's enrolled set (lfw/ and pins/) is a student enrolled from photo 1
through the kiosk's enrolment service; the 150 strangers/ are people who are not. Each day every
student walks up once: a sequence of frames built from their other photos at door size
(bench/door_frames.py: each photo at two or three successive face sizes, as someone approaching,
at the door's normal light or, one walk-up in three, a dim one). Their last photo is never shown at
the door: it is the exam, a walk-up scored against the gallery as it stands after the last day. Each
day every stranger walks up too, from their one photo.

Each walk-up is named by the kiosk's own rule (kiosk/vision/naming.py: name_track over a
TrackEvidence weighted by frame_weight), against a Gallery of every student's enrolment vector and
door references. A walk-up left unnamed, of at least MIN_FRAMES frames whose best frame passes the
quality gate, is a door attempt (kiosk/recognition/attempts.py). At the end of the day staff review
the attempts: honest staff confirm each student's as them and dismiss the strangers'; the reference
rule (kiosk/vision/references.py) then adds it as a door reference or refuses it, and the gallery the
next day holds what was added. Two attacks replace the honest review on day 1:
- "stranger": each stranger's attempt is confirmed as the student they look most like;
- "lookalike": each unrecognised student's attempt is confirmed as the other student they look
  most like (their look-alike).
An "auto" run adds references without staff too (the issue's part 3): a named walk-up whose lead over
the runner-up is at least AUTO_LEAD and whose face is far from the person's references (best score
against them below AUTO_FAR) is checked by the same rule and added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

import calib_data
import calib_eval as ev
from door_frames import SIZES, Render

MIN_FRAMES = 3  # a track shorter than this leaves no attempt (kiosk/recognition/attempts.py)
DIM_SHARE = 1 / 3
USED_SIZES = SIZES  # a harder door (--hard): only the smaller faces
AUTO_LEAD = 0.20
AUTO_FAR = 0.75


@dataclass
class World:
    """What does not change from one day to the next."""

    rule: object  # kiosk.vision.naming.NamingRule
    enrol: dict[str, np.ndarray]  # person -> enrolment rows
    names: dict[str, str]
    flagged: frozenset[str]
    daily: dict[str, list[str]]  # person (student or stranger) -> photos shown at the door
    exam: dict[str, str]  # student -> the photo kept for the exam
    strangers: set[str]
    renders: dict
    fold: dict[str, int]
    probes: object  # calib_eval.Probes: every other photo at its own size, and the strangers
    vision: object = None  # kiosk.config.VisionSection of the model simulated


def harder() -> None:
    """A harder door: faces of 56-72 px only, and two walk-ups in three in the dim light."""
    global DIM_SHARE, USED_SIZES
    DIM_SHARE, USED_SIZES = 2 / 3, SIZES[:3]


@dataclass
class Walk:
    person: str
    named: str | None
    frames: int
    mean: np.ndarray | None = None
    best: Render | None = None
    lead: float = 0.0


@dataclass
class Day:
    walkups: int = 0
    named_right: int = 0
    wrong: int = 0
    stranger_walkups: int = 0
    strangers_named: int = 0
    attempts: int = 0
    added: int = 0
    refused: int = 0
    auto_added: int = 0
    attack_added: int = 0
    by_fold: dict = field(default_factory=dict)  # fold -> its own counts
    errors: list = field(default_factory=list)  # [who walked up, who they were named as]: wrong or a stranger named


def world(model: str, renders: dict) -> World:
    from kiosk.config import VisionSection
    from kiosk.vision.naming import naming_rule

    emb = calib_data.embedded(model)
    enrolled = ev.enrol_set(emb, ("1.jpg",), model)
    detector, embedder = calib_data.parts(model)
    vision = VisionSection(detector=detector, embedder=embedder)
    rule = naming_rule(vision)
    enrol: dict[str, list] = defaultdict(list)
    for pid, vector in zip(enrolled.person_ids, enrolled.vectors):
        enrol[pid].append(vector)
    names = dict(zip(enrolled.person_ids, enrolled.names))
    shown: dict[str, list[str]] = defaultdict(list)
    strangers = set()
    for photo in calib_data.photos():
        pid = ev.person_id(photo.person)
        if photo.stranger:
            strangers.add(pid)
            shown[pid].append(photo.file)
        elif pid in enrol and photo.number != "1.jpg":
            shown[pid].append(photo.file)
    exam = {p: sorted(files, key=_number)[-1] for p, files in shown.items() if p not in strangers}
    daily = {p: [f for f in files if f != exam.get(p)] for p, files in shown.items()}
    return World(rule, {p: np.stack(v) for p, v in enrol.items()}, names, enrolled.flagged, daily, exam,
                 strangers, renders, ev.folds(), ev.probe_set(emb, ("1.jpg",)), vision)


def _number(file: str) -> int:
    return int(file.rsplit("/", 1)[-1].split(".")[0])


def frames_of(w: World, files: list[str], rng: np.random.Generator) -> list[Render]:
    """One walk-up: the photos in a random order, each at two or three successive face sizes."""
    light = "dim" if rng.random() < DIM_SHARE else "normal"
    out = []
    for file in rng.permutation(files):
        steps = int(rng.integers(2, 4))
        start = int(rng.integers(0, len(USED_SIZES) - steps + 1))
        for size in USED_SIZES[start:start + steps]:
            r = w.renders.get((str(file), size, light))
            if r is not None and r.vector is not None and r.usable:
                out.append(r)
    return out


def walk(rule, gallery, person: str, frames: list[Render]) -> Walk:
    """The kiosk's track rule over the frames: the first name it gives, or none."""
    from kiosk.vision.evidence import TrackEvidence
    from kiosk.vision.naming import name_faces, name_track

    evidence, votes, named = TrackEvidence(), (), None
    best = None
    for r in frames:
        evidence.add(r.vector, r.weight)
        best = r if best is None or r.weight > best.weight else best
        verdict = name_track(rule, gallery, evidence, name_faces(rule, gallery, r.vector[None])[0], votes, named)
        votes, named = verdict.votes, verdict.named
        if named is not None:
            lead = verdict.mean.score - verdict.mean.second_score if verdict.mean.person_id else 0.0
            return Walk(person, named.person_id, evidence.frames, evidence.mean, best, lead)
    return Walk(person, None, evidence.frames, evidence.mean, best)


class Gallery:
    """Each student's enrolment rows and door references; the kiosk's Gallery built from them."""

    def __init__(self, w: World, weight: float = 1.0):
        self.w = w
        self.door: dict[str, list[np.ndarray]] = defaultdict(list)
        self.weight = weight
        self.built = None

    def kiosk(self):
        from kiosk.vision.gallery import Gallery as KioskGallery

        if self.built is None:
            ids, rows = [], []
            for pid, enrolment in self.w.enrol.items():
                door = self.door.get(pid, [])
                share = self.weight if door else 1.0
                for v in enrolment:
                    ids.append(pid)
                    rows.append(v)
                for v in door:
                    ids.append(pid)
                    rows.append(v * share)
            self.built = KioskGallery(ids, [self.w.names[p] for p in ids], np.stack(rows), flagged=self.w.flagged)
        return self.built

    def others(self, vector: np.ndarray, person: str) -> tuple[np.ndarray, list[str]]:
        g = self.kiosk()
        scores = g.person_scores(vector[None])[0]
        keep = [i for i, p in enumerate(g.person_ids) if p != person]
        return scores[keep], [g.person_ids[i] for i in keep]

    def offer(self, rule, person: str, vector: np.ndarray) -> bool:
        """Staff (or the kiosk itself) say this face is `person`: the reference rule decides."""
        from kiosk.vision.references import check_reference, keep_diverse

        if person not in self.w.enrol:
            return False
        scores, ids = self.others(vector, person)
        if check_reference(rule, vector, self.w.enrol[person], scores, ids).problem:
            return False
        door = self.door[person] + [np.asarray(vector, np.float32)]
        self.door[person] = [door[i] for i in keep_diverse(self.w.enrol[person], np.stack(door), rule.keep)]
        self.built = None
        return True

    def best_to_rows(self, person: str, vector: np.ndarray) -> float:
        rows = list(self.w.enrol[person]) + self.door.get(person, [])
        return float(max(float(v @ vector) for v in rows))
