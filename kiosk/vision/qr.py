"""Reading QR codes in a camera frame with OpenCV's own detector (nothing else to install).

A frame is searched at a reduced width first (a search over a full 1280x720 frame costs
about 50 ms on this class of machine, over 640 px about 15 ms); what is found is decoded
from the full-resolution frame around it, so a card held at arm's length still reads.
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

SEARCH_WIDTH = 640
MARGIN = 0.15  # of the code's size, around it when decoding at full resolution


class QrReader:
    """Build in the thread that uses it (OpenCV's detector is not shared between threads)."""

    def __init__(self) -> None:
        import cv2

        self._cv2 = cv2
        self._detector = cv2.QRCodeDetector()

    def read(self, image_bgr: np.ndarray) -> list[str]:
        """The texts of the QR codes in the frame ([] when none)."""
        scale = min(1.0, SEARCH_WIDTH / image_bgr.shape[1])
        small = image_bgr if scale == 1.0 else self._cv2.resize(image_bgr, None, fx=scale, fy=scale,
                                                                 interpolation=self._cv2.INTER_AREA)
        found, corners = self._detector.detect(small)
        if not found or corners is None:
            return []
        crop = _around(image_bgr, corners.reshape(-1, 2) / scale)
        text, _, _ = self._detector.detectAndDecode(crop)
        return [text] if text else []


def _around(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    pad = MARGIN * max(x1 - x0, y1 - y0)
    h, w = image.shape[:2]
    top, left = int(max(0, y0 - pad)), int(max(0, x0 - pad))
    return image[top:int(min(h, y1 + pad)), left:int(min(w, x1 + pad))]
