"""OpenCvSource on the real Hamilton clip: real-time pacing, looping, end of file."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera import CAMERAS
from kiosk.camera.opencv_source import OpenCvSource, mask_url
from kiosk.config import CameraSection

CLIP_FRAMES = 275
CLIP_FPS = 29.97


@pytest.fixture(scope="module")
def clip(shared: Path) -> Path:
    path = shared / "face_recognition" / "short_hamilton_clip.mp4"
    if not path.is_file():
        pytest.skip(f"clip not found: {path}")
    return path


@pytest.fixture
def clip_copy(clip: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(clip, tmp_path / "camera.mp4"))


def source_for(path: Path, *, realtime: bool = True, loop: bool = False) -> OpenCvSource:
    return OpenCvSource(CameraSection(realtime=realtime), source=str(path), loop=loop)


def reference_frame(path: Path, index: int) -> np.ndarray:
    cap = cv2.VideoCapture(str(path))
    for _ in range(index + 1):
        ok, image = cap.read()
        assert ok
    cap.release()
    return image


def read_all(src: OpenCvSource, limit: int) -> list[np.ndarray | None]:
    return [src.read() for _ in range(limit)]


def test_registered_as_opencv():
    assert CAMERAS.get("opencv") is OpenCvSource


def test_realtime_pacing_reads_about_one_second_of_frames(clip):
    src = source_for(clip)
    src.open()
    reads = 0
    start = time.monotonic()
    while time.monotonic() - start < 1.0:
        assert src.read() is not None
        reads += 1
    elapsed = time.monotonic() - start
    src.close()
    consumed = reads + src.skipped_frames
    # Paced like a camera: ~30 frames a second, never the whole clip at decode speed.
    assert reads < 60
    assert 15 <= consumed <= elapsed * CLIP_FPS + 2


def test_late_reader_skips_to_the_frame_that_is_due(clip):
    src = source_for(clip)
    src.open()
    src.read()  # frame 0 starts the clock
    time.sleep(0.5)
    image = src.read()
    src.close()
    assert src.skipped_frames >= 5  # ~15 frames were due meanwhile
    assert np.array_equal(image, reference_frame(clip, 1 + src.skipped_frames))


def test_without_realtime_every_frame_then_none(clip):
    src = source_for(clip, realtime=False)
    src.open()
    frames = read_all(src, CLIP_FRAMES)
    assert all(f is not None and f.shape == (360, 640, 3) for f in frames)
    assert src.read() is None
    assert src.skipped_frames == 0


def test_loop_rewinds_seamlessly_past_the_end(clip):
    src = source_for(clip, realtime=False, loop=True)
    src.open()
    frames = read_all(src, CLIP_FRAMES + 30)
    src.close()
    assert all(f is not None for f in frames)
    assert np.array_equal(frames[CLIP_FRAMES], frames[0])
    assert np.array_equal(frames[CLIP_FRAMES + 29], frames[29])


def test_ended_file_acts_unplugged_until_it_changes(clip_copy):
    src = source_for(clip_copy, realtime=False)
    src.open()
    read_all(src, CLIP_FRAMES)
    assert src.read() is None
    with pytest.raises(OSError, match="video file ended"):
        src.open()

    st = clip_copy.stat()
    os.utime(clip_copy, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # "touch"
    src.open()
    assert src.read() is not None
    src.close()


def test_replacing_an_ended_file_replugs_it(clip, clip_copy, tmp_path):
    src = source_for(clip_copy, realtime=False)
    src.open()
    read_all(src, CLIP_FRAMES + 1)
    staged = Path(shutil.copy2(clip, tmp_path / "staged.mp4"))
    os.replace(staged, clip_copy)  # new inode at the same path
    src.open()
    assert src.read() is not None
    src.close()


def test_stream_url_reads_until_lost(clip):
    # A file:// URL goes through the stream branch without needing a network.
    src = OpenCvSource(CameraSection(), source=clip.as_uri())
    assert src.is_stream
    src.open()
    frames = read_all(src, CLIP_FRAMES)
    assert all(f is not None for f in frames)
    assert src.read() is None
    src.close()


def test_missing_file_is_a_clear_oserror(tmp_path):
    path = tmp_path / "nope.mp4"
    with pytest.raises(OSError, match=f"camera file not found: {path}"):
        source_for(path).open()


def test_file_deleted_while_looping_is_lost(clip_copy):
    src = source_for(clip_copy, realtime=False, loop=True)
    src.open()
    assert src.read() is not None
    clip_copy.unlink()
    frames = read_all(src, CLIP_FRAMES + 1)
    assert frames[-1] is None  # cannot rewind a file that is gone
    with pytest.raises(OSError, match="camera file not found"):
        src.open()


def test_not_a_video_is_a_clear_oserror(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("not a video")
    with pytest.raises(OSError, match="cannot decode video file"):
        source_for(path).open()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_gives_the_reason(clip_copy):
    clip_copy.chmod(0)
    with pytest.raises(OSError, match="Permission denied"):
        source_for(clip_copy).open()


def test_descriptions_never_show_a_password(clip):
    cfg = CameraSection()
    stream = OpenCvSource(cfg, source="rtsp://admin:s3cret@10.0.0.9:554/live?token=abc")
    assert "s3cret" not in stream.description and "abc" not in stream.description
    assert "admin:***@10.0.0.9:554/live" in stream.description
    assert OpenCvSource(cfg, source="0").description == "camera device 0"
    assert "short_hamilton_clip.mp4" in OpenCvSource(cfg, source=str(clip)).description


def test_mask_url_keeps_urls_without_secrets():
    assert mask_url("rtsp://cam.local/stream1") == "rtsp://cam.local/stream1"
    assert mask_url("http://viewer@cam/x") == "http://viewer@cam/x"
    assert mask_url("rtsp://u:p@ss@host/x") == "rtsp://u:***@host/x"


def test_config_source_and_loop_are_overridable(clip):
    cfg = CameraSection(source="3", loop=False)
    assert OpenCvSource(cfg).description == "camera device 3"
    looping = OpenCvSource(cfg, source=str(clip), loop=True)
    assert "looping" in looping.description
