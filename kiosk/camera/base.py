"""Camera sources: one base class, a registry keyed by config name, and Frame."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from kiosk.registry import Registry


@dataclass(frozen=True)
class Frame:
    """One captured image. `captured_at` is time.monotonic() at capture,
    the clock that check-in latency is measured on."""

    image: np.ndarray
    captured_at: float
    index: int


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


CAMERAS: Registry[CameraSource] = Registry("camera", {"opencv": "kiosk.camera.opencv_source"})
