"""Face quality gates from the five landmarks: is the person facing the kiosk?

A door kiosk identifies the person who walks up and looks at it, not a
passer-by in profile; turned faces also give the least reliable matches.
"""

from __future__ import annotations

import math

from kiosk.vision.base import FaceBox

# Nose-tip depth in front of the eye line, as a fraction of the eye distance
# (average adult head), to turn the landmarks' nose offset into an angle.
NOSE_DEPTH_RATIO = 0.65


def yaw_degrees(face: FaceBox) -> float:
    """Approximate head turn left/right (0 = facing the camera), from landmarks.

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
    return math.degrees(math.atan(abs(offset) / NOSE_DEPTH_RATIO))


def is_frontal(face: FaceBox, max_yaw_deg: float) -> bool:
    return yaw_degrees(face) <= max_yaw_deg
