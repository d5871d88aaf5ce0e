"""Every cue on synthetic inputs whose answer is known."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.config import LivenessSection
from kiosk.liveness.base import FaceSample
from kiosk.liveness.fusion import fuse
from kiosk.liveness.judge import LEARNED_FLOOR, LIVE, PENDING, SPOOF, CHALLENGE, Evidence, next_state
from kiosk.vision.landmarks import LEFT_EYE, RIGHT_EYE, eye_aspect_ratio
from kiosk.liveness.temporal import BlinkCue, FrozenFaceCue, PlanarMotionCue, blinked
from kiosk.liveness.texture import EdgesCue, LaplacianCue, PrintCue, ScreenCue, spectral_peakiness
from kiosk.vision.base import FaceBox

CFG = LivenessSection()
BOX = FaceBox(200, 120, 160, 160, 0.9, ((240, 180), (320, 180), (280, 220), (250, 260), (310, 260)))


def face_image(seed=0, colour=True):
    """A smooth, skin-coloured face-like picture with some texture and full range."""
    rng = np.random.default_rng(seed)
    img = np.zeros((480, 640, 3), np.uint8)
    img[:] = (90, 120, 150)
    cv2.ellipse(img, (280, 200), (75, 95), 0, 0, 360, (120, 160, 215) if colour else (160, 160, 160), -1)
    for eye in ((245, 180), (315, 180)):
        cv2.circle(img, eye, 12, (20, 20, 20), -1)
    cv2.ellipse(img, (280, 255), (30, 10), 0, 0, 360, (70, 60, 170), -1)
    noise = cv2.GaussianBlur(rng.normal(0, 6, img.shape).astype(np.float32), (0, 0), 1.2)
    return np.clip(img + noise + 0.5, 0, 255).astype(np.uint8)


def sample(img, t=0.0, box=BOX, mesh=None):
    s = FaceSample(img, box, t)
    if mesh is not None:
        s.cache["mesh"] = mesh.astype(np.float32)
    return s


def head_points(yaw_deg=0.0, n=468, seed=1):
    """Points on a 3-D head (a half ellipsoid), turned by yaw and projected: not a plane."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1, 1, n), rng.uniform(-1.2, 1.2, n)
    z = np.sqrt(np.clip(1.3 - x ** 2 - (y / 1.2) ** 2, 0, None))
    pts = np.stack([x, y, z], 1)
    pts[33], pts[263] = (-0.6, -0.3, 0.8), (0.6, -0.3, 0.8)  # outer eye corners
    a = np.radians(yaw_deg)
    rot = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    turned = pts @ rot.T
    return 280 + 60 * turned[:, :2]


def test_fusion_is_neutral_without_evidence_and_agreeing_cues_reinforce():
    assert fuse({"a": None}, {"a": 1.0}) == pytest.approx(0.5)
    one = fuse({"a": 0.8}, {"a": 1.0, "b": 1.0})
    two = fuse({"a": 0.8, "b": 0.8}, {"a": 1.0, "b": 1.0})
    assert 0.5 < one < two
    assert fuse({"a": 0.1, "b": 0.9}, {"a": 1.0, "b": 1.0}) == pytest.approx(0.5)


def test_laplacian_seed_prefers_sharp_faces():
    sharp = face_image()
    sharp[::2, ::2] = 255 - sharp[::2, ::2]  # fine detail everywhere
    blurred = cv2.GaussianBlur(face_image(), (0, 0), 4)
    cue = LaplacianCue(CFG, Path("."))
    assert cue.score([sample(sharp)]) > 0.5 > cue.score([sample(blurred)])


def test_screen_cue_sees_moire_peaks():
    face = face_image()
    yy, xx = np.mgrid[:480, :640]
    grating = (1 + 0.25 * np.cos(2 * np.pi * (xx * 0.9 + yy * 0.4) / 5.3))[..., None]
    screen = np.clip(face * grating, 0, 255).astype(np.uint8)
    cue = ScreenCue(CFG, Path("."))
    assert cue.score([sample(screen)]) < 0.3
    assert cue.score([sample(face)]) >= 0.5
    grey = cv2.cvtColor(screen, cv2.COLOR_BGR2GRAY)[140:260, 220:340]
    assert spectral_peakiness(grey) > spectral_peakiness(cv2.cvtColor(face, cv2.COLOR_BGR2GRAY)[140:260, 220:340])


def test_print_cue_sees_lost_colour_and_range():
    face = face_image()
    lab = cv2.cvtColor(face, cv2.COLOR_BGR2LAB).astype(np.float32)
    lab[..., 1:] = 128 + (lab[..., 1:] - 128) * 0.3
    lab[..., 0] = 80 + lab[..., 0] * 0.35
    printed = cv2.cvtColor(lab.astype(np.uint8), cv2.COLOR_LAB2BGR)
    cue = PrintCue(CFG, Path("."))
    assert cue.score([sample(printed)]) < 0.3
    assert cue.score([sample(face)]) >= 0.5


def test_edges_cue_sees_a_frame_around_the_face():
    framed = face_image()
    cv2.rectangle(framed, (150, 40), (410, 380), (10, 10, 10), 6)
    cue = EdgesCue(CFG, Path("."))
    assert cue.score([sample(framed)]) <= 0.45
    assert cue.score([sample(face_image())]) is None


def test_planar_cue_flat_picture_vs_turning_head():
    cue = PlanarMotionCue(CFG, Path("."))
    flat = head_points(0)
    photo = []
    for i, angle in enumerate(np.linspace(0, 8, 8)):  # a photo tilted and turned by a hand
        h = cv2.getRotationMatrix2D((280, 280), angle, 1 + 0.01 * i)
        h = np.vstack([h, [1e-5 * i, 0, 1]])
        pts = cv2.perspectiveTransform(flat[None].astype(np.float64), h)[0]
        photo.append(sample(face_image(), i / 15, mesh=pts))
    head = [sample(face_image(), i / 15, mesh=head_points(yaw)) for i, yaw in enumerate(np.linspace(0, 20, 8))]
    still = [sample(face_image(), i / 15, mesh=flat) for i in range(8)]
    assert cue.score(photo) < 0.2
    assert cue.score(head) > 0.8
    assert cue.score(still) is None  # no motion, no evidence


def test_frozen_cue_identical_frames_and_rigid_shift():
    cue = FrozenFaceCue(CFG, Path("."))
    img = face_image()
    assert cue.score([sample(img, i / 15, mesh=head_points()) for i in range(6)]) < 0.1
    base = head_points()
    shifted = [sample(face_image(seed=i), i / 15, mesh=base + (8 * i, 3 * i)) for i in range(6)]
    assert cue.score(shifted) < 0.2
    turning = [sample(face_image(seed=i), i / 15, mesh=head_points(4 * i) + (8 * i, 0)) for i in range(6)]
    assert cue.score(turning) > 0.8


def eye_mesh(openness):
    pts = head_points()
    for eye, cx in ((RIGHT_EYE, 240.0), (LEFT_EYE, 320.0)):
        corner_a, up1, up2, corner_b, lo1, lo2 = eye
        pts[corner_a], pts[corner_b] = (cx - 15, 200), (cx + 15, 200)
        pts[up1], pts[up2] = (cx - 5, 200 - 9 * openness), (cx + 5, 200 - 9 * openness)
        pts[lo1], pts[lo2] = (cx + 5, 200 + 9 * openness), (cx - 5, 200 + 9 * openness)
    return pts


def test_blink_cue_sees_a_blink_and_not_open_eyes():
    assert eye_aspect_ratio(eye_mesh(1.0)) > 0.5 > eye_aspect_ratio(eye_mesh(0.1))
    opens = [1.0, 1.0, 1.0, 0.9, 0.2, 0.1, 0.8, 1.0, 1.0]
    blinking = [sample(face_image(), i / 15, mesh=eye_mesh(o)) for i, o in enumerate(opens)]
    staring = [sample(face_image(), i / 15, mesh=eye_mesh(1.0)) for i in range(9)]
    assert blinked(blinking) and not blinked(staring)
    cue = BlinkCue(CFG, Path("."))
    assert cue.score(blinking) > 0.8
    assert cue.score(staring) is None  # 0.6 s without a blink proves nothing


def decide(cfg, n, elapsed, score, challenged=False, met=False, learned=None, model=True):
    return next_state(cfg, Evidence(n, elapsed, score, learned, model), challenged, met)


def test_without_the_learned_model_only_the_challenge_proves_a_face_live():
    cfg = LivenessSection()
    cues = dict(model=False)
    assert decide(cfg, 1, 0.0, 0.99, True, False, **cues) == CHALLENGE  # asked at once
    assert decide(cfg, 9, 0.3, 0.99, True, False, **cues) == CHALLENGE  # the cues cannot prove a face
    assert decide(cfg, 9, 0.4, 0.6, True, True, **cues) == LIVE  # it blinked
    assert decide(cfg, 9, 0.7, 0.05, True, False, **cues) == CHALLENGE  # the other cues do not refuse
    assert decide(cfg, 9, cfg.decide_s, 0.9, True, False, **cues) == SPOOF  # a photo never blinks


def test_with_texture_cues_only_and_no_way_to_ask_they_decide_alone():
    cfg = LivenessSection()
    cues = dict(model=False)
    assert decide(cfg, 1, 0.1, 0.99, **cues) == PENDING  # too few frames
    assert decide(cfg, 5, 0.3, 0.9, **cues) == LIVE
    assert decide(cfg, 5, 0.3, 0.05, **cues) == PENDING  # never reject at once
    assert decide(cfg, 9, 0.7, 0.05, **cues) == SPOOF
    assert decide(cfg, 9, cfg.decide_s, 0.5, **cues) == LIVE  # nothing against a still face, within 3 s
    assert decide(cfg, 9, cfg.decide_s, 0.3, **cues) == SPOOF


def test_with_the_learned_model_it_must_be_sure_or_the_face_must_blink():
    cfg = LivenessSection()
    sure, doubtful = LEARNED_FLOOR, LEARNED_FLOOR - 0.1
    assert decide(cfg, 3, 0.2, 0.97, learned=sure) == LIVE
    # A live-looking fused score on a doubtful model (a replayed real frame): not yet...
    assert decide(cfg, 3, 0.2, 0.97, learned=doubtful) == PENDING
    assert decide(cfg, 20, 1.5, 0.97, True, False, learned=doubtful) == CHALLENGE
    # ...a blink settles it...
    assert decide(cfg, 20, 1.5, 0.97, True, True, learned=doubtful) == LIVE
    # ...unless the model leans against the face: a replayed video blinks too...
    assert decide(cfg, 20, 1.5, 0.97, True, True, learned=0.45) == CHALLENGE
    # ...and without one, out of time is refused, however high the fused score.
    assert decide(cfg, 40, cfg.decide_s, 0.97, True, False, learned=doubtful) == SPOOF



def test_a_costly_frame_cue_skips_frames_closer_than_its_gap():
    calls = []

    class CountingScreen(ScreenCue):
        def score_frame(self, sample):
            calls.append(sample.t)
            return 0.3

    cue = CountingScreen(CFG, Path("."))
    samples = [sample(face_image(), t) for t in (0.0, 0.05, 0.1, 0.2, 0.25, 0.45)]
    for n in range(1, len(samples) + 1):
        score = cue.score(samples[:n])
    assert calls == [0.0, 0.2, 0.45] and score == pytest.approx(0.3)
