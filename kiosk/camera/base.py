"""Camera sources: one base class and a registry keyed by config name (the frames they
make are kiosk.model.Frame)."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from kiosk.registry import Registry


class CameraSource(ABC):
    """Blocking reads from one source; the capture thread owns it."""

    @abstractmethod
    def open(self) -> None:
        """Open the source; raise OSError with a one-line reason if it cannot."""

    @abstractmethod
    def read(self) -> np.ndarray | None:
        """Next BGR image, paced like a live camera; None when the source is lost or ended."""

    @abstractmethod
    def close(self) -> None: ...

    @property
    def description(self) -> str:
        return type(self).__name__

    @property
    def cheap_to_retry(self) -> bool:
        """A failed open costs next to nothing (a video file: one stat), so the capture thread
        retries often instead of backing off; a device or a stream backs off."""
        return False


CAMERAS: Registry[CameraSource] = Registry("camera", {"opencv": "kiosk.camera.opencv_source"})
