"""Camera stage: sources (by registry name) and the capture thread.

Backends such as kiosk.camera.opencv_source import cv2 and are loaded only
through CAMERAS.get(name).
"""

from kiosk.camera.base import CAMERAS, CameraSource
from kiosk.camera.capture import CaptureStats, CaptureThread, LatestFrame

__all__ = ["CAMERAS", "CameraSource", "CaptureStats", "CaptureThread", "LatestFrame"]
