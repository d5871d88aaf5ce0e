"""Face quality gates from the five landmarks: is the person facing the kiosk?

A door kiosk identifies the person who walks up and looks at it, not a
passer-by in profile; turned faces also give the least reliable matches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.vision.base import FaceBox

# Nose-tip depth in front of the eye line, as a fraction of the eye distance
# (average adult head), to turn the landmarks' nose offset into an angle.
NOSE_DEPTH_RATIO = 0.65


def yaw_degrees(face: FaceBox) -> float:
    """Approximate head turn left or right (0 = facing the camera), from landmarks."""
    return abs(signed_yaw_degrees(face))


def signed_yaw_degrees(face: FaceBox) -> float:
    """Head turn with its direction: positive when the person turns to their own
    left (the nose moves to the right of an unmirrored picture), negative to their right.

    The nose tip sits off the eyes' midpoint by depth * sin(yaw) while the
    eye distance shrinks by cos(yaw), so offset / eye distance = ratio * tan(yaw).
    """
    if len(face.landmarks) < 3:
        return 0.0  # a detector without landmarks cannot judge; do not block it
    (rx, ry), (lx, ly), (nx, _) = face.landmarks[:3]
    eye_distance = math.hypot(lx - rx, ly - ry)
    if eye_distance < 1e-6:
        return 90.0
    offset = (nx - (rx + lx) / 2) / eye_distance
    return math.degrees(math.atan(offset / NOSE_DEPTH_RATIO))


def is_frontal(face: FaceBox, max_yaw_deg: float) -> bool:
    return yaw_degrees(face) <= max_yaw_deg


# --- Enrolment gates -------------------------------------------------------
# An enrolment photo becomes the reference every later check-in is compared
# with. Two tiers, measured on identify_calib (docs/ACCURACY.md, "Enrolment"):
# a photo the reference would be useless from is refused (enrolment_problem);
# a photo that makes a weaker but working reference is enrolled and the admin
# is told what a better photo would fix (enrolment_caution). Refusing the
# weaker ones left those students unrecognised: as references, photos turned
# 36-50 degrees, dim or over-exposed, or cut by a tight crop still named their
# person's other photos 65-90 % of the time (clean photos: 94 %; refused: 0),
# with strangers above the naming threshold 0.5-1.4 times in 10,000 against 0.3
# (bench/enrolment_gates.py). Guided capture at the kiosk keeps the strict
# limits: it can simply take another frame.

# Variance of Laplacian of the 112x112 grey aligned crop. Set where blur starts to cost the template
# (identify_calib, docs/ACCURACY.md): Gaussian blur sigma 1.5 gives a median of 31 and loses 0.02 of
# the genuine score, sigma 2 gives 19 and loses 0.05, sigma 3 gives 9 and loses 0.12. Soft but usable
# news photos (sharpness 37..50) match as well as sharp ones, so 50 refused good photos.
MIN_SHARPNESS = 25.0
MIN_BRIGHTNESS, MAX_BRIGHTNESS = 50.0, 210.0  # mean grey level of the crop; good photos 84..145
MAX_CLIPPED = 0.25  # share of crop pixels at black (<= 5) or white (>= 250); good photos <= 0.05
# Light beyond which a photo is refused: at a mean of 30 a reference named 2 of its person's 5 other
# photos, at 48-49 four or five; clipped shares up to 0.33 still named 60-100 %.
USABLE_BRIGHTNESS = (35.0, 225.0)
USABLE_CLIPPED = 0.40
# Past this turn the far eye is hidden and the five landmarks are guessed; photos turned 36-50
# degrees made working references (named 80 % of their person's other photos).
MAX_PHOTO_YAW_DEG = 55.0
# A face whose landmarks lie this close to the photo's edge (in eye distances) is a partial face
# (the shared obama_partial_face photos: 0.10-0.18). A tight crop whose box merely runs off the
# photo keeps its eyes, nose and mouth well inside (0.39 and up; whole photos 0.43 and up).
PARTIAL_FACE_MARGIN = 0.3
MAX_ROLL_DEG = 30.0  # eye-line tilt; alignment undoes tilt, so this only stops a sideways photo
PITCH_RANGE = (0.35, 0.80)  # nose height between eye line (0) and mouth (1); good photos 0.53..0.62
MIN_EYE_OPENNESS = 0.12  # FaceMesh eye aspect ratio; open eyes 0.20..0.28 here, closed < 0.15


def cut_by_border(face: FaceBox, image_shape: tuple[int, ...]) -> bool:
    """True when the face box runs off the image: a partial face (1 px slack for rounding)."""
    height, width = image_shape[:2]
    return face.x < -1 or face.y < -1 or face.x + face.w > width + 1 or face.y + face.h > height + 1


def partial_face(face: FaceBox, image_shape: tuple[int, ...]) -> bool:
    """True when part of the face itself is missing: the box runs off the photo and a
    landmark lies within PARTIAL_FACE_MARGIN eye distances of the edge."""
    if not cut_by_border(face, image_shape):
        return False
    if len(face.landmarks) < 5:
        return True  # without landmarks a cut box is all there is to judge by
    height, width = image_shape[:2]
    points = np.asarray(face.landmarks[:5], np.float64)
    eye_distance = max(float(np.hypot(*(points[1] - points[0]))), 1.0)
    inside = min(points[:, 0].min(), points[:, 1].min(), width - points[:, 0].max(), height - points[:, 1].max())
    return inside < PARTIAL_FACE_MARGIN * eye_distance


def roll_degrees(face: FaceBox) -> float:
    if len(face.landmarks) < 2:
        return 0.0
    (rx, ry), (lx, ly) = face.landmarks[:2]
    return abs(math.degrees(math.atan2(ly - ry, lx - rx)))


def pitch_ratio(face: FaceBox) -> float:
    """Nose tip height between the eye line (0) and the mouth line (1): ~0.55 facing
    the camera, lower when the head tips back, higher when it nods down."""
    if len(face.landmarks) < 5:
        return 0.55
    (_, ry), (_, ly), (_, ny), (_, mry), (_, mly) = face.landmarks[:5]
    eyes, mouth = (ry + ly) / 2, (mry + mly) / 2
    return (ny - eyes) / (mouth - eyes) if mouth - eyes > 1e-6 else 0.0


def sharpness(grey_crop: np.ndarray) -> float:
    return float(cv2.Laplacian(grey_crop, cv2.CV_64F).var())


def brightness(grey_crop: np.ndarray) -> tuple[float, float]:
    """(mean grey level, share of clipped pixels)."""
    return float(grey_crop.mean()), float(((grey_crop <= 5) | (grey_crop >= 250)).mean())


@dataclass(frozen=True)
class CropQuality:
    """What the light and focus gates read from the embedder's aligned crop."""

    brightness: float  # mean grey level
    clipped: float  # share of pixels at black or white
    sharpness: float  # variance of Laplacian

    @property
    def badly_lit(self) -> bool:
        return not MIN_BRIGHTNESS <= self.brightness <= MAX_BRIGHTNESS or self.clipped > MAX_CLIPPED

    @property
    def unusable_light(self) -> bool:
        low, high = USABLE_BRIGHTNESS
        return not low <= self.brightness <= high or self.clipped > USABLE_CLIPPED

    @property
    def blurred(self) -> bool:
        return self.sharpness < MIN_SHARPNESS


def crop_quality(crop: np.ndarray) -> CropQuality:
    """Measured on a 112x112 grey copy, the size the thresholds were set on."""
    grey = cv2.cvtColor(cv2.resize(crop, (112, 112), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    mean, clipped = brightness(grey)
    return CropQuality(mean, clipped, sharpness(grey))


def head_tilted(face: FaceBox) -> bool:
    """Rolled sideways or tipped up or down beyond the enrolment limits."""
    return roll_degrees(face) > MAX_ROLL_DEG or not PITCH_RANGE[0] <= pitch_ratio(face) <= PITCH_RANGE[1]


def enrolment_problem(
    image_shape: tuple[int, ...], face: FaceBox, crop: np.ndarray, max_yaw_deg: float,
    eye_openness: float | None = None,
) -> str | None:
    """Why this face cannot be enrolled (a short phrase), or None.
    `face` is in the coordinates of the photo of `image_shape`; `crop` is the
    embedder's aligned crop; `eye_openness` None skips the eye check."""
    if partial_face(face, image_shape):
        return "face is cut off by the image edge; use a photo with the whole face in view"
    if yaw_degrees(face) > max(MAX_PHOTO_YAW_DEG, max_yaw_deg):
        return f"face is turned {yaw_degrees(face):.0f} degrees to the side; look straight at the camera"
    if roll_degrees(face) > MAX_ROLL_DEG:
        return f"head is tilted {roll_degrees(face):.0f} degrees; hold the head upright"
    if not PITCH_RANGE[0] <= pitch_ratio(face) <= PITCH_RANGE[1]:
        return "head is tipped up or down; look straight at the camera"
    looks = crop_quality(crop)
    if looks.unusable_light:
        return f"face is too {_light(looks)}; light it evenly"
    if looks.blurred:
        return f"face is blurred (sharpness {looks.sharpness:.0f} < {MIN_SHARPNESS:.0f}); hold still, focus"
    if eye_openness is not None and eye_openness < MIN_EYE_OPENNESS:
        return "eyes look closed; keep the eyes open"
    return None


def enrolment_caution(
    image_shape: tuple[int, ...], face: FaceBox, crop: np.ndarray, max_yaw_deg: float,
) -> str | None:
    """What makes an enrollable face a weaker reference (a short phrase), or None:
    the photo is enrolled, and the admin is told what a better one would fix."""
    if cut_by_border(face, image_shape):
        return "the face runs off the photo's edge; a photo with the whole head would match more reliably"
    if yaw_degrees(face) > max_yaw_deg:
        return (f"the face is turned {yaw_degrees(face):.0f} degrees; a photo facing the camera would "
                "match more reliably")
    looks = crop_quality(crop)
    if looks.badly_lit:
        return f"the face is {_light(looks)}; an evenly lit photo would match more reliably"
    return None


def _light(looks: CropQuality) -> str:
    return f"{'dark' if looks.brightness < 128 else 'bright'} (mean {looks.brightness:.0f}, {looks.clipped:.0%} clipped)"


def door_face_problem(image_shape: tuple[int, ...], face: FaceBox, crop: np.ndarray, min_face_px: int,
                      max_yaw_deg: float) -> str | None:
    """Why a face seen at the door may not be kept (a door attempt's picture, and so a door reference):
    the enrolment gate a photo must pass (enrolment_problem, without the eye check, which needs
    FaceMesh), and the enrolment's minimum size. None when it passes."""
    if face.size < min_face_px:
        return f"face is {round(face.size)} px wide; needs at least {min_face_px} px"
    return enrolment_problem(image_shape, face, crop, max_yaw_deg)
