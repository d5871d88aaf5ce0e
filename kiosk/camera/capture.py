"""The capture thread: owns the camera, reconnects with backoff, and hands
the newest frame to whoever wants it without ever waiting for them. Its
state (ok, or unavailable and why) goes to the screen as a latest value.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from kiosk.camera.base import CameraSource
from kiosk.messages.lanes import Outbox
from kiosk.messages.screen import CameraState
from kiosk.model import Frame

log = logging.getLogger(__name__)

FIRST_RETRY_S = 0.5
CHEAP_RETRY_S = 0.1  # a source whose failed open costs a stat is retried this often (a file put back)


class LatestFrame:
    """A one-frame slot: a new frame replaces the old one (latest wins).

    The UI peeks with latest(); the recognition worker takes frames with
    wait_newer(). A frame replaced before wait_newer took it counts as dropped.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._taken = True  # by a wait_newer consumer
        self._published = 0
        self._dropped = 0

    def publish(self, frame: Frame) -> None:
        with self._cond:
            if self._frame is not None and not self._taken:
                self._dropped += 1
            self._frame = frame
            self._taken = False
            self._published += 1
            self._cond.notify_all()

    def latest(self) -> Frame | None:
        with self._cond:
            return self._frame

    def wait_newer(self, after_index: int, timeout: float) -> Frame | None:
        """The newest frame with index > after_index, or None after timeout."""
        with self._cond:
            fresh = self._cond.wait_for(
                lambda: self._frame is not None and self._frame.index > after_index, timeout
            )
            if not fresh:
                return None
            self._taken = True
            return self._frame

    @property
    def published(self) -> int:
        with self._cond:
            return self._published

    @property
    def dropped(self) -> int:
        with self._cond:
            return self._dropped


@dataclass(frozen=True)
class CaptureStats:
    frames_captured: int
    frames_dropped: int  # replaced in the slot before the recognition worker took them
    reconnects: int  # successful re-opens after the first open
    skipped: int  # late video-file frames the source skipped to stay real time


class CaptureThread(threading.Thread):
    def __init__(
        self,
        source: CameraSource,
        stop: threading.Event,
        outbox: Outbox,
        retry_max_s: float,
    ):
        super().__init__(name="capture", daemon=True)
        self.source = source
        self.frames = LatestFrame()
        self._stop_event = stop
        self._outbox = outbox
        self._retry_max_s = max(retry_max_s, FIRST_RETRY_S)
        self._next_index = 0
        self._opens = 0
        self._ok: bool | None = None  # last state posted; None before the first

    def stats(self) -> CaptureStats:
        return CaptureStats(
            frames_captured=self.frames.published,
            frames_dropped=self.frames.dropped,
            reconnects=max(0, self._opens - 1),
            skipped=int(getattr(self.source, "skipped_frames", 0)),
        )

    def run(self) -> None:
        delay = FIRST_RETRY_S
        try:
            while not self._stop_event.is_set():
                if self._session():
                    delay = FIRST_RETRY_S  # frames flowed: the next outage starts afresh
                if self._stop_event.wait(CHEAP_RETRY_S if self.source.cheap_to_retry else delay):
                    break
                delay = min(delay * 2, self._retry_max_s)
        finally:
            self._close_source()

    def _session(self) -> bool:
        """Open the source and publish frames until it is lost or we stop.
        True if at least one frame was published."""
        try:
            self.source.open()
        except Exception as err:  # never let a source take the thread down
            self._set_unavailable(_one_line(err))
            return False
        self._opens += 1
        published = False
        while not self._stop_event.is_set():
            try:
                image = self.source.read()
            except Exception as err:
                self._set_unavailable(_one_line(err))
                break
            captured_at = time.monotonic()
            if image is None:
                self._set_unavailable(f"{self.source.description}: no frame (lost or ended)")
                break
            self.frames.publish(Frame(image, captured_at, self._next_index))
            self._next_index += 1
            published = True
            self._set_available()
        self._close_source()
        return published

    def _close_source(self) -> None:
        try:
            self.source.close()
        except Exception as err:
            log.debug("camera close failed: %s", _one_line(err))

    def _set_available(self) -> None:
        if self._ok is not True:
            self._ok = True
            log.info("camera ok: %s", self.source.description)
            self._outbox.latest(CameraState(ok=True))

    def _set_unavailable(self, reason: str) -> None:
        if self._ok is False:
            log.debug("camera still unavailable: %s", reason)
            return
        self._ok = False
        log.warning("camera unavailable (%s), retrying", reason)
        self._outbox.latest(CameraState(ok=False, detail=reason))

def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    detail = text[0] if text else ""
    if isinstance(err, OSError) and detail:
        return detail
    return f"{type(err).__name__}: {detail}" if detail else type(err).__name__
