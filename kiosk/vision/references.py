"""Door references: a face the door saw, confirmed by staff as someone, kept as one more of their
references, only when it can never make a wrong name (the rule, pure numbers; the store-backed
service is kiosk/enrolment/door.py).

A door reference is refused when:
- it does not match the person's *enrolment* (their enrolled photos, never another door reference,
  so references cannot drift away from the enrolment one step at a time) at `own_bar`;
- it scores at or above the duplicate bar (`duplicate_bar`) against anyone else's centroid, or
  does not lead everyone else by `margin` (it looks as much like someone else as like them);
- it is below the enrolment quality gate (kiosk/vision/quality.py: door_face_problem, checked by
  the caller on the picture).

A person keeps at most `keep` door references: the most diverse (keep_diverse), each counting in
their centroid like an enrolment photo (kiosk/vision/gallery.py). The bars and the number were
measured on simulated school days (bench/door_days.py, docs/ACCURACY.md, "Learning from the door").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.model import DOOR_SOURCE


def is_door_source(source: str) -> bool:
    return source.startswith(DOOR_SOURCE)


@dataclass(frozen=True)
class ReferenceRule:
    own_bar: float  # against the person's enrolment (their best enrolled photo), at least this
    duplicate_bar: float  # against anyone else's centroid, below this
    margin: float  # and the person must lead everyone else by this much
    keep: int  # door references a person keeps at most


@dataclass(frozen=True)
class Check:
    """Why a door face may not become the person's reference ('' when it may), with its scores."""

    problem: str
    own: float  # best score against the person's enrolled photos
    other: float  # best score against anyone else
    other_id: str | None


def check_reference(rule: ReferenceRule, vector: np.ndarray, enrolment: np.ndarray,
                    other_scores: np.ndarray, other_ids) -> Check:
    """`enrolment`: the person's enrolled vectors (rows); `other_scores`: the face against every other
    person's centroid, named by `other_ids`."""
    vector = np.asarray(vector, np.float32)
    if len(enrolment) == 0:
        return Check("no enrolled photo to check it against: a door picture alone never makes a reference",
                     -1.0, -1.0, None)
    own = float((np.asarray(enrolment, np.float32) @ vector).max())
    best = int(np.argmax(other_scores)) if len(other_scores) else -1
    other = float(other_scores[best]) if best >= 0 else -1.0
    other_id = other_ids[best] if best >= 0 else None
    if own < rule.own_bar:
        problem = f"it does not match their enrolled photo (score {own:.2f}, a reference needs {rule.own_bar:.2f})"
    elif other >= rule.duplicate_bar:
        problem = f"it looks like {other_id} (score {other:.2f}, the duplicate bar is {rule.duplicate_bar:.2f})"
    elif own - other < rule.margin:
        problem = (f"it looks almost as much like {other_id} ({other:.2f}) as like them ({own:.2f}); "
                   f"a reference must lead by {rule.margin:.2f}")
    else:
        problem = ""
    return Check(problem, own, other, other_id)


def keep_diverse(enrolment: np.ndarray, door: np.ndarray, keep: int) -> list[int]:
    """Which door references to keep (indexes into `door`, at most `keep`): the most diverse, chosen
    one at a time as the one least like the enrolment and the references kept so far (farthest-point
    selection), so the references cover the door's different days rather than one of them many times."""
    door = np.asarray(door, np.float32)
    if len(door) <= keep:
        return list(range(len(door)))
    chosen: list[int] = []
    kept = [np.asarray(v, np.float32) for v in enrolment]
    for _ in range(keep):
        left = [i for i in range(len(door)) if i not in chosen]
        nearest = [max((float(door[i] @ v) for v in kept), default=-1.0) for i in left]
        pick = left[int(np.argmin(nearest))]
        chosen.append(pick)
        kept.append(door[pick])
    return sorted(chosen)
