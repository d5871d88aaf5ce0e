"""The identify_calib open-set protocol, run through the kiosk's own enrolment service and Gallery.

- Enrolment: every person of lfw/ and pins/ is enrolled from photo 1 (or
  photos 1 and 2) by kiosk.enrolment.service.enrol into a real SQLite store,
  with its duplicate screening and look-alike flags. A person none of whose
  photos passes, or who is refused as a duplicate, is not enrolled: their
  probes count as misses.
- Probes: every other photo of an enrolled-set person (genuine), and every
  photo in strangers/ (never enrolled), scored by kiosk.vision.gallery.Gallery
  and named by kiosk.vision.naming (name_faces) at the threshold under test.
- Folds: people (enrolled and strangers alike) are split into K disjoint
  folds. A threshold judged on fold k is fitted only on the other folds'
  people: their probes against their own templates (kiosk.vision.threshold).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from calib_data import Embedded, Photo, parts, photos
from kiosk.vision.gallery import Gallery  # after calib_data: _common has put the kiosk code on the path

try:
    from kiosk.vision.naming import NamingRule, name_faces
except ImportError:  # an older kiosk/ (BENCH_KIOSK_CODE, the baseline): its Gallery held the rule
    NamingRule = name_faces = None

K_FOLDS = 5
FOLD_SEED = 7


@dataclass(frozen=True)
class Enrolled:
    """The gallery as the kiosk's store holds it after enrolling the set."""

    person_ids: list[str]  # one per row
    names: list[str]
    vectors: np.ndarray
    flagged: frozenset[str]
    refused: dict[str, str]  # person -> reason
    people: int  # people enrolled


@dataclass(frozen=True)
class Probes:
    people: list[str]  # true person of each probe
    sources: list[str]
    vectors: np.ndarray  # zeros where no face was found
    found: np.ndarray  # bool
    stranger: np.ndarray  # bool


def person_id(person: str) -> str:
    return person.replace(" ", "_")


def enrol_set(emb: Embedded, photo_numbers: tuple[str, ...], variant: str) -> Enrolled:
    """Enrol every non-stranger through the real service; returns what the store then holds."""
    from kiosk.config import Config
    from kiosk.enrolment.service import Enrolment, enrol
    from kiosk.errors import StoreError
    from kiosk.store.lookalikes import flagged_people
    from kiosk.store.sqlite_store import Person, SqliteStore
    from kiosk.vision.base import model_key

    by_person = _enrolment_photos(photo_numbers)
    refused: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        detector, embedder = parts(variant)
        cfg = Config().replace("store", data_dir=tmp).replace("vision", detector=detector, embedder=embedder)
        store = SqliteStore.in_dir(Path(tmp))
        for person, files in sorted(by_person.items()):
            usable = [f for f in files if f in emb.enrol]
            if not usable:
                refused[person] = "; ".join(emb.refused.get(f, "no face") for f in files)
                continue
            request = Enrolment(Person(person_id(person), person.replace("_", " "), "student"),
                                np.stack([emb.enrol[f] for f in usable]), tuple(usable))
            try:
                enrol(cfg, store, request)
            except StoreError as err:
                refused[person] = str(err)
        rows = store.enrolled_vectors(model_key(cfg.vision))
        flagged = flagged_people(store, model_key(cfg.vision))
        store.close()
    return Enrolled(list(rows.person_ids), list(rows.names), np.asarray(rows.vectors, np.float32),
                    frozenset(flagged), refused, len(set(rows.person_ids)))


def probe_set(emb: Embedded, skip_numbers: tuple[str, ...], kiosk_gate: bool = False) -> Probes:
    """Every photo not used for enrolment; strangers are all probes. Like `main.py identify`, every
    probe face is identified; with kiosk_gate, a face the kiosk's camera path would not identify
    (too small, turned away) is a miss instead (measured: it costs DIR and saves no wrong name)."""
    chosen = [p for p in photos() if p.stranger or p.number not in skip_numbers]
    dim = len(next(iter(emb.probe.values())))
    vectors = np.stack([emb.probe.get(p.file, np.zeros(dim, np.float32)) for p in chosen]).astype(np.float32)
    found = [p.file in emb.probe and (emb.probe_usable[p.file] or not kiosk_gate) for p in chosen]
    return Probes([person_id(p.person) for p in chosen], [p.source for p in chosen], vectors,
                  np.array(found), np.array([p.stranger for p in chosen]))


def folds(k: int = K_FOLDS, seed: int = FOLD_SEED) -> dict[str, int]:
    """person id -> fold, drawn separately for enrolled people and strangers (both spread evenly)."""
    rng = np.random.default_rng(seed)
    out: dict[str, int] = {}
    for strangers in (False, True):
        people = sorted({person_id(p.person) for p in photos() if p.stranger == strangers})
        for i, person in enumerate(rng.permutation(people)):
            out[str(person)] = i % k
    return out


def scored(enrolled: Enrolled, keep=None, best_photo: bool = False, **legacy) -> Gallery:
    """The kiosk's Gallery over the enrolled rows (optionally only people for whom keep(person) is
    true). best_photo: the rule before centroids, a person scoring their best photo (for comparison).
    `legacy` (threshold, margin): only for an older kiosk/, whose Gallery held them."""
    rows = [i for i, pid in enumerate(enrolled.person_ids) if keep is None or keep(pid)]
    kind = BestPhotoGallery if best_photo else Gallery
    if name_faces is None:
        legacy = {"threshold": 0.0, **legacy}
    return kind([enrolled.person_ids[i] for i in rows], [enrolled.names[i] for i in rows],
                enrolled.vectors[rows], flagged=enrolled.flagged, **legacy)


def gallery(enrolled: Enrolled, threshold: float, margin: float, keep=None, best_photo: bool = False):
    """`scored` with a fixed threshold and margin: its `match` names faces as the kiosk does."""
    if name_faces is None:
        return scored(enrolled, keep, best_photo, threshold=threshold, margin=margin)
    return Named(scored(enrolled, keep, best_photo), NamingRule(threshold, margin))


class Named:
    """A Gallery and the rule that names its faces (kiosk.vision.naming); reads like the Gallery."""

    def __init__(self, scores: Gallery, rule):
        self.gallery, self.rule = scores, rule

    def match(self, queries: np.ndarray):
        return name_faces(self.rule, self.gallery, queries)

    def __getattr__(self, name: str):
        return getattr(self.gallery, name)

    def __len__(self) -> int:
        return len(self.gallery)


class BestPhotoGallery(Gallery):
    """The rule before centroids: each person scores their best enrolment photo (max over rows)."""

    def __init__(self, person_ids, names, embeddings, **kw):
        super().__init__(person_ids, names, embeddings, **kw)
        self._rows = np.asarray(embeddings, np.float32)
        self._column = np.array([self.person_ids.index(p) for p in person_ids])

    def person_scores(self, queries):
        q = np.asarray(queries, np.float32).reshape(-1, self._rows.shape[1])
        row_scores = q @ self._rows.T
        out = np.full((len(q), len(self.person_ids)), -1.0, np.float32)
        for col in range(len(self.person_ids)):
            out[:, col] = row_scores[:, self._column == col].max(axis=1)
        return out


def impostor_maxima(enrolled: Enrolled, probes: Probes, people: set[str]) -> np.ndarray:
    """(probes of `people`, gallery of `people`): each probe's score against every enrolled person
    of `people` but itself, person-wise (max over rows), -1 for the own person. What the threshold
    fit sees: every probe of a calibration person is a stranger to the others."""
    g = scored(enrolled, keep=lambda pid: pid in people)
    rows = [i for i, p in enumerate(probes.people) if p in people and probes.found[i]]
    scores = g.person_scores(probes.vectors[rows])
    own = np.array(g.person_ids)[None, :] == np.array([probes.people[i] for i in rows])[:, None]
    scores[own] = -1.0
    return scores


@dataclass(frozen=True)
class Outcome:
    genuine: int
    correct: int
    wrong: int
    strangers: int
    strangers_accepted: int
    by_source: dict[str, tuple[int, int]]  # source -> (correct, genuine)
    named_strangers: tuple[tuple[str, str, float], ...] = ()  # (stranger, named as, score): the cases to look at

    @property
    def dir(self) -> float:
        return self.correct / self.genuine if self.genuine else 0.0


def judge(enrolled: Enrolled, probes: Probes, threshold: float, margin: float, mask=None,
          best_photo: bool = False) -> Outcome:
    """Decisions of the real Gallery for the probes in `mask` (all by default)."""
    mask = np.ones(len(probes.people), bool) if mask is None else mask
    matches = gallery(enrolled, threshold, margin, best_photo=best_photo).match(probes.vectors)
    correct = wrong = accepted_strangers = 0
    by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    named_strangers = []
    for i in np.flatnonzero(mask):
        named = matches[i].person_id if probes.found[i] else None
        if probes.stranger[i]:
            accepted_strangers += named is not None
            if named is not None:
                named_strangers.append((probes.people[i], named, round(float(matches[i].score), 4)))
            continue
        by_source[probes.sources[i]][1] += 1
        if named == probes.people[i]:
            correct += 1
            by_source[probes.sources[i]][0] += 1
        elif named is not None:
            wrong += 1
    genuine = int((mask & ~probes.stranger).sum())
    return Outcome(genuine, correct, wrong, int((mask & probes.stranger).sum()), accepted_strangers,
                   {s: tuple(v) for s, v in sorted(by_source.items())}, tuple(named_strangers))


def add(outcomes: list[Outcome]) -> Outcome:
    by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        for s, (c, g) in o.by_source.items():
            by_source[s][0] += c
            by_source[s][1] += g
    return Outcome(sum(o.genuine for o in outcomes), sum(o.correct for o in outcomes),
                   sum(o.wrong for o in outcomes), sum(o.strangers for o in outcomes),
                   sum(o.strangers_accepted for o in outcomes), {s: tuple(v) for s, v in sorted(by_source.items())},
                   tuple(n for o in outcomes for n in o.named_strangers))


def _enrolment_photos(numbers: tuple[str, ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for photo in photos():
        if not photo.stranger and photo.number in numbers:
            out[photo.person].append(photo.file)
    return out


def as_photo(file: str) -> Photo:
    return next(p for p in photos() if p.file == file)
