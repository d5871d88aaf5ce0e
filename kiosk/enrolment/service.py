"""Storing an enrolment: the checks and writes shared by `main.py enroll` and the kiosk.

The caller brings embeddings that already passed the quality gates (photos
through FacePipeline.enrolment_face, or the kiosk's guided capture). Here:
- the id and name follow kiosk.enrolment.rules;
- the faces are screened against everyone enrolled under another id: the
  same face refuses the enrolment (DuplicateFace) unless allowed, and a
  look-alike is flagged;
- the photos of one enrolment must show one person at the kiosk's match rule
  (NotOnePerson): two people under one id would let either check in as them;
- photos that extend a person must show that person (NotThisPerson): a wrong
  photo added to someone would let another face check in as them;
- the person is written (centrally first when mongo.uri is set, then pulled);
- look-alike pairs, audit rows and consent are written locally.

An enrolment brings the photos' vectors under every installed face model (`others` beside the
running model's), so a later change of model needs no new photos; all are stored. The checks run
on the model the kiosk recognises with: one every enrolled person has a vector for. A model
installed after some enrolments has a partial gallery, where a duplicate among the older
enrolments would go unseen. `add_model_vectors` gives an enrolled person the vectors of the
models they lack, from their original photos (`enroll --from-dir DIR --add-missing-models`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Mapping

import numpy as np

from kiosk.config import Config, VisionSection
from kiosk.enrolment.rules import name_problem, person_id_problem
from kiosk.errors import StoreError
from kiosk.model import Consent
from kiosk.store.people import face_opted_out
from kiosk.store.privacy import record_consent
from kiosk.store.sqlite_store import Person, SqliteStore
from kiosk.vision.base import model_key, running_config
from kiosk.vision.lookalike import Neighbour

log = logging.getLogger(__name__)

MODES = ("new", "replace", "extend")


@dataclass(frozen=True, eq=False)
class Enrolment:
    person: Person  # with mode "extend" only the id is used: name and role stay as stored
    vectors: np.ndarray
    sources: tuple[str, ...]
    mode: str = "new"  # new | replace | extend
    consent: Consent | None = None
    allow_duplicate: bool = False  # enrol even if the face matches someone else (audited)
    actor: str = "cli"  # who did it, in audit rows
    kiosk_id: str = ""
    audited: bool = False  # also write an "enroll" audit row (the kiosk audits every staff action)
    others: Mapping[str, np.ndarray] = field(default_factory=dict)  # model key -> the same photos' vectors
    cautions: Mapping[str, str] = field(default_factory=dict)  # source -> what a better photo would fix


@dataclass(frozen=True)
class Enrolled:
    stored: int  # embeddings added
    skipped: int  # embeddings already stored (extend with a photo given before)
    neighbours: tuple[Neighbour, ...]

    @property
    def lookalikes(self) -> tuple[Neighbour, ...]:
        return tuple(n for n in self.neighbours if not n.duplicate)


class DuplicateFace(StoreError):
    """The face is already enrolled under another id."""

    def __init__(self, match: Neighbour):
        self.match = match
        super().__init__(f"the same face is already enrolled as {match.person_id} "
                         f"({match.name}, score {match.score:.2f})")


class NotThisPerson(StoreError):
    """Photos given to extend a person who do not match that person's enrolled face."""

    def __init__(self, person_id: str, source: str, score: float, threshold: float):
        super().__init__(f"{source} does not look like {person_id} as enrolled (score {score:.2f}, "
                         f"a match needs {threshold:.2f}); check the photo, or re-enrol from new photos")


class NotOnePerson(StoreError):
    """Photos given in one enrolment that do not all show the same person."""

    def __init__(self, odd: list[str], reference: str, score: float, threshold: float):
        self.odd = tuple(odd)
        named = ", ".join(odd)
        verb = "does" if len(odd) == 1 else "do"
        super().__init__(f"{named} {verb} not look like {reference} (best score {score:.2f}, a match needs "
                         f"{threshold:.2f}): the photos of one enrolment must show one person; "
                         "leave out the odd photo")


def odd_photos(vectors: np.ndarray, threshold: float) -> tuple[list[int], int, float]:
    """Photos outside the largest group that match each other, by the kiosk's rule (a face is
    a person's when it scores >= threshold against any of that person's photos).

    Returns (odd indexes, a photo of the kept group, the best score of an odd photo against
    that group). Links chain: a, b, c are one person if a~b and b~c. Between groups of one
    size, the one holding the first photo is kept."""
    unit = np.asarray(vectors, np.float32)
    unit = unit / (np.linalg.norm(unit, axis=1, keepdims=True) + 1e-12)
    scores = unit @ unit.T
    group = list(range(len(unit)))
    for i in range(len(unit)):
        for j in range(i + 1, len(unit)):
            if scores[i, j] >= threshold:
                old, new = group[j], group[i]
                group = [new if g == old else g for g in group]
    kept = max(dict.fromkeys(group), key=group.count)  # the first of the largest groups
    odd = [i for i, g in enumerate(group) if g != kept]
    members = [i for i, g in enumerate(group) if g == kept]
    best = float(max(scores[i, j] for i in odd for j in members)) if odd else 1.0
    return odd, members[0], best


def check_one_person(vision: VisionSection, request: Enrolment) -> None:
    """Several photos in one enrolment must all be one person (else NotOnePerson, naming the odd ones).
    A one-to-one check, so at the calibrated one-to-one bar, as --extend checks a photo."""
    from kiosk.vision.naming import verification_threshold

    if len(request.vectors) < 2:
        return
    threshold = verification_threshold(vision)
    odd, reference, best = odd_photos(request.vectors, threshold)
    if odd:
        raise NotOnePerson([request.sources[i] for i in odd], request.sources[reference], best, threshold)


def person_problem(person: Person, mode: str) -> str | None:
    """Why this id (and, unless extending, name) cannot be enrolled, or None."""
    if mode not in MODES:
        return f"mode {mode!r} must be one of {', '.join(MODES)}"
    problem = person_id_problem(person.id)
    if problem is None and mode != "extend":
        problem = name_problem(person.name)
    return problem


def screen(store: SqliteStore, vision: VisionSection, person_id: str, vectors: np.ndarray) -> list[Neighbour]:
    """Enrolled people (other ids) whose faces are close to the new ones, closest first."""
    from kiosk.enrolment.gallery import build_gallery
    from kiosk.vision.lookalike import close_people
    from kiosk.vision.naming import lookalike_floor, same_face_score

    # Refused as the same face only above any score two different people reached in calibration;
    # from the look-alike floor up to that, the pair is flagged instead, so a real student who
    # resembles someone is enrolled (and needs a clearer lead to be named). Neither bar follows
    # the gallery's size: the first enrolments of a school would all be flagged at a tiny gallery's.
    gallery = build_gallery(store, vision)
    return close_people(gallery, vectors, person_id, same_face_score(vision), lookalike_floor(vision))


def check_same_person(store: SqliteStore, vision: VisionSection, request: Enrolment) -> None:
    """Each new face must match the person's own enrolled faces at the one-to-one threshold."""
    from kiosk.vision.naming import verification_threshold

    enrolled = store.enrolled_vectors(model_key(vision))
    own = enrolled.vectors[[i for i, pid in enumerate(enrolled.person_ids) if pid == request.person.id]]
    if len(own) == 0:
        return  # nothing to compare with (not enrolled for this model): the id check speaks
    threshold = verification_threshold(vision)
    best = (np.asarray(request.vectors, np.float32) @ own.T).max(axis=1)
    for source, score in zip(request.sources, best):
        if score < threshold:
            raise NotThisPerson(request.person.id, source, float(score), threshold)


def enrol(cfg: Config, store: SqliteStore, request: Enrolment) -> Enrolled:
    """Check, screen and store one person's embeddings (`cfg.vision` is the model of request.vectors);
    raises StoreError (NotOnePerson, DuplicateFace, NotThisPerson) and stores nothing."""
    problem = person_problem(request.person, request.mode)
    if problem:
        raise StoreError(f"{request.person.id or 'person'}: {problem}")
    if len(request.vectors) == 0:
        raise StoreError(f"{request.person.id}: no usable photo")
    if face_opted_out(store, request.person.id):
        raise StoreError(f"{request.person.id} opted out of face recognition: no photo is kept for them (they check "
                         f"in with their code: 'person code {request.person.id}'; 'person opt-out "
                         f"{request.person.id} --undo' if they change their mind)")
    if cfg.privacy.require_consent and request.consent is None and request.mode != "extend":
        raise StoreError(f"{request.person.id}: consent is required here ([privacy] require_consent); record who "
                         "consented, e.g. --consent-by self, or --consent-by NAME --guardian NAME for a minor")
    vision, request = checked_by(store, cfg.vision, request)
    cfg = replace(cfg, vision=vision)
    check_one_person(cfg.vision, request)
    neighbours = screen(store, cfg.vision, request.person.id, request.vectors)
    duplicate = next((n for n in neighbours if n.duplicate), None)
    if duplicate is not None and not request.allow_duplicate:
        raise DuplicateFace(duplicate)  # first: it names who the photo shows
    if request.mode == "extend":
        check_same_person(store, cfg.vision, request)
    pairs = {model_key(cfg.vision): neighbours, **_other_pairs(store, cfg.vision, request.person.id, request.others)}
    stored = _write_person(cfg, store, request)
    _record(cfg, store, request, pairs, stored)
    log.info("enrolled %s (%s): %d embedding(s) added (models %s), %d close pair(s)", request.person.id,
             request.mode, stored, ", ".join(pairs), len(neighbours))
    return Enrolled(stored, len(request.vectors) - stored, tuple(neighbours))


def checked_by(store: SqliteStore, vision: VisionSection, request: Enrolment) -> tuple[VisionSection, Enrolment]:
    """The model the checks run on, and the request with that model's vectors first: the first model
    of the request (its own first) that every enrolled person has a vector for, as the kiosk
    recognises with (kiosk/enrolment/gallery.py); the request's own model when none is."""
    from kiosk.store.embeddings import model_coverage

    own = model_key(vision)
    if not request.others:
        return vision, request
    coverage = model_coverage(store)
    models = {own: request.vectors, **request.others}
    key = next((m for m in models if coverage.covers(m)), own)
    if key == own:
        return vision, request
    rest = {m: v for m, v in models.items() if m != key}
    return running_config(vision, key), replace(request, vectors=models[key], others=rest)


def _other_pairs(store: SqliteStore, vision: VisionSection, person_id: str,
                 others: Mapping[str, np.ndarray]) -> dict[str, list[Neighbour]]:
    """Look-alikes under each other model, against its own gallery, at its own bars: flagged so that,
    once the kiosk recognises with that model, the pair needs a clearer lead there too (never a
    refusal: the duplicate check is the checking model's)."""
    return {model: [replace(n, duplicate=False) for n in screen(store, running_config(vision, model), person_id, rows)]
            for model, rows in others.items()}


def add_model_vectors(cfg: Config, store: SqliteStore, person_id: str, by_model: Mapping[str, np.ndarray],
                      sources: tuple[str, ...], actor: str = "cli", kiosk_id: str = "") -> dict[str, int]:
    """Give an enrolled person the vectors of the models they lack, from their photos (`by_model`:
    model key -> one row per photo). Nothing else changes (name, role, consent, rosters, the vectors
    they have). The photos must show the person as enrolled, by a model they have (else
    NotThisPerson). Returns model -> vectors added; empty when they lack none of these models."""
    from kiosk.store.embeddings import models_of

    have = models_of(store, person_id)
    if not have:
        raise StoreError(f"{person_id}: not enrolled; enrol them first (without --add-missing-models)")
    missing = {m: np.asarray(v, np.float32) for m, v in by_model.items() if m not in have}
    known = next((m for m in by_model if m in have), None)
    if not missing:
        return {}
    if known is None:
        raise StoreError(f"{person_id}: these photos give none of the models {person_id} is enrolled with "
                         f"({', '.join(sorted(have))}), so they cannot be checked against their face")
    vision = running_config(cfg.vision, known)
    check = Enrolment(Person(person_id, "", ""), by_model[known], sources, "extend", actor=actor, kiosk_id=kiosk_id)
    check_same_person(store, vision, check)
    added = {m: _add_rows(cfg, store, person_id, m, rows, sources) for m, rows in missing.items()}
    pairs = _other_pairs(store, vision, person_id, missing)
    _record(replace(cfg, vision=vision), store, check, pairs, 0,
            "vectors added for " + ", ".join(f"{m} ({n})" for m, n in added.items()))
    log.info("%s: %s", person_id, ", ".join(f"{n} {m} vector(s) added" for m, n in added.items()))
    return added


def _write_person(cfg: Config, store: SqliteStore, request: Enrolment) -> int:
    """The person and embeddings (every model's): centrally first with mongo.uri (then pulled here), else
    locally. Returns how many of the running model's were added."""
    from kiosk.sync import central_writes as central

    person, model = request.person, model_key(cfg.vision)
    vectors, sources = np.asarray(request.vectors, np.float32), list(request.sources)
    others = {m: np.asarray(v, np.float32) for m, v in request.others.items()}
    if request.mode == "extend":
        for other, rows in others.items():
            _add_rows(cfg, store, person.id, other, rows, request.sources)
        return _add_rows(cfg, store, person.id, model, vectors, request.sources)
    replacing = request.mode == "replace"
    if cfg.mongo.uri:
        central.write_through(cfg, lambda c: central.enroll_person(c, person, model, vectors, sources, replacing,
                                                                   others))
    else:
        store.add_person(person, model, vectors, sources, replacing, others)
    return len(vectors)


def _add_rows(cfg: Config, store: SqliteStore, person_id: str, model: str, vectors: np.ndarray,
              sources: tuple[str, ...]) -> int:
    """Add one model's vectors to an enrolled person (a photo already stored is skipped)."""
    from kiosk.sync import central_writes as central

    vectors, sources = np.asarray(vectors, np.float32), list(sources)
    if cfg.mongo.uri:
        return central.write_through(cfg, lambda c: central.extend_person(c, person_id, model, vectors, sources))
    return store.add_embeddings(person_id, model, vectors, sources)


def _record(cfg: Config, store: SqliteStore, request: Enrolment, pairs: Mapping[str, list[Neighbour]], stored: int,
            detail: str = "") -> None:
    """Look-alike pairs (per model), audit rows and consent, in one local transaction."""
    from kiosk.store.audit import AuditEntry
    from kiosk.store.lookalikes import add_lookalike
    from kiosk.store.people import note_photo_cautions

    pid, now = request.person.id, datetime.now(UTC)
    with store.atomic():
        if not detail:  # an enrolment, not vectors added for another model
            note_photo_cautions(store, pid, dict(request.cautions), fresh=request.mode != "extend")
        for model, neighbours in pairs.items():
            for n in neighbours:
                add_lookalike(store, pid, n.person_id, model, n.score)
                if n.duplicate:
                    store.audit(AuditEntry(now, request.kiosk_id, request.actor, "enroll_duplicate", target_id=pid,
                                           detail=f"matches {n.person_id} score {n.score:.3f}"))
        if detail:
            store.audit(AuditEntry(now, request.kiosk_id, request.actor, "enroll_models", target_id=pid, detail=detail))
        elif request.audited:
            store.audit(AuditEntry(now, request.kiosk_id, request.actor, "enroll", target_id=pid,
                                   detail=f"{request.mode}: {stored} embedding(s) added"))
        if request.consent is not None:
            record_consent(store, pid, request.consent)
