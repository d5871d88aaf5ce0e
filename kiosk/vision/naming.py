"""Who is this, or is it a stranger: the one rule that decides, in one place.

A face in one frame is *named* (a Match with a person id) or a *stranger* (a Match with
person_id None). A track is named, a stranger, or still undecided. Here:

- NamingRule: every number that draws that line, built once from the config and the
  calibration by naming_rule();
- name_faces(): one frame's faces against the gallery -> one Match each;
- name_track(): one track's evidence (the mean of its frames) and its frames' own matches
  -> a Verdict: named, stranger or undecided;
- the bars enrolment holds a new photo to, from the same calibration: verification_threshold
  (one-to-one), same_face_score (a duplicate) and lookalike_floor (a look-alike pair).

The Gallery (gallery.py) holds the enrolled vectors and scores faces against them, a Track
(tracker.py) holds a track's state and TrackEvidence (evidence.py) its running mean; none of
them decides.

The threshold grows with the gallery: the more people are enrolled, the higher the best score a
stranger reaches by chance. kiosk/vision/calibration.py holds, per model, the threshold measured
at several gallery sizes (`by_people`, written by bench/accuracy.py); between them it is read
linearly in log(people), and beyond the last one it follows the last measured slope. A threshold
set in the config (vision.threshold, 0 = calibrated) is used as it is, at every size.

A person with several enrolment photos is scored by their centroid (gallery.py). Scores are raw
cosine similarities: normalising them against the gallery's own impostor scores (z-norm, t-norm)
made open-set accuracy worse on small galleries (bench/accuracy.py, docs/ACCURACY.md).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from kiosk.config import VisionSection
from kiosk.errors import ConfigError
from kiosk.vision.base import Match, model_key
from kiosk.vision.evidence import TrackEvidence
from kiosk.vision.gallery import Gallery, as_rows
from kiosk.vision.lookalike import lookalike_margin

REFERENCE_PEOPLE = 100  # the gallery size a caller that knows none is judged at (one school year)
# One-to-one checks ("is this new photo the enrolled person?") without a calibrated `verify` bar use
# the threshold of a gallery of this many.
VERIFY_PEOPLE = 10

# A person flagged as one of an enrolled look-alike pair must beat the runner-up by this many
# margins, so the kiosk never quietly names the wrong twin...
LOOKALIKE_MARGIN_FACTOR = 2.0
MIN_LOOKALIKE_MARGIN = 0.05  # ...and with no calibrated margin (0), still by this much.

# The mean of several frames of a look-alike stranger keeps what makes them look alike, so it
# passes a single photo's threshold more often than one photo does: a track's mean must clear the
# threshold by a headroom. Each model's is measured on walk-up sequences (5 folds, 350 stranger
# tracks) and calibrated with its threshold (`track_headroom`, bench/walkup.py, docs/ACCURACY.md,
# "Walk-up tracks"): a step of room above the last headroom that named a stranger track. A model
# without one takes this, SFace's (stranger tracks named up to +0.05, none from +0.06).
TRACK_HEADROOM = 0.07
REFUSE_GAP = 0.10  # a mean this far below the threshold is a stranger (genuine means sit above it)
REFUSE_FRAMES = 3  # frames of evidence before a track can be called a stranger...
MAX_FRAMES = 30  # ...and after which one still undecided is one
# Frames' own matches kept per track; a track voted on without evidence is a stranger when this
# many in a row named nobody.
STRANGER_VOTES = 3


@dataclass(frozen=True)
class NamingRule:
    """Every number that decides who a face is. Build it with naming_rule(); a hand-made
    NamingRule(threshold, margin) is a fixed threshold at every gallery size (tests, benches)."""

    threshold: float  # the bar at REFERENCE_PEOPLE, and at every size when by_people is empty
    margin: float = 0.0  # the lead the best person needs over the runner-up
    by_people: tuple[tuple[int, float], ...] = ()  # (people, threshold), calibrated
    lookalike_factor: float = LOOKALIKE_MARGIN_FACTOR
    min_lookalike_margin: float = MIN_LOOKALIKE_MARGIN
    track_headroom: float = TRACK_HEADROOM  # a track's mean must clear the threshold by this much
    refuse_gap: float = REFUSE_GAP
    confirm_frames: int = 2  # agreeing frames (or frames of evidence) before a track is named
    refuse_frames: int = REFUSE_FRAMES
    max_frames: int = MAX_FRAMES
    stranger_votes: int = STRANGER_VOTES

    def threshold_at(self, people: int | None = None) -> float:
        """The best score a face needs in a gallery of `people` (unknown: REFERENCE_PEOPLE)."""
        if not self.by_people or not people:
            return self.threshold
        return threshold_for_people(self.by_people, people)

    @property
    def flagged_margin(self) -> float:
        """The lead a person flagged as a look-alike needs over the runner-up."""
        return self.margin * self.lookalike_factor or self.min_lookalike_margin


def naming_rule(cfg: VisionSection) -> NamingRule:
    """The rule for this model: the config's threshold and margin where set, else the calibrated ones."""
    calibrated = _calibration(cfg)
    if calibrated is None and not cfg.threshold:
        raise ConfigError(
            f"config: vision.threshold = 0: no calibrated threshold for {model_key(cfg)}; "
            "set one (bench/accuracy.py --write-calibration measures it)"
        )
    calibrated = calibrated or {}
    curve = () if cfg.threshold else tuple(calibrated.get("by_people") or ())
    threshold = cfg.threshold or (threshold_for_people(curve, REFERENCE_PEOPLE) if curve else calibrated["threshold"])
    margin = cfg.margin or calibrated.get("margin", 0.0)
    headroom = calibrated.get("track_headroom", TRACK_HEADROOM)
    return NamingRule(threshold, margin, curve, track_headroom=headroom, confirm_frames=cfg.confirm_frames)


def threshold_for_people(curve: tuple[tuple[int, float], ...], people: int) -> float:
    """The (people, threshold) curve read at a gallery size, linearly in log(people)."""
    sizes = [n for n, _ in curve]
    people = max(1, people)
    if people <= sizes[0]:
        return curve[0][1]
    i = bisect.bisect_left(sizes, people)
    if i == len(curve):
        (n0, t0), (n1, t1) = curve[-2], curve[-1]  # beyond the table: along its last slope
    else:
        (n0, t0), (n1, t1) = curve[i - 1], curve[i]
    share = (math.log(people) - math.log(n0)) / (math.log(n1) - math.log(n0))
    return round(t0 + share * (t1 - t0), 4)


# -- One frame ------------------------------------------------------------------------------------

def name_faces(rule: NamingRule, gallery: Gallery, queries: np.ndarray) -> list[Match]:
    """One Match per face (query row), in order: named when its best person scores at least the
    threshold for this gallery's size AND leads the best *other* person by the margin (a flagged
    look-alike by flagged_margin); otherwise a stranger (person_id None), with its scores."""
    queries = as_rows(queries)
    if gallery.empty or len(queries) == 0:
        return [Match(None, None, -1.0, -1.0) for _ in range(len(queries))]
    best, first, second = gallery.top_two(queries)
    lead = np.where(gallery.flagged[best], np.float32(rule.flagged_margin), np.float32(rule.margin))
    accepted = (first >= rule.threshold_at(len(gallery))) & (first - second >= lead)
    return [
        Match(gallery.person_ids[b], gallery.names[b], float(s1), float(s2))
        if ok
        else Match(None, None, float(s1), float(s2))
        for b, s1, s2, ok in zip(best, first, second, accepted)
    ]


# -- One track ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Verdict:
    """Where a track stands: named (`named` is the Match it is confirmed as), a stranger, or
    undecided (neither)."""

    named: Match | None
    stranger: bool
    mean: Match  # the mean of its frames, matched (person_id None when it names nobody)
    votes: tuple[Match, ...] = ()  # its latest frames' own matches, newest last

    @property
    def undecided(self) -> bool:
        return self.named is None and not self.stranger


def name_track(rule: NamingRule, gallery: Gallery, evidence: TrackEvidence, match: Match,
               votes: Sequence[Match] = (), named: Match | None = None) -> Verdict:
    """A track after a frame whose own match is `match` (`votes` and `named`: where it stood
    before). Named when `confirm_frames` frames agree on one person (count_votes) or when the mean
    of its frames clears the rule with its headroom (judge_mean); a stranger when, unnamed, its
    mean says so. Either alone named no stranger on the walk-up sequences; the votes are a frame
    quicker on a sharp face, the mean names 24 more of 784 tracks (bench/walkup.py)."""
    votes, named = count_votes(rule, votes, named, match)
    by_mean = judge_mean(rule, gallery, evidence)
    if named is None:
        named = by_mean.named
    if evidence.frames:
        stranger = named is None and by_mean.stranger
    else:  # frames voted on without evidence: as many in a row that named nobody
        recent = votes[-rule.stranger_votes:]
        stranger = named is None and len(recent) == rule.stranger_votes and all(m.person_id is None for m in recent)
    return Verdict(named, stranger, by_mean.mean, votes)


def count_votes(rule: NamingRule, votes: Sequence[Match], named: Match | None,
                match: Match) -> tuple[tuple[Match, ...], Match | None]:
    """(votes, named) after one more frame's match. A name is confirmed when `confirm_frames` of the
    last confirm_frames + 1 frames name one person and none names anyone else; a frame naming
    someone else drops a confirmed name."""
    needed = rule.confirm_frames
    if named is not None and match.person_id not in (None, named.person_id):
        named, votes = None, ()  # a different person now
    votes = (tuple(votes) + (match,))[-max(needed + 1, rule.stranger_votes):]
    # A borderline frame in between (no match) does not restart the count.
    recent = [m for m in votes[-(needed + 1):] if m.person_id is not None]
    if named is None and len(recent) >= needed and len({m.person_id for m in recent}) == 1:
        named = max(recent, key=lambda m: m.score)
    return votes, named


def judge_mean(rule: NamingRule, gallery: Gallery, evidence: TrackEvidence) -> Verdict:
    """The verdict of a track's mean alone: named when it clears the threshold plus the track
    headroom (and the margin) over at least `confirm_frames` frames; a stranger when it is clearly
    below (by the refuse gap) after `refuse_frames`, or still undecided after `max_frames`. A
    stranger gets one chance per track with the evidence of all its frames, not one per frame."""
    mean = evidence.mean
    if mean is None or gallery.empty:
        return Verdict(None, evidence.frames >= rule.refuse_frames, Match(None, None, -1.0))
    match = name_faces(rule, gallery, mean[None])[0]
    threshold = rule.threshold_at(len(gallery))
    if match.person_id is not None and match.score >= threshold + rule.track_headroom:
        return Verdict(match if evidence.frames >= rule.confirm_frames else None, False, match)
    match = Match(None, None, match.score, match.second_score)
    clearly_below = match.score < threshold - rule.refuse_gap
    stranger = (evidence.frames >= rule.refuse_frames and clearly_below) or evidence.frames >= rule.max_frames
    return Verdict(None, stranger, match)


# -- Enrolment's bars, from the same calibration ---------------------------------------------------

def verification_threshold(cfg: VisionSection) -> float:
    """The score a photo needs against one person's enrolled face to be that person: the calibrated
    one-to-one bar (`verify`: photos of two different people pass it 1 time in 100; docs/ACCURACY.md
    shows what a stricter bar costs), else a ten-person gallery's threshold."""
    calibrated = _calibration(cfg) or {}
    return (not cfg.threshold and calibrated.get("verify")) or naming_rule(cfg).threshold_at(VERIFY_PEOPLE)


def same_face_score(cfg: VisionSection) -> float:
    """The score from which a new enrolment is the same face as someone enrolled: calibrated
    above every pair of different people seen (`same_face`), else the reference threshold."""
    calibrated = _calibration(cfg) or {}
    return (not cfg.threshold and calibrated.get("same_face")) or naming_rule(cfg).threshold


def lookalike_floor(cfg: VisionSection) -> float:
    """From this score two enrolled people are flagged as look-alikes: the naming threshold of a
    REFERENCE_PEOPLE gallery for a calibrated curve (at identify_calib's 200 people that flags 1 %
    of them); for a flat threshold, its look-alike band below it."""
    threshold = naming_rule(cfg).threshold
    if "by_people" in (_calibration(cfg) or {}) and not cfg.threshold:
        return threshold
    return threshold - lookalike_margin(model_key(cfg))


def _calibration(cfg: VisionSection) -> dict | None:
    # Read at each call: bench/accuracy.py rewrites and reloads calibration.py, and
    # bench/identify_calib.py sets the bars it is calibrating.
    from kiosk.vision.calibration import CALIBRATED

    return CALIBRATED.get(model_key(cfg))
