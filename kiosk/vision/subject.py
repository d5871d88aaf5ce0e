"""Faces in a still photo, and which of them the photo is of.

Photos from a school's system, or press photos, are often tight crops (the
face fills the frame) or show another person at the edge. Two rules, both
measured on identify_calib (docs/ACCURACY.md, "Enrolment"):

- A tight crop is detected again on a copy padded with its own edge pixels:
  YuNet was trained on whole scenes and places its landmarks better with
  context around the face (Pins genuine scores +0.02 on average, 10th
  percentile 0.353 -> 0.389).
- The subject is the largest face. Beside other faces it must be whole and
  near the middle of the photo. Another face is a rival, and the photo is
  refused, only when it is comparably large (>= RIVAL_SIZE_RATIO of the
  subject's size) and not cut by the image edge. A bystander at the edge no
  longer makes a student unrecognisable.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.vision.base import FaceBox

RIVAL_SIZE_RATIO = 0.8  # another whole face at least this large (relative) makes the photo ambiguous
EDGE_BAND = 0.02  # a box within this share of the width/height from the border touches the edge
CENTRE_SHARE = 0.6  # beside other faces, the subject's centre lies in the middle 60% of the photo
TIGHT_CROP_SHARE = 0.4  # a face this large relative to the photo's shorter side: the photo is a crop
PAD_SHARE = 0.25  # padding on every side of a tight crop, as a share of its longer side


@dataclass(frozen=True)
class PhotoFaces:
    """A photo as detected: the image the boxes refer to (padded when the
    photo was a tight crop), the faces (best first), and where the original
    photo sits inside that image."""

    image: np.ndarray
    faces: list[FaceBox]
    pad: int = 0  # pixels added on every side
    original_shape: tuple[int, int] = (0, 0)  # (height, width) of the photo itself

    def in_original(self, face: FaceBox) -> FaceBox:
        """The box in the photo's own coordinates (for reports and the JSON of `identify`)."""
        return face.shifted(-self.pad, -self.pad)


@dataclass(frozen=True)
class Subject:
    face: FaceBox
    note: str = ""  # said when other faces were ignored


class AmbiguousPhoto(ValueError):
    """Two or more comparable faces: the photo does not say who it shows."""


def find_faces(detect, image: np.ndarray) -> PhotoFaces:
    """`detect(image) -> list[FaceBox]`; a tight crop (no face found, a face
    touching the border, or one filling the frame) is detected again padded."""
    height, width = image.shape[:2]
    faces = detect(image)
    if not _looks_tight(faces, height, width):
        return PhotoFaces(image, faces, 0, (height, width))
    pad = max(1, round(PAD_SHARE * max(height, width)))
    padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    padded_faces = detect(padded)
    if not padded_faces and faces:
        return PhotoFaces(image, faces, 0, (height, width))
    return PhotoFaces(padded, padded_faces, pad, (height, width))


def choose_subject(photo: PhotoFaces) -> Subject:
    """The face the photo is of, or AmbiguousPhoto naming the comparable sizes.
    Raises ValueError-derived AmbiguousPhoto only; no faces is the caller's case."""
    faces = sorted(photo.faces, key=lambda f: f.size, reverse=True)
    main, others = faces[0], faces[1:]
    if others and not _central(main, photo):
        raise AmbiguousPhoto(f"{len(faces)} faces, and the largest ({round(main.size)} px) is not in the "
                             "middle of the photo; use a photo where the person is clearly the main face")
    rivals = [f for f in others if f.size >= RIVAL_SIZE_RATIO * main.size and not touches_edge(f, photo)]
    if rivals:
        sizes = " and ".join(f"{round(f.size)} px" for f in [main, *rivals])
        raise AmbiguousPhoto(f"{len(faces)} faces of similar size ({sizes}); use a photo where the person "
                             "is clearly the main face")
    if not others:
        return Subject(main)
    smaller = ", ".join(f"{round(f.size)} px{' at the edge' if touches_edge(f, photo) else ''}" for f in others)
    return Subject(main, f"{len(faces)} faces found; enrolled the main one ({round(main.size)} px), "
                         f"ignored {smaller}")


def touches_edge(face: FaceBox, photo: PhotoFaces) -> bool:
    """The box reaches the photo's own border (not the padding), within EDGE_BAND."""
    return _at_border(photo.in_original(face), photo.original_shape)


def _at_border(box: FaceBox, shape: tuple[int, int]) -> bool:
    height, width = shape
    band_x, band_y = EDGE_BAND * width, EDGE_BAND * height
    return (box.x <= band_x or box.y <= band_y
            or box.x + box.w >= width - band_x or box.y + box.h >= height - band_y)


def _central(face: FaceBox, photo: PhotoFaces) -> bool:
    """Whole, and its centre within the middle CENTRE_SHARE of the photo both ways."""
    height, width = photo.original_shape
    box = photo.in_original(face)
    off_x = abs(box.x + box.w / 2 - width / 2) / width
    off_y = abs(box.y + box.h / 2 - height / 2) / height
    return not touches_edge(face, photo) and max(off_x, off_y) <= CENTRE_SHARE / 2


def _looks_tight(faces: list[FaceBox], height: int, width: int) -> bool:
    if not faces:
        return True
    largest = max(faces, key=lambda f: f.size)
    return largest.size >= TIGHT_CROP_SHARE * min(height, width) or _at_border(largest, (height, width))
