"""Door references in the store: whether a face the door saw may become one of a person's references
(kiosk/vision/references.py's rule, with the calibrated bars of kiosk/vision/naming.py), writing it
with the ones it replaces, and removing one by hand.

The rule's numbers were measured on simulated school days (bench/door_days.py, docs/ACCURACY.md,
"Learning from the door"). With mongo.uri set, a door reference is written centrally first and
pulled back, like an enrolment photo (kiosk/sync/central_writes.py: set_door_references), so every
door of the school learns it. Removing one by hand is an admin change (kiosk/staff/school.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from kiosk.config import Config, VisionSection
from kiosk.model import DOOR_SOURCE
from kiosk.store.people import face_opted_out
from kiosk.store.references import StoredVector, person_vectors, write_door_reference
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import model_key
from kiosk.vision.references import ReferenceRule, check_reference, keep_diverse

log = logging.getLogger(__name__)

# Measured on 20 simulated school days (bench/door_days.py, docs/ACCURACY.md, "Learning from the door"):
# - the bar against the person's enrolment is the naming threshold (that of a REFERENCE_PEOPLE
#   gallery), not the one-to-one bar: at the one-to-one bar (0.30 for SFace), staff confirming each
#   stranger's attempt as the student they looked most like added 47 of 61, and the kiosk then named
#   strangers 779 times in 19 days; from the naming threshold up no attack left a later wrong name;
# - a lead over everyone else beyond being closer to them (0.08, the naming margin) bought no safety
#   the bar did not, and named 5 fewer walk-ups;
# - the walk-up's mean is the reference, not its best frame: 3,965 walk-ups of 4,000 named against 3,917;
# - how many a person keeps made no difference in 60 days, on a normal or a hard door: nobody ever
#   needed a second one. Three is a bound ("a few", the most diverse); weighting them at half an
#   enrolment photo changed nothing either, so they count like any photo in the centroid.
KEEP = 3
LEAD = 0.0  # the face must be closer to them than to anyone else


def reference_rule(vision: VisionSection) -> ReferenceRule:
    """The door reference rule for the running model: the naming threshold against their enrolment
    (never below enrolment's one-to-one bar), the duplicate bar against everyone else."""
    from kiosk.vision.naming import naming_rule, same_face_score, verification_threshold

    own = max(naming_rule(vision).threshold, verification_threshold(vision))
    return ReferenceRule(own, same_face_score(vision), LEAD, KEEP)


@dataclass(frozen=True)
class DoorDecision:
    """Whether a door face becomes the person's reference: `problem` says why not ('' when it does;
    `covered` when their references already hold a face more diverse than it)."""

    problem: str = ""
    covered: bool = False
    drop: tuple[StoredVector, ...] = ()  # the door references it replaces

    @property
    def added(self) -> bool:
        return not self.problem and not self.covered


def decide(store: SqliteStore, vision: VisionSection, person_id: str, vector: np.ndarray | None) -> DoorDecision:
    """The rule, read from the store: the person's enrolled photos, everyone else's centroids."""
    from kiosk.enrolment.gallery import build_gallery

    if vector is None:
        return DoorDecision("the attempt holds no embedding for the model the kiosk runs")
    if face_opted_out(store, person_id):
        return DoorDecision("they opted out of face recognition: no face of theirs is kept")
    rows = person_vectors(store, person_id, model_key(vision))
    door = [r for r in rows if r.door]
    enrolment = np.asarray([r.vector for r in rows if not r.door], np.float32).reshape(-1, len(vector))
    gallery = build_gallery(store, vision)
    others = [i for i, pid in enumerate(gallery.person_ids) if pid != person_id]
    scores = gallery.person_scores(np.asarray(vector, np.float32))[0][others] if others else np.zeros(0)
    rule = reference_rule(vision)
    check = check_reference(rule, vector, enrolment, scores, [gallery.person_ids[i] for i in others])
    if check.problem:
        return DoorDecision(check.problem)
    kept = keep_diverse(enrolment, np.stack([r.vector for r in door] + [vector]), rule.keep)
    if len(door) not in kept:
        return DoorDecision(covered=True)
    return DoorDecision(drop=tuple(r for i, r in enumerate(door) if i not in kept))


def add(cfg: Config, store: SqliteStore, person_id: str, vector: np.ndarray, source: str,
        decision: DoorDecision) -> None:
    """Write an added reference (and drop what it replaces): in the caller's local transaction, or with
    mongo.uri centrally first, then pulled (call it then before the local transaction opens)."""
    model = model_key(cfg.vision)
    if not source.startswith(DOOR_SOURCE):
        source = DOOR_SOURCE + source
    if cfg.mongo.uri:
        from kiosk.sync import central_writes as central

        central.write_through(cfg, lambda c: central.set_door_references(
            c, person_id, model, (vector, source), [r.source for r in decision.drop]))
        return
    write_door_reference(store, person_id, model, vector, source, [r.id for r in decision.drop])

