"""The naming rule, pure: building it from config and calibration, one frame's faces named or
strangers (threshold, margin, look-alike factor), and one track named, a stranger or undecided
(agreeing votes, the mean with its headroom, the refuse gap). One golden test on real photos."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import VisionSection
from kiosk.errors import ConfigError
from kiosk.vision.base import Match
from kiosk.vision.evidence import TrackEvidence
from kiosk.vision.gallery import Gallery
from kiosk.vision.images import load_image
from kiosk.vision.naming import (
    REFERENCE_PEOPLE, NamingRule, count_votes, judge_mean, lookalike_floor, name_faces, name_track, naming_rule,
    same_face_score, threshold_for_people, verification_threshold,
)

DIM = 8
AXES = np.eye(DIM, dtype=np.float32)
LIN = Match("lin", "Lin", 0.6)
NOBODY = Match(None, None, 0.1)
OTHER = Match("maya", "Maya", 0.55)


def at_cosine(a: np.ndarray, b: np.ndarray, cos: float) -> np.ndarray:
    """A unit vector at cosine `cos` to unit `a`, in the plane of a and b (b orthogonal to a)."""
    return (cos * a + np.sqrt(1 - cos**2) * b).astype(np.float32)


def ann_gallery(flagged: frozenset[str] = frozenset()) -> Gallery:
    return Gallery(["ann", "bob"], ["Ann", "Bob"], AXES[:2], flagged=flagged)


# -- the rule from config and calibration ---------------------------------------------------------

def test_the_calibrated_rule_grows_with_the_gallery():
    rule = naming_rule(VisionSection(embedder="sface"))  # vision.threshold = 0: calibrated
    assert (rule.threshold, rule.margin, rule.confirm_frames) == (0.444, 0.08, 2)
    assert rule.threshold_at() == rule.threshold_at(0) == rule.threshold_at(REFERENCE_PEOPLE) == 0.444
    assert rule.threshold_at(10_000) == 0.522 and rule.threshold_at(300) == 0.452
    assert (rule.track_headroom, rule.refuse_gap, rule.lookalike_factor) == (0.07, 0.10, 2.0)


def test_each_model_has_its_own_rule_and_the_default_is_edgeface():
    rule = naming_rule(VisionSection())
    assert VisionSection().embedder == "edgeface-s"
    assert (rule.threshold, rule.margin, rule.threshold_at(1000), rule.track_headroom) == (0.45, 0.08, 0.491, 0.06)


def test_a_threshold_in_the_config_holds_at_every_size_with_the_calibrated_margin():
    rule = naming_rule(VisionSection(threshold=0.5, confirm_frames=3))
    assert rule.by_people == () and rule.threshold_at(10_000) == 0.5 and rule.threshold_at(3) == 0.5
    assert rule.margin == 0.08 and rule.confirm_frames == 3
    assert naming_rule(VisionSection(threshold=0.5, margin=0.2)).margin == 0.2


def test_an_uncalibrated_model_needs_a_threshold(monkeypatch):
    from kiosk.vision.calibration import CALIBRATED

    monkeypatch.delitem(CALIBRATED, "sface")
    with pytest.raises(ConfigError, match="no calibrated threshold for sface"):
        naming_rule(VisionSection(embedder="sface"))
    assert naming_rule(VisionSection(embedder="sface", threshold=0.4)) == NamingRule(0.4, 0.0)


def test_the_curve_is_read_linearly_in_log_people_and_beyond_along_its_last_slope():
    curve = ((10, 0.4), (100, 0.5), (1000, 0.6))
    assert threshold_for_people(curve, 1) == 0.4
    assert threshold_for_people(curve, 316) == pytest.approx(0.55, abs=1e-3)
    assert threshold_for_people(curve, 10_000) == pytest.approx(0.7)


def test_enrolment_bars_come_from_the_same_calibration():
    calibrated = VisionSection(embedder="sface")
    assert verification_threshold(calibrated) == 0.300 and same_face_score(calibrated) == 0.54
    assert lookalike_floor(calibrated) == 0.444  # a calibrated curve: the reference gallery's threshold
    edgeface = VisionSection(embedder="edgeface-s")
    assert (verification_threshold(edgeface), same_face_score(edgeface), lookalike_floor(edgeface)) == (0.26, 0.48, 0.45)
    fixed = VisionSection(embedder="sface", threshold=0.5)  # the config's threshold is every bar, the look-alike band below it
    assert verification_threshold(fixed) == same_face_score(fixed) == 0.5
    assert lookalike_floor(fixed) == pytest.approx(0.5 - 0.042)


# -- one frame ------------------------------------------------------------------------------------

def test_a_face_is_named_from_the_threshold_up_and_a_stranger_below():
    rule = NamingRule(0.5)
    named, at_bar, stranger = name_faces(rule, ann_gallery(), np.stack(
        [at_cosine(AXES[1], AXES[2], 0.8), at_cosine(AXES[0], AXES[2], 0.5 + 1e-6), at_cosine(AXES[0], AXES[3], 0.45)]))
    assert (named.person_id, named.name) == ("bob", "Bob") and named.score == pytest.approx(0.8, abs=1e-5)
    assert named.second_score == pytest.approx(0.0, abs=1e-5)
    assert at_bar.person_id == "ann"  # the threshold is inclusive
    assert stranger.person_id is None and stranger.name is None and stranger.score == pytest.approx(0.45, abs=1e-5)


def two_people_probe(first: float, second: float) -> np.ndarray:
    """Scores `first` against Ann (axis 0), `second` against Bob (axis 1)."""
    rest = np.sqrt(1 - first**2 - second**2)
    return (first * AXES[0] + second * AXES[1] + rest * AXES[2]).astype(np.float32)


def test_the_margin_makes_a_face_close_to_two_people_a_stranger():
    probe = two_people_probe(0.70, 0.66)[None]  # above the threshold, but ambiguous
    [stranger] = name_faces(NamingRule(0.5, margin=0.1), ann_gallery(), probe)
    [named] = name_faces(NamingRule(0.5, margin=0.02), ann_gallery(), probe)
    assert stranger.person_id is None
    assert stranger.score == pytest.approx(0.70, abs=1e-5) and stranger.second_score == pytest.approx(0.66, abs=1e-5)
    assert named.person_id == "ann"


def test_a_flagged_look_alike_needs_the_margin_times_the_look_alike_factor():
    probe = two_people_probe(0.70, 0.52)[None]  # a lead of 0.18: over 0.12, under 2 x 0.12
    rule = NamingRule(0.49, margin=0.12)
    assert rule.flagged_margin == pytest.approx(0.24)
    assert name_faces(rule, ann_gallery(), probe)[0].person_id == "ann"
    assert name_faces(rule, ann_gallery(frozenset({"ann"})), probe)[0].person_id is None
    assert name_faces(replace(rule, lookalike_factor=1.4), ann_gallery(frozenset({"ann"})), probe)[0].person_id == "ann"
    assert name_faces(rule, ann_gallery(frozenset({"ann"})), AXES[0])[0].person_id == "ann"  # a clear face


def test_without_a_margin_a_flagged_look_alike_still_needs_a_lead():
    rule = NamingRule(0.5)
    assert rule.flagged_margin == 0.05
    probe = two_people_probe(0.70, 0.67)[None]
    assert name_faces(rule, ann_gallery(), probe)[0].person_id == "ann"
    assert name_faces(rule, ann_gallery(frozenset({"ann"})), probe)[0].person_id is None


def test_the_threshold_is_the_one_for_the_gallerys_size():
    rule = NamingRule(0.4, by_people=((1, 0.4), (2, 0.6)))
    probe = at_cosine(AXES[0], AXES[2], 0.5)[None]
    alone = Gallery(["ann"], ["Ann"], AXES[:1])
    assert name_faces(rule, alone, probe)[0].person_id == "ann"
    assert name_faces(rule, ann_gallery(), probe)[0].person_id is None


def test_one_person_has_no_runner_up_and_an_empty_gallery_names_nobody():
    [match] = name_faces(NamingRule(0.3, margin=0.5), Gallery(["ann"], ["Ann"], AXES[:1]), at_cosine(AXES[0], AXES[1], 0.4))
    assert match.person_id == "ann" and match.second_score == -1.0
    empty = Gallery([], [], np.zeros((0, DIM), np.float32))
    assert name_faces(NamingRule(0.3), empty, AXES[:3]) == [Match(None, None, -1.0, -1.0)] * 3
    assert name_faces(NamingRule(0.3), ann_gallery(), np.zeros((0, DIM), np.float32)) == []


# -- one track ------------------------------------------------------------------------------------

def vote_all(matches, rule=NamingRule(0.5)):
    votes, named = (), None
    for match in matches:
        votes, named = count_votes(rule, votes, named, match)
    return votes, named


def test_two_agreeing_votes_among_the_last_three_confirm():
    assert vote_all([LIN])[1] is None
    votes, named = vote_all([LIN, NOBODY, LIN])  # a borderline frame in between
    assert named == LIN and votes == (LIN, NOBODY, LIN)
    assert vote_all([LIN, Match("lin", "Lin", 0.7)])[1].score == 0.7  # the best of the agreeing frames


def test_a_vote_for_someone_else_or_votes_too_far_apart_do_not_confirm():
    assert vote_all([LIN, OTHER, LIN])[1] is None
    assert vote_all([LIN, NOBODY, NOBODY, LIN])[1] is None
    assert vote_all([LIN, LIN], NamingRule(0.5, confirm_frames=3))[1] is None


def test_a_frame_naming_someone_else_drops_a_confirmed_name():
    votes, named = count_votes(NamingRule(0.5), (LIN, LIN), LIN, OTHER)
    assert named is None and votes == (OTHER,)
    assert count_votes(NamingRule(0.5), (LIN, LIN), LIN, NOBODY)[1] == LIN  # nobody: the name holds


def frames_of(*vectors: np.ndarray) -> list[tuple[TrackEvidence, np.ndarray]]:
    """The evidence after each frame, with that frame."""
    evidence, out = TrackEvidence(), []
    for v in vectors:
        evidence.add(v / np.linalg.norm(v))
        out.append((replace(evidence), v))
    return out


def walk(rule: NamingRule, gallery: Gallery, *vectors: np.ndarray):
    """name_track frame by frame, as kiosk/recognition/identify.py does; the verdict after each."""
    verdicts, votes, named = [], (), None
    for evidence, vector in frames_of(*vectors):
        verdict = name_track(rule, gallery, evidence, name_faces(rule, gallery, vector)[0], votes, named)
        votes, named = verdict.votes, verdict.named
        verdicts.append(verdict)
    return verdicts


def noisy_ann(axis: int, cos: float = 0.5) -> np.ndarray:
    return at_cosine(AXES[0], AXES[axis], cos)


def test_a_track_is_named_by_the_mean_of_its_frames():
    # Two noisy frames, each alone at 0.5 (under the threshold: no frame votes for Ann), whose
    # noise points different ways: their mean scores 0.63, over the threshold plus the headroom.
    rule, gallery = NamingRule(0.52), Gallery(["ann"], ["Ann"], AXES[:1])
    first, second = walk(rule, gallery, noisy_ann(2), noisy_ann(3))
    assert first.undecided and first.votes[0].person_id is None
    assert second.named.person_id == "ann" and second.named.score == pytest.approx(0.632, abs=1e-3)
    assert not second.stranger and not second.undecided


def test_the_mean_must_clear_the_threshold_by_the_headroom():
    # The mean of two frames scores 0.632 for Ann: under 0.57 + 0.07, over 0.57 + 0.05.
    frames = (noisy_ann(2), noisy_ann(3))
    gallery = Gallery(["ann"], ["Ann"], AXES[:1])
    assert walk(NamingRule(0.57), gallery, *frames)[-1].undecided
    assert walk(NamingRule(0.57, track_headroom=0.05), gallery, *frames)[-1].named.person_id == "ann"


def test_the_mean_names_only_after_confirm_frames():
    rule, gallery = NamingRule(0.5, confirm_frames=3), Gallery(["ann"], ["Ann"], AXES[:1])
    verdicts = walk(rule, gallery, AXES[0], AXES[0], AXES[0])
    assert [v.named is not None for v in verdicts] == [False, False, True]
    assert judge_mean(rule, gallery, frames_of(AXES[0])[0][0]).mean.person_id == "ann"  # named, not yet confirmed


def test_a_track_clearly_below_the_threshold_is_a_stranger_after_three_frames():
    rule, gallery = NamingRule(0.5), Gallery(["ann"], ["Ann"], AXES[:1])
    verdicts = walk(rule, gallery, AXES[3], AXES[3], AXES[3])
    assert [v.stranger for v in verdicts] == [False, False, True] and verdicts[-1].named is None


def test_a_track_just_below_the_threshold_stays_undecided_until_max_frames():
    # 0.45 is under the threshold 0.5 but within the refuse gap (0.10): no verdict until 30 frames.
    rule, gallery = NamingRule(0.5), Gallery(["ann"], ["Ann"], AXES[:1])
    verdicts = walk(rule, gallery, *[noisy_ann(2, 0.45)] * rule.max_frames)
    assert all(v.undecided for v in verdicts[:-1]) and verdicts[-1].stranger
    assert walk(replace(rule, refuse_gap=0.04), gallery, *[noisy_ann(2, 0.45)] * 3)[-1].stranger


def test_agreeing_frames_name_a_track_whose_mean_does_not_clear_the_headroom():
    # Each frame scores 0.55 for Ann, over the threshold (0.5) but under it plus the headroom.
    rule, gallery = NamingRule(0.5), Gallery(["ann"], ["Ann"], AXES[:1])
    first, second = walk(rule, gallery, noisy_ann(2, 0.55), noisy_ann(2, 0.55))
    assert first.undecided and first.mean.person_id is None
    assert second.named.person_id == "ann" and second.named.score == pytest.approx(0.55, abs=1e-5)


def test_a_named_track_is_never_also_a_stranger():
    rule, gallery = NamingRule(0.5), Gallery(["ann"], ["Ann"], AXES[:1])
    verdicts = walk(rule, gallery, AXES[0], AXES[0], AXES[3], AXES[3], AXES[3], AXES[3], AXES[3])
    assert verdicts[-1].named.person_id == "ann" and not verdicts[-1].stranger


def test_a_track_voted_on_without_evidence_is_a_stranger_after_three_frames_naming_nobody():
    rule, gallery, nothing = NamingRule(0.5), ann_gallery(), TrackEvidence()
    votes, stranger = (), []
    for _ in range(3):
        verdict = name_track(rule, gallery, nothing, NOBODY, votes)
        votes, stranger = verdict.votes, stranger + [verdict.stranger]
    assert stranger == [False, False, True]


# -- golden test: real photos through the real SFace pipeline ------------------------------------
# (sface_pipeline and faces_dir come from tests/vision/conftest.py)

def face_vector(pipeline, path: Path) -> np.ndarray:
    image = load_image(path)
    faces = pipeline.detect(image)
    assert faces, f"no face found in {path.name}"
    return pipeline.embed(image, faces[:1])[0]


def test_golden_obama_is_named_and_a_stranger_is_not(faces_dir, sface_pipeline):
    enrolled = np.stack([face_vector(sface_pipeline, faces_dir / f) for f in ("obama.jpg", "biden.jpg")])
    rule = naming_rule(VisionSection())
    gallery = Gallery(["obama", "biden"], ["Barack Obama", "Joe Biden"], enrolled)
    obama2 = face_vector(sface_pipeline, faces_dir / "obama2.jpg")
    alex = face_vector(sface_pipeline, faces_dir / "alex-lacamoire.png")
    named, stranger = name_faces(rule, gallery, np.stack([obama2, alex]))
    assert named.person_id == "obama" and named.name == "Barack Obama"
    assert stranger.person_id is None
    assert stranger.score < rule.threshold_at(len(gallery)) <= named.score
