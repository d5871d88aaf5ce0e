"""OpenCV camera source: a device index, a stream URL, or a video file.

A video file stands in for a live camera: it plays in real time at its own
frame rate (late frames are skipped, not queued), and when it ends without
looping it behaves like an unplugged camera until the file is replaced.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import cv2
import numpy as np

from kiosk.camera.base import CAMERAS, CameraSource
from kiosk.config import CameraSection

log = logging.getLogger(__name__)

DEFAULT_FPS = 30.0  # when a file does not say its frame rate
STREAM_TIMEOUT_MS = 5000  # so a dead stream fails instead of hanging the capture thread

_SECRET_PARAM = re.compile(r"((?:^|[?&;])(?:pass|passwd|password|pwd|token|key|auth)=)[^&;#]*", re.I)


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to log or show."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    at = rest.rfind("@")
    if at >= 0:
        userinfo, host = rest[:at], rest[at + 1 :]
        user, colon, _password = userinfo.partition(":")
        if colon:
            rest = f"{user}:***@{host}"
    return f"{scheme}://" + _SECRET_PARAM.sub(r"\1***", rest)


def _file_signature(path: Path) -> tuple[int, int, int]:
    """What identifies one version of a file: a new file at the path differs."""
    st = path.stat()
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@CAMERAS.register("opencv")
class OpenCvSource(CameraSource):
    def __init__(self, cfg: CameraSection, source: str | None = None, loop: bool | None = None):
        self._spec = (cfg.source if source is None else source).strip()
        self._loop = cfg.loop if loop is None else loop
        self._realtime = cfg.realtime
        self._size = (cfg.width, cfg.height)
        self._cap: cv2.VideoCapture | None = None
        self.skipped_frames = 0  # late file frames dropped to keep real time
        # video file playback state
        self._fps = DEFAULT_FPS
        self._t0: float | None = None  # monotonic time frame 0 was due
        self._position = 0  # frames consumed since open, across loop rewinds
        self._opened_signature: tuple[int, int, int] | None = None
        self._ended_signature: tuple[int, int, int] | None = None

    # -- what kind of source ------------------------------------------------

    @property
    def is_device(self) -> bool:
        return self._spec.isdigit()

    @property
    def is_stream(self) -> bool:
        return "://" in self._spec

    @property
    def is_file(self) -> bool:
        return not (self.is_device or self.is_stream)

    @property
    def path(self) -> Path:
        return Path(self._spec).expanduser()

    @property
    def description(self) -> str:
        if self.is_device:
            return f"camera device {self._spec}"
        if self.is_stream:
            return f"stream {mask_url(self._spec)}"
        return f"video file {self.path.name}" + (" (looping)" if self._loop else "")

    # -- CameraSource -------------------------------------------------------

    @property
    def cheap_to_retry(self) -> bool:
        return self.is_file  # an ended or missing file is refused after one stat, before any decoding

    def open(self) -> None:
        self.close()
        if self.is_device:
            self._cap = self._open_device(int(self._spec))
        elif self.is_stream:
            self._cap = self._open_stream()
        else:
            self._cap = self._open_file()

    def read(self) -> np.ndarray | None:
        if self._cap is None:
            return None
        if self.is_file:
            return self._read_file()
        ok, image = self._cap.read()
        return image if ok else None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    # -- devices and streams ------------------------------------------------

    def _open_device(self, index: int) -> cv2.VideoCapture:
        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            raise OSError(f"cannot open camera device {index}")
        width, height = self._size
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        return cap

    def _open_stream(self) -> cv2.VideoCapture:
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, STREAM_TIMEOUT_MS,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, STREAM_TIMEOUT_MS,
        ]  # fmt: skip
        cap = cv2.VideoCapture(self._spec, cv2.CAP_FFMPEG, params)
        if not cap.isOpened():
            raise OSError(f"cannot open {self.description}")
        return cap

    # -- video files --------------------------------------------------------

    def _open_file(self) -> cv2.VideoCapture:
        path = self.path
        try:
            signature = _file_signature(path)
        except FileNotFoundError:
            raise OSError(f"camera file not found: {path}") from None
        except OSError as err:
            raise OSError(f"cannot read camera file {path}: {err.strerror}") from None
        if signature == self._ended_signature:
            raise OSError("video file ended")
        try:
            with open(path, "rb"):  # a clear reason for permission problems
                pass
        except OSError as err:
            raise OSError(f"cannot read camera file {path}: {err.strerror}") from None
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            raise OSError(f"cannot decode video file {path}")
        fps = cap.get(cv2.CAP_PROP_FPS)
        self._fps = fps if 1.0 <= fps <= 240.0 else DEFAULT_FPS
        self._t0 = None
        self._position = 0
        self._opened_signature = signature
        self._ended_signature = None
        return cap

    def _read_file(self) -> np.ndarray | None:
        if self._realtime and not self._wait_until_due():
            return self._end_of_file()
        if not self._grab_next():
            return self._end_of_file()
        self._position += 1
        ok, image = self._cap.retrieve()
        return image if ok else None

    def _wait_until_due(self) -> bool:
        """Sleep until the next frame is due, or skip frames if we are late.
        False if the file ended while skipping."""
        now = time.monotonic()
        if self._t0 is None:
            self._t0 = now
        newest_due = int((now - self._t0) * self._fps)
        if newest_due <= self._position:
            time.sleep(max(0.0, self._t0 + self._position / self._fps - now))
            return True
        for _ in range(newest_due - self._position):
            if not self._grab_next():
                return False
            self._position += 1
            self.skipped_frames += 1
        return True

    def _grab_next(self) -> bool:
        if self._cap.grab():
            return True
        return self._loop and self._rewind() and self._cap.grab()

    def _rewind(self) -> bool:
        """Back to the first frame; the playback clock runs on, so looping is seamless."""
        if not self.path.exists():
            log.warning("camera file disappeared: %s", self.path)
            return False
        if self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0):
            return True
        self._cap.release()  # some containers cannot seek: reopen instead
        self._cap = cv2.VideoCapture(str(self.path))
        return self._cap.isOpened()

    def _end_of_file(self) -> None:
        if not self._loop:
            log.info("end of %s", self.description)
            # Like an unplugged camera until a different file appears at the path.
            self._ended_signature = self._opened_signature
        self.close()
        return None
