"""CaptureThread on the real clip: frames flow, outages are reported once, recovery works."""

from __future__ import annotations

import logging
import os
import queue
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from kiosk.camera import CameraSource, CaptureThread
from kiosk.camera.opencv_source import OpenCvSource
from kiosk.config import CameraSection
from kiosk.messages.screen import CameraState
from tests.lanes_support import OutboxSpy

CLIP_FRAMES = 275
WAIT_S = 5.0  # generous upper bound for anything to happen; tests finish far sooner


@pytest.fixture(scope="module")
def clip(shared: Path) -> Path:
    path = shared / "face_recognition" / "short_hamilton_clip.mp4"
    if not path.is_file():
        pytest.skip(f"clip not found: {path}")
    return path


@pytest.fixture
def run_capture():
    """Start CaptureThreads and always stop and join them."""
    started: list[tuple[CaptureThread, threading.Event]] = []

    def start(source: CameraSource, events: queue.Queue) -> tuple[CaptureThread, threading.Event]:
        stop = threading.Event()
        spy = OutboxSpy("capture")
        spy.seen = events
        thread = CaptureThread(source, stop, spy, retry_max_s=0.5)
        thread.start()
        started.append((thread, stop))
        return thread, stop

    yield start
    for thread, stop in started:
        stop.set()
        thread.join(timeout=WAIT_S)


def next_state(events: queue.Queue) -> CameraState:
    while True:
        event = events.get(timeout=WAIT_S)
        if isinstance(event, CameraState):
            return event


def file_source(path: Path, *, realtime: bool = True) -> OpenCvSource:
    return OpenCvSource(CameraSection(realtime=realtime), source=str(path))


def stop_and_join(thread: CaptureThread, stop: threading.Event) -> None:
    stop.set()
    thread.join(timeout=WAIT_S)
    assert not thread.is_alive()


def test_frames_flow_to_the_slot_in_order(clip, run_capture):
    events = queue.Queue()
    capture, stop = run_capture(file_source(clip), events)
    assert next_state(events) == CameraState(ok=True)

    first = capture.frames.wait_newer(-1, timeout=WAIT_S)
    second = capture.frames.wait_newer(first.index, timeout=WAIT_S)
    assert first.image.shape == (360, 640, 3)
    assert second.index > first.index
    assert second.captured_at >= first.captured_at
    assert capture.name == "capture" and capture.daemon
    stop_and_join(capture, stop)
    assert capture.stats().frames_captured >= 2


def test_end_of_file_goes_unavailable_then_recovers_when_file_changes(
    clip, tmp_path, run_capture, caplog
):
    path = Path(shutil.copy(clip, tmp_path / "camera.mp4"))
    events = queue.Queue()
    caplog.set_level(logging.WARNING, logger="kiosk.camera.capture")
    capture, stop = run_capture(file_source(path, realtime=False), events)

    assert next_state(events) == CameraState(ok=True)
    lost = next_state(events)
    assert not lost.ok and "no frame" in lost.detail
    ended_at = capture.frames.latest().index
    assert ended_at == CLIP_FRAMES - 1

    time.sleep(1.2)  # several retries hit "video file ended"
    assert events.empty()
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1

    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # re-plug
    assert next_state(events) == CameraState(ok=True)
    resumed = capture.frames.wait_newer(ended_at, timeout=WAIT_S)
    assert resumed is not None and resumed.index > ended_at  # indexes keep increasing
    assert capture.stats().reconnects >= 1


def test_missing_file_keeps_retrying_until_stopped(tmp_path, run_capture, caplog):
    events = queue.Queue()
    caplog.set_level(logging.WARNING, logger="kiosk.camera.capture")
    capture, stop = run_capture(file_source(tmp_path / "absent.mp4"), events)

    state = next_state(events)
    assert not state.ok
    time.sleep(1.2)
    assert capture.is_alive()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "camera file not found" in warnings[0]
    stop_and_join(capture, stop)


def test_the_screen_reads_the_newest_camera_state_and_capture_never_waits_for_it(clip, tmp_path, run_capture):
    path = Path(shutil.copy(clip, tmp_path / "camera.mp4"))
    events = queue.Queue()
    capture, stop = run_capture(file_source(path, realtime=False), events)  # ok, then the file ends
    assert next_state(events).ok and not next_state(events).ok
    stop_and_join(capture, stop)
    unread = capture._outbox.lanes.take(10)  # the screen never looked meanwhile
    assert len(unread) == 1 and not unread[0].ok
    assert capture.stats().frames_captured == CLIP_FRAMES


class FakeBrokenSource(CameraSource):
    """A driver that throws: the real camera cannot be made to do this on demand."""

    def __init__(self) -> None:
        self.reads = 0

    def open(self) -> None:
        pass

    def read(self):
        self.reads += 1
        if self.reads > 3:
            raise RuntimeError("driver exploded\nwith a long traceback-ish text")
        return np.zeros((8, 8, 3), np.uint8)

    def close(self) -> None:
        pass


def test_source_exceptions_are_a_lost_camera_not_a_crash(run_capture, caplog):
    events = queue.Queue()
    caplog.set_level(logging.WARNING, logger="kiosk.camera.capture")
    capture, stop = run_capture(FakeBrokenSource(), events)
    assert next_state(events).ok
    assert not next_state(events).ok
    assert capture.is_alive()
    message = next(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "RuntimeError: driver exploded" in message and "\n" not in message
    stop_and_join(capture, stop)


def test_the_config_knows_every_camera_backend_the_registry_has():
    """The config validates camera.backend before any backend module is imported."""
    from kiosk.camera import CAMERAS
    from kiosk.config import CAMERA_BACKENDS

    assert sorted(CAMERA_BACKENDS) == CAMERAS.names()
